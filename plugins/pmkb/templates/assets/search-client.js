/* pmkb site search: Material's header box, pmkb's BM25F ranking over static shards.
 *
 * The index is built by pmkb.site.search_static (search/pmkb/ in the site). Nothing
 * is fetched on page load: the first query fetches the manifest, one term shard per
 * word and the stored fields of the hits shown, all from this site.
 * Material's own search keeps its box, shortcuts, keyboard navigation and the
 * highlighting on the target page (?h=); its worker gets an empty index, and the
 * box's keystrokes reach this script instead.
 * Everything shown comes from the index and is inserted as text (textContent),
 * never as HTML.
 */
(function () {
  "use strict";

  var STOP = new Set(["a", "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "have", "if", "in", "is",
    "it", "may", "not", "of", "on", "or", "tbd", "that", "the", "this", "to", "us", "we", "when", "will", "with", "yet",
    "you", "your"]);
  // whoosh's default tokenizer pattern, [\w*]+(\.?[\w*]+)*, with Unicode word characters.
  var TOKEN = /[\p{L}\p{N}\p{M}_*]+(?:\.?[\p{L}\p{N}\p{M}_*]+)*/gu;
  var FIELD = /^([A-Za-z_][\w-]*):(.+)$/;
  var LIMIT = 10;

  // -- Porter stemmer, as whoosh.lang.porter writes it (its re.match anchors at the start) --
  var step2list = { ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize", bli: "ble", alli: "al",
    entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate", ator: "ate", alism: "al", iveness: "ive",
    fulness: "ful", ousness: "ous", aliti: "al", iviti: "ive", biliti: "ble", logi: "log" };
  var step3list = { icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "" };
  var C = "[^aeiouy]+", V = "[aeiou]+";
  var mgr0 = new RegExp("^(" + C + ")?" + V + C);
  var meq1 = new RegExp("^(" + C + ")?" + V + C + "(" + V + ")?$");
  var mgr1 = new RegExp("^(" + C + ")?" + V + C + V + C);
  var sV = new RegExp("^(" + C + ")?[aeiouy]");
  var cV = new RegExp("^" + C + "[aeiouy][^aeiouwxy]$");
  var edIng = /^(.*)(ed|ing)$/;
  var atBlIz = /^(at|bl|iz)$/;
  var step1b = /^([^aeiouylsz])\1$/;
  var step2 = /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
  var step3 = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
  var step41 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
  var step42 = /^(.+?)(s|t)(ion)$/;
  var step5 = /^(.+?)e$/;

  function stem(w) {
    if (w.length < 3) return w;
    var m, s;
    var firstY = w[0] === "y";
    if (firstY) w = "Y" + w.slice(1);
    if (w.endsWith("s")) {
      if (w.endsWith("sses") || w.endsWith("ies")) w = w.slice(0, -2);
      else if (w[w.length - 2] !== "s") w = w.slice(0, -1);
    }
    if (w.endsWith("eed")) {
      if (mgr0.test(w.slice(0, -3))) w = w.slice(0, -1);
    } else if ((m = edIng.exec(w))) {
      s = m[1];
      if (sV.test(s)) {
        w = s;
        if (atBlIz.test(w)) w += "e";
        else if (step1b.test(w)) w = w.slice(0, -1);
        else if (cV.test(w)) w += "e";
      }
    }
    if (w.endsWith("y")) {
      s = w.slice(0, -1);
      if (sV.test(s)) w = s + "i";
    }
    if ((m = step2.exec(w)) && mgr0.test(m[1])) w = m[1] + step2list[m[2]];
    if ((m = step3.exec(w)) && mgr0.test(m[1])) w = m[1] + step3list[m[2]];
    if ((m = step41.exec(w))) {
      if (mgr1.test(m[1])) w = m[1];
    } else if ((m = step42.exec(w))) {
      s = m[1] + m[2];
      if (mgr1.test(s)) w = s;
    }
    if ((m = step5.exec(w))) {
      s = m[1];
      if (mgr1.test(s) || (meq1.test(s) && !cV.test(s))) w = s;
    }
    if (w.endsWith("ll") && mgr1.test(w)) w = w.slice(0, -1);
    if (firstY) w = "y" + w.slice(1);
    return w;
  }

  /** Lower-cased, stemmed words without stop words or one-letter words, as whoosh indexes them. */
  function terms(text) {
    var out = [];
    var words = text.toLowerCase().match(TOKEN) || [];
    for (var i = 0; i < words.length; i++) {
      var word = words[i];
      if (word.length < 2 || STOP.has(word)) continue;
      out.push(stem(word));
    }
    return out;
  }

  function fnv1a(text) {
    var bytes = new TextEncoder().encode(text);
    var h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) {
      h ^= bytes[i];
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  // -- the index, fetched piece by piece -------------------------------------------
  var root = (function () {
    var config = document.getElementById("__config");
    var base = ".";
    try { base = JSON.parse(config.textContent).base || "."; } catch (e) { /* not a Material page */ }
    return new URL(base.replace(/\/?$/, "/"), location.href);
  })();
  var cache = new Map();
  var manifest = null;

  function fetchJSON(path) {
    if (!cache.has(path)) {
      var url = new URL("search/pmkb/" + path, root);
      if (manifest) url.search = "v=" + manifest.stamp;
      cache.set(path, fetch(url.href, path === "manifest.json" ? { cache: "no-cache" } : {}).then(function (r) {
        if (!r.ok) throw new Error("search index: " + r.status + " for " + path);
        return r.json();
      }).catch(function (error) { cache.delete(path); throw error; }));
    }
    return cache.get(path);
  }

  function loadManifest() {
    if (manifest) return Promise.resolve(manifest);
    return fetchJSON("manifest.json").then(function (m) { manifest = m; return m; });
  }

  function entry(term) {
    return fetchJSON("t/" + (fnv1a(term) % manifest.shards) + ".json").then(function (shard) {
      return Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : null;
    });
  }

  function storedDoc(number) {
    var chunk = Math.floor(number / manifest.chunk);
    return fetchJSON("d/" + chunk + ".json").then(function (docs) { return docs[number - chunk * manifest.chunk]; });
  }

  // -- the query ------------------------------------------------------------------
  /** Free words and `field:value` filters, as `pmkb search` reads them (fields and aliases from the manifest). */
  function parse(text) {
    var words = [], filters = [], shown = [];
    var parts = text.match(/"[^"]*"?|\S+/g) || [];
    parts.forEach(function (part) {
      if (part === "AND" || part === "OR" || part === "NOT") return;
      var m = FIELD.exec(part.replace(/"/g, ""));
      if (m) {
        var name = m[1].toLowerCase();
        name = manifest.aliases[name] || name;
        if (manifest.filters.indexOf(name) >= 0) {
          filters.push({ name: name, value: m[2].toLowerCase(), term: name + ":" + m[2].toLowerCase() });
          return;
        }
      }
      shown.push(part.replace(/"/g, ""));
      terms(part).forEach(function (t) { if (words.indexOf(t) < 0) words.push(t); });
    });
    return { words: words, filters: filters, shown: shown.join(" ") };
  }

  function decode(deltas) {
    var out = new Int32Array(deltas.length), at = 0;
    for (var i = 0; i < deltas.length; i++) { at += deltas[i]; out[i] = at; }
    return out;
  }

  /** Ranked document numbers: BM25F impacts summed, then whoosh's coordination bonus. */
  function rank(query) {
    return Promise.all(query.words.map(entry).concat(query.filters.map(function (f) { return entry(f.term); })))
      .then(function (found) {
        var n = manifest.docs;
        var wordEntries = found.slice(0, query.words.length), filterEntries = found.slice(query.words.length);
        var allowed = null;
        for (var f = 0; f < filterEntries.length; f++) {
          var pass = new Uint8Array(n);
          if (filterEntries[f]) decode(filterEntries[f][2]).forEach(function (d) { pass[d] = 1; });
          if (allowed) for (var i = 0; i < n; i++) allowed[i] &= pass[i];
          else allowed = pass;
        }
        var numbers = [];
        if (!query.words.length) {
          for (var d = 0; d < n && numbers.length < LIMIT && allowed; d++) if (allowed[d]) numbers.push([d, 0]);
          var total = 0;
          if (allowed) for (var k = 0; k < n; k++) total += allowed[k];
          return { hits: numbers, total: total };
        }
        var scores = new Float64Array(n), matching = new Int32Array(n), termcount = 0;
        wordEntries.forEach(function (e) {
          if (!e) return;
          termcount += e[0];
          var docs = decode(e[2]), packed = e[3], unit = e[1] / 255;
          for (var j = 0; j < docs.length; j++) {
            scores[docs[j]] += (packed[j] >> 2) * unit;
            matching[docs[j]] += packed[j] & 3;
          }
        });
        var scale = manifest.coord_scale, hits = [];
        for (var x = 0; x < n; x++) {
          if (!matching[x] || (allowed && !allowed[x])) continue;
          var s = scores[x];
          if (termcount > 1 && termcount !== scale) s = (s + (matching[x] - 1) / Math.pow(termcount - scale, 2)) * ((termcount - 1) / termcount);
          if (x < manifest.runbooks) s *= manifest.runbook_boost;
          hits.push([x, s]);
        }
        hits.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
        return { hits: hits.slice(0, LIMIT), total: hits.length };
      });
  }

  function search(text) {
    return loadManifest().then(function () {
      var query = parse(text);
      if (!query.words.length && !query.filters.length) return { query: query, hits: [], total: 0 };
      return rank(query).then(function (ranked) {
        return Promise.all(ranked.hits.map(function (hit) { return storedDoc(hit[0]); })).then(function (docs) {
          return {
            query: query,
            total: ranked.total,
            hits: docs.map(function (doc, i) {
              return { number: ranked.hits[i][0], score: ranked.hits[i][1], title: doc[0], url: doc[1], kind: doc[2],
                types: doc[3], severity: doc[4], date: doc[5], services: doc[6], excerpt: doc[7] };
            }),
          };
        });
      });
    });
  }

  // -- Material's search box ----------------------------------------------------------
  var input = document.querySelector("[data-md-component=search-query]");
  var result = document.querySelector("[data-md-component=search-result]");
  if (!input || !result) return;
  var meta = result.querySelector(".md-search-result__meta");
  var list = result.querySelector(".md-search-result__list");
  var shown = null, writing = false, latest = 0;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  /** `text` as nodes, the words whose stems the query has wrapped in <mark>. */
  function marked(text, stems) {
    var frag = document.createDocumentFragment(), last = 0, m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text))) {
      var word = m[0].toLowerCase();
      if (word.length > 1 && !STOP.has(word) && stems.indexOf(stem(word)) >= 0) {
        frag.appendChild(document.createTextNode(text.slice(last, m.index)));
        frag.appendChild(el("mark", null, m[0]));
        last = m.index + m[0].length;
      }
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function typeTitle(slug) { return (manifest.types && manifest.types[slug]) || slug; }

  function render(found) {
    writing = true;
    shown = found;
    result.setAttribute("data-pmkb-query", found.text);
    list.replaceChildren();
    if (found.error) {
      meta.textContent = found.error;
    } else if (!found.query.words.length && !found.query.filters.length) {
      meta.textContent = "Type to start searching";
    } else {
      meta.textContent = found.total === 0 ? "No matching documents" :
        found.total === 1 ? "1 matching document" : found.total + " matching documents" +
        (found.total > found.hits.length ? " (best " + found.hits.length + " shown)" : "");
      found.hits.forEach(function (hit) {
        var url = new URL(hit.url, root);
        if (found.query.shown) url.searchParams.set("h", found.query.shown);
        var li = el("li", "md-search-result__item pmkb-search-hit");
        li.dataset.kind = hit.kind;
        li.dataset.types = hit.types.join(" ");
        var a = el("a", "md-search-result__link");
        a.href = url.href;
        a.tabIndex = -1;
        var article = el("article", "md-search-result__article md-search-result__article--document md-typeset");
        article.setAttribute("data-md-score", hit.score.toFixed(2));
        article.appendChild(el("div", "md-search-result__icon md-icon"));
        article.appendChild(el("h1", null, hit.title));
        var facts = hit.kind === "runbook" ? ["Runbook"] : [hit.severity, hit.date];
        facts = facts.concat(hit.types.map(typeTitle));
        if (hit.services.length) facts.push(hit.services.join(", "));
        article.appendChild(el("p", "pmkb-search-facts", facts.filter(Boolean).join(" · ")));
        var p = el("p");
        p.appendChild(marked(hit.excerpt, found.query.words));
        article.appendChild(p);
        a.appendChild(article);
        li.appendChild(a);
        list.appendChild(li);
      });
    }
    found.metaText = meta.textContent;
    // The observers run after this task: only then is the list ours again.
    setTimeout(function () { writing = false; }, 0);
  }

  var timer = 0, typed = 0;
  // Keystrokes closer together than PAUSE ms are one query: fetching a shard for every
  // prefix of a word being typed ("c", "co", "con"...) would cost more than the query itself.
  var PAUSE = 60;

  function schedule() {
    typed = performance.now();
    clearTimeout(timer);
    timer = setTimeout(run, PAUSE);
  }

  function run() {
    var text = input.value;
    var ticket = ++latest;
    var started = typed;
    search(text).then(function (found) {
      found.text = text;
      if (ticket === latest) render(found);
    }, function (error) {
      if (ticket === latest) render({ error: "Search is unavailable: " + error.message, hits: [], text: text, query: { words: [], filters: [] } });
    }).then(function () {
      // Keystroke to painted results, for scripts/bench search-site.
      if (ticket === latest) requestAnimationFrame(function () { api.timing = { query: text, ms: performance.now() - started }; });
    });
  }

  // Opening the box fetches the manifest (a few kB), so a query waits for its terms only.
  input.addEventListener("focus", function () { loadManifest().catch(function () { /* reported by the query */ }); });

  // Keystrokes in the box are ours: Material's search never sees them (it would query its empty index).
  ["keyup", "input"].forEach(function (type) {
    window.addEventListener(type, function (event) {
      if (event.target !== input) return;
      event.stopImmediatePropagation();
      if (type === "input") schedule();
    }, true);
  });
  // Material re-queries its own (empty) index when the box gets focus again, and updates its
  // message on blur: put our results and message back. Only what Material changed is redone,
  // so a hit that has the keyboard focus keeps it.
  var focused = -1;
  list.addEventListener("focusin", function (event) {
    focused = Array.prototype.indexOf.call(list.querySelectorAll(".md-search-result__link"), event.target.closest(".md-search-result__link"));
  });
  input.addEventListener("focus", function () { focused = -1; });
  function ours(node) { return node.nodeType === 1 && node.classList.contains("pmkb-search-hit"); }
  new MutationObserver(function (records) {
    if (writing || !shown || !input.value) return;
    var lost = records.some(function (r) { return Array.prototype.some.call(r.removedNodes, ours); });
    if (lost) {
      render(shown);
      // The hit that had the focus (arrow keys) was among the removed: give it back.
      var links = list.querySelectorAll(".md-search-result__link");
      if (focused >= 0 && focused < links.length && (document.activeElement === document.body || !document.activeElement)) links[focused].focus();
      return;
    }
    records.forEach(function (r) {
      Array.prototype.forEach.call(r.addedNodes, function (node) { if (!ours(node) && node.parentNode) node.remove(); });
    });
  }).observe(list, { childList: true });
  new MutationObserver(function () {
    if (writing || !shown || !input.value || meta.textContent === shown.metaText) return;
    writing = true;
    meta.textContent = shown.metaText;
    setTimeout(function () { writing = false; }, 0);
  }).observe(meta, { childList: true, characterData: true, subtree: true });

  // For the browser tests and the benchmark: the same search without the box.
  var api = window.pmkbSearch = { search: search, terms: terms, stem: stem, fnv1a: fnv1a, timing: null };
})();

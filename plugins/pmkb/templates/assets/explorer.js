/* pmkb incident explorer: filters, text box and sorting over the page's JSON block.
   No framework, no network: the data is in <script id="pmkb-explorer-data">.
   The filter state lives in the query string (?severity=SEV1&service=checkout&q=pool&sort=-started). */
(function () {
  "use strict";
  var root = document.getElementById("pmkb-explorer");
  var source = document.getElementById("pmkb-explorer-data");
  if (!root || !source) return;
  var data = JSON.parse(source.textContent);
  var col = {};
  data.columns.forEach(function (name, i) { col[name] = i; });
  var rows = data.rows;
  var FILTERS = [
    ["severity", "Severity", "severity"], ["type", "Incident type", "type"], ["service", "Service", "services"],
    ["team", "Team", "teams"], ["month", "Month", "month"], ["status", "Status", "status"]
  ];
  // Seven columns, so titles get the room: the id heads the title's cell, teams go under the services.
  var SORTS = [
    ["started", "Started"], ["id", "Postmortem"], ["severity", "Severity"], ["type", "Type"],
    ["services", "Services (teams)"], ["status", "Status"], ["ttr", "Time to resolve"]
  ];
  var PAGE = 500;
  var shown = PAGE;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function values(name, field) {
    var seen = {};
    rows.forEach(function (r) { [].concat(r[col[field]]).forEach(function (v) { seen[v] = true; }); });
    var list = Object.keys(seen);
    if (name === "severity") {
      list.sort(function (a, b) { return data.severities.indexOf(a) - data.severities.indexOf(b); });
    } else if (name === "month") {
      list.sort().reverse();
    } else {
      list.sort();
    }
    return list;
  }

  // State <-> URL
  function readState() {
    var params = new URLSearchParams(window.location.search);
    var state = { q: params.get("q") || "", sort: params.get("sort") || "-started" };
    FILTERS.forEach(function (f) { state[f[0]] = params.get(f[0]) || ""; });
    return state;
  }
  function writeState(state) {
    var params = new URLSearchParams();
    FILTERS.forEach(function (f) { if (state[f[0]]) params.set(f[0], state[f[0]]); });
    if (state.q) params.set("q", state.q);
    if (state.sort && state.sort !== "-started") params.set("sort", state.sort);
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  }

  var state = readState();

  // Controls
  var form = el("form", { class: "pmkb-explorer-filters", role: "search", "aria-label": "Filter postmortems" });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  var selects = {};
  FILTERS.forEach(function (f) {
    var select = el("select", { name: f[0], id: "pmkb-filter-" + f[0] }, [el("option", { value: "" }, ["All"])]);
    values(f[0], f[2]).forEach(function (v) { select.appendChild(el("option", { value: v }, [v])); });
    select.value = state[f[0]];
    if (select.value !== state[f[0]]) state[f[0]] = "";  // a value no row has
    select.addEventListener("change", function () { state[f[0]] = select.value; update(); });
    selects[f[0]] = select;
    form.appendChild(el("label", { for: select.id }, [f[1], select]));
  });
  var text = el("input", { type: "search", name: "q", id: "pmkb-filter-q", placeholder: "id, title, service, tag…", autocomplete: "off" });
  text.value = state.q;
  text.addEventListener("input", function () { state.q = text.value; update(); });
  form.appendChild(el("label", { for: text.id }, ["Text", text]));
  var reset = el("button", { type: "button" }, ["Clear filters"]);
  reset.addEventListener("click", function () {
    FILTERS.forEach(function (f) { state[f[0]] = ""; selects[f[0]].value = ""; });
    state.q = ""; text.value = ""; update();
  });
  form.appendChild(reset);

  var count = el("p", { class: "pmkb-explorer-count", "aria-live": "polite" });
  var headRow = el("tr");
  var headers = {};
  SORTS.forEach(function (s) {
    var button = el("button", { type: "button" }, [s[1]]);
    button.addEventListener("click", function () {
      var current = state.sort.replace(/^-/, "");
      state.sort = current === s[0] && state.sort.charAt(0) !== "-" ? "-" + s[0] : (current === s[0] ? s[0] : (s[0] === "started" || s[0] === "ttr" ? "-" + s[0] : s[0]));
      update();
    });
    headers[s[0]] = el("th", { scope: "col", "data-sort": s[0] }, [button]);
    headRow.appendChild(headers[s[0]]);
  });
  var body = el("tbody");
  var table = el("table", { class: "pmkb-explorer-table" }, [el("thead", {}, [headRow]), body]);
  var more = el("button", { type: "button", class: "pmkb-explorer-more" }, ["Show more"]);
  more.addEventListener("click", function () { shown += PAGE; render(); });
  root.appendChild(form);
  root.appendChild(count);
  // In pmkb's scroll box (pmkb.css): on a phone the table scrolls inside the column, not the page.
  root.appendChild(el("div", { class: "pmkb-table pmkb-explorer-scroll", tabindex: "0" }, [table]));
  root.appendChild(more);

  function matches(r) {
    for (var i = 0; i < FILTERS.length; i++) {
      var want = state[FILTERS[i][0]];
      if (want && [].concat(r[col[FILTERS[i][2]]]).indexOf(want) < 0) return false;
    }
    if (state.q) {
      var hay = [r[col.id], r[col.title], r[col.type], r[col.type_title], r[col.status]]
        .concat(r[col.services], r[col.teams], r[col.tags]).join(" ").toLowerCase();
      var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
      for (var j = 0; j < words.length; j++) if (hay.indexOf(words[j]) < 0) return false;
    }
    return true;
  }
  function sortKey(r, key) {
    if (key === "severity") return data.severities.indexOf(r[col.severity]);
    if (key === "ttr") return r[col.ttr] === null ? Infinity : r[col.ttr];
    var v = r[col[key]];
    return Array.isArray(v) ? v.join(", ").toLowerCase() : String(v).toLowerCase();
  }
  function cell(value, cls) { return el("td", cls ? { class: cls } : {}, [value]); }
  function duration(minutes) {
    if (minutes === null) return "—";
    var h = Math.floor(minutes / 60), m = minutes % 60;
    return h ? h + " h" + (m ? " " + m + " min" : "") : m + " min";
  }

  var filtered = [];
  function update() {
    shown = PAGE;
    writeState(state);
    var key = state.sort.replace(/^-/, ""), dir = state.sort.charAt(0) === "-" ? -1 : 1;
    if (!headers[key]) { key = "started"; dir = -1; }
    filtered = rows.filter(matches);
    filtered.sort(function (a, b) {
      var x = sortKey(a, key), y = sortKey(b, key);
      return (x < y ? -1 : x > y ? 1 : 0) * dir || (a[col.id] < b[col.id] ? 1 : -1);
    });
    SORTS.forEach(function (s) {
      if (s[0] === key) headers[s[0]].setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else headers[s[0]].removeAttribute("aria-sort");
    });
    render();
  }
  function render() {
    var fragment = document.createDocumentFragment();
    filtered.slice(0, shown).forEach(function (r) {
      var link = el("a", { href: r[col.url] }, [r[col.title]]);
      var tr = el("tr", { "data-id": r[col.id] }, [
        cell(r[col.started].slice(0, 10), "pmkb-nowrap"),
        el("td", { class: "pmkb-explorer-title" }, [el("span", { class: "pmkb-id" }, [r[col.id]]), " ", link]),
        el("td", {}, [el("span", { class: "pmkb-sev pmkb-sev-" + r[col.severity].toLowerCase() }, [r[col.severity]])]),
        el("td", { title: r[col.type] }, [r[col.type_title]]), el("td", {}, [r[col.services].join(", "), el("br"), el("small", { class: "pmkb-team" }, [r[col.teams].join(", ")])]),
        cell(r[col.status]), cell(duration(r[col.ttr]), "pmkb-nowrap")
      ]);
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    count.textContent = filtered.length + " of " + rows.length + " postmortems" +
      (filtered.length > shown ? " (showing the first " + shown + ")" : "");
    more.hidden = filtered.length <= shown;
  }
  update();
})();

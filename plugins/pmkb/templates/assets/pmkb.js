/* pmkb: ids, dates and tickets stay on one line.
   Chromium breaks a line after a hyphen even before a digit, so on a phone "PM-2026-021",
   "2026-11-25" or "CHK-101" in running text split over two lines. Each such token in the page's
   content (not in code) goes into <span class="pmkb-nowrap"> (pmkb.css: white-space: nowrap).
   Done in the browser so the HTML, the search index and copied text stay exactly as written;
   without JavaScript a token may still break, nothing else changes. pmkb's own tables mark
   their id and date cells in the HTML already. */
(function () {
  "use strict";
  var TOKEN = /(^|[^\w-])(PM-\d{4}-\d+|\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2})?|[A-Z][A-Z0-9]+-\d+)(?![\w-])/g;
  var SKIP = "pre, code, script, style, textarea, kbd, samp, .pmkb-nowrap";

  function wrap(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null);
    var found = [];
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.data.indexOf("-") >= 0 && !node.parentElement.closest(SKIP)) found.push(node);
    }
    found.forEach(function (node) {
      var text = node.data, last = 0, fragment = null, match;
      TOKEN.lastIndex = 0;
      while ((match = TOKEN.exec(text)) !== null) {
        var start = match.index + match[1].length;
        fragment = fragment || document.createDocumentFragment();
        fragment.appendChild(document.createTextNode(text.slice(last, start)));
        var span = document.createElement("span");
        span.className = "pmkb-nowrap";
        span.textContent = match[2];
        fragment.appendChild(span);
        last = start + match[2].length;
        TOKEN.lastIndex = last;
      }
      if (fragment) {
        fragment.appendChild(document.createTextNode(text.slice(last)));
        node.parentNode.replaceChild(fragment, node);
      }
    });
  }

  function run() {
    var content = document.querySelector(".md-content");
    if (content) wrap(content);
  }
  // Material's instant navigation swaps the content without a page load: document$ tells us.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();

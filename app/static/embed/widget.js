/*
 * Insights API quote widget: one script tag renders quotes on any page.
 *
 *   <script src="https://API/embed/v1/widget.js" data-stakeholder-type="patient-advocate"
 *           data-layout="wall" data-count="6" data-theme-mode="auto" async></script>
 *
 * data-quote (one id), or the filters of /v1/quotes as data- attributes: data-report,
 * data-layer, data-theme, data-stakeholder-type, data-organisation-type, data-interview,
 * data-tag and each one's data-not-... exclusion (ids; several separated by spaces or commas),
 * data-q, data-min-length, data-max-length. data-layout: single (the default: one quote chosen
 * at random, rotating every data-rotate-seconds, 5 to 3600, if given), carousel (data-count
 * quotes in report order, one at a time, every data-rotate-seconds or 8, with a pause control;
 * still for readers who prefer reduced motion), wall (a responsive grid) or list; data-count: 1
 * to 24 (default 6). A wall's or list's cards below the fold are fetched as they come into
 * view. data-theme-mode: light, dark or auto (the reader's preference).
 *
 * The card lives in its own shadow root, so the page's CSS cannot reach in and ours cannot leak
 * out; its styles are a constructed stylesheet where the browser has them (a page's CSP does not
 * govern those). Data only ever becomes text (textContent), never markup.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !script.src || script.getAttribute("data-insights-rendered") !== null) {
    return;
  }
  script.setAttribute("data-insights-rendered", "");

  var ORIGIN = new URL(script.src).origin;
  // Our iframe cards on the same page fit their content too: resize.js hears their heights.
  if (!window.__insightsResize) {
    var fit = document.createElement("script");
    fit.src = ORIGIN + "/embed/v1/resize.js";
    fit.async = true;
    (document.head || document.documentElement).appendChild(fit);
  }
  // The quote list's filters: ids (several to an attribute), then those taking one value.
  var DIMENSIONS = [
    "report", "layer", "theme", "stakeholder-type", "organisation-type", "interview", "tag",
  ];
  var FILTERS = DIMENSIONS.concat(DIMENSIONS.map(function (name) { return "not-" + name; }));
  var SINGLE_VALUED = ["q", "min-length", "max-length"];
  var MODES = ["light", "dark", "auto"];
  var LAYOUTS = ["single", "carousel", "wall", "list"];
  var MAX_COUNT = 24;
  // A wall's or list's cards come this many at a time, the next as the last comes near view.
  var CHUNK = 6;
  // The formats the "Cite" details link to, by label (the text shown is APA's).
  var CITATION_FORMATS = [
    ["Chicago", "chicago-author-date"],
    ["MLA", "mla"],
    ["BibTeX", "bibtex"],
    ["RIS", "ris"],
    ["CSL-JSON", "csl-json"],
  ];
  var CSS = [
    ":host { all: initial; display: block; margin: 1em 0; max-width: 40rem; contain: content; }",
    ":host([hidden]) { display: none; }",
    ":host([data-layout='wall']) { max-width: none; }",
    ".cards { all: initial; display: grid; gap: 0.75em; margin: 0; padding: 0; }",
    ":host([data-layout='wall']) .cards {",
    "  grid-template-columns: repeat(auto-fill, minmax(min(100%, 16em), 1fr)); }",
    ".item { display: block; margin: 0; padding: 0; }",
    ".item > .card { height: 100%; box-sizing: border-box; }",
    ".more { height: 1px; }",
    ".card {",
    "  all: initial;",
    "  --ink: #1b2733; --muted: #4a5866; --paper: #ffffff; --line: #d5dee6;",
    "  --accent: #24608c; --link: #0b5c94;",
    "  display: flex; flex-direction: column; gap: 0.75em; margin: 0; padding: 1em 1.25em;",
    "  background: var(--paper); color: var(--ink); border: 1px solid var(--line);",
    "  border-left: 4px solid var(--accent); border-radius: 6px; text-align: left;",
    "  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;",
    "}",
    ":host([data-mode='dark']) .card {",
    "  --ink: #e8eef3; --muted: #b4c0cb; --paper: #11181f; --line: #33414d;",
    "  --accent: #8cc8f2; --link: #8cc8f2;",
    "}",
    "@media (prefers-color-scheme: dark) {",
    "  :host([data-mode='auto']) .card {",
    "    --ink: #e8eef3; --muted: #b4c0cb; --paper: #11181f; --line: #33414d;",
    "    --accent: #8cc8f2; --link: #8cc8f2;",
    "  }",
    "}",
    "blockquote { margin: 0; padding: 0; border: 0; quotes: '\\201C' '\\201D'; }",
    "blockquote p { margin: 0; font-size: 1.05em; }",
    "blockquote p::before { content: open-quote; }",
    "blockquote p::after { content: close-quote; }",
    "figcaption { color: var(--muted); font-size: 0.9em; }",
    "cite { font-style: normal; font-weight: 600; color: var(--ink); }",
    ".meta { margin: 0; display: flex; flex-wrap: wrap; align-items: center;",
    "  gap: 0.25em 0.75em; font-size: 0.85em; color: var(--muted); }",
    "a { color: var(--link); text-decoration: underline; text-underline-offset: 0.15em; }",
    "a:focus-visible, button:focus-visible { outline: 3px solid var(--accent);",
    "  outline-offset: 2px; }",
    "button { font: inherit; color: var(--ink); background: transparent; cursor: pointer;",
    "  border: 1px solid var(--line); border-radius: 4px; padding: 0.1em 0.6em; }",
    ".cite { font-size: 0.85em; color: var(--muted); overflow-wrap: anywhere; }",
    ".cite summary { cursor: pointer; color: var(--ink); }",
    ".cite p { margin: 0.25em 0 0; }",
    ".sr { position: absolute; width: 1px; height: 1px; overflow: hidden;",
    "  clip-path: inset(50%); white-space: nowrap; }",
  ].join("\n");

  function words(value) {
    return (value || "").split(/[\s,]+/).filter(Boolean);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addStyles(root) {
    if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function") {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (error) {
        // Constructable stylesheets unsupported: fall back to a <style> element.
      }
    }
    root.appendChild(el("style", "", CSS));
  }

  function requestUrl(limit, cursor) {
    var quote = script.getAttribute("data-quote");
    if (quote) {
      return ORIGIN + "/v1/quotes/" + encodeURIComponent(quote.trim());
    }
    var params = new URLSearchParams();
    FILTERS.forEach(function (name) {
      words(script.getAttribute("data-" + name)).forEach(function (value) {
        params.append(name.replace(/-/g, "_"), value);
      });
    });
    SINGLE_VALUED.forEach(function (name) {
      var value = (script.getAttribute("data-" + name) || "").trim();
      if (value) params.set(name.replace(/-/g, "_"), value);
    });
    params.set("limit", String(limit));
    if (cursor) params.set("cursor", cursor);
    return ORIGIN + "/v1/quotes?" + params.toString();
  }

  function load(url) {
    return fetch(url, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
  }

  function count(value) {
    var n = parseInt(value, 10);
    return isFinite(n) && n > 0 ? Math.min(n, MAX_COUNT) : CHUNK;
  }

  function shuffle(items) {
    for (var i = items.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var swap = items[i];
      items[i] = items[j];
      items[j] = swap;
    }
    return items;
  }

  function rotateSeconds(value) {
    var seconds = parseInt(value, 10);
    if (!isFinite(seconds) || seconds <= 0) return 0;
    return Math.min(Math.max(seconds, 5), 3600);
  }

  function build(root) {
    var card = el("figure", "card");
    card.lang = "en";
    var blockquote = el("blockquote");
    var text = el("p", "text", "Loading a quote…");
    blockquote.appendChild(text);
    var caption = el("figcaption");
    var meta = el("p", "meta");
    var link = el("a", "", "Read in context");
    link.target = "_blank";
    link.rel = "noopener";
    link.appendChild(el("span", "sr", " (opens in a new tab)"));
    var source = el("span", "source");
    meta.appendChild(link);
    meta.appendChild(source);
    link.hidden = true;
    var cite = el("details", "cite");
    cite.appendChild(el("summary", "", "Cite"));
    cite.hidden = true;
    card.appendChild(blockquote);
    card.appendChild(caption);
    card.appendChild(meta);
    card.appendChild(cite);
    root.appendChild(card);
    return { card: card, blockquote: blockquote, text: text, caption: caption, meta: meta,
      link: link, source: source, cite: cite };
  }

  function citationUrl(quote, format) {
    return ORIGIN + "/v1/quotes/" + encodeURIComponent(quote.id) + "/citation?format=" + format;
  }

  // The citation is fetched when the reader opens "Cite", as text, and shown as text.
  function offerCitation(details, quote) {
    while (details.childNodes.length > 1) details.removeChild(details.lastChild);
    details.open = false;
    details.hidden = false;
    details.ontoggle = function () {
      if (!details.open || details.childNodes.length > 1) return;
      var text = el("p", "", "Loading the citation…");
      details.appendChild(text);
      fetch(citationUrl(quote, "apa"), { credentials: "omit", headers: { Accept: "text/plain" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (body) {
          text.textContent = body.split("\n")[0];
          var formats = el("p");
          CITATION_FORMATS.forEach(function (pair, index) {
            if (index) formats.appendChild(document.createTextNode(" · "));
            var link = el("a", "", pair[0]);
            link.href = citationUrl(quote, pair[1]);
            link.target = "_blank";
            link.rel = "noopener";
            formats.appendChild(link);
          });
          details.appendChild(formats);
        })
        .catch(function () {
          text.textContent = "The citation could not be loaded.";
        });
    };
  }

  function show(parts, quote) {
    var permalink = ORIGIN + "/quotes/" + encodeURIComponent(quote.id);
    parts.text.textContent = quote.text;
    parts.blockquote.cite = permalink;
    parts.caption.textContent = "";
    parts.caption.appendChild(document.createTextNode("— "));
    parts.caption.appendChild(el("cite", "", quote.attribution));
    parts.caption.appendChild(document.createTextNode(", on "));
    parts.caption.appendChild(el("span", "theme", quote.theme.title));
    parts.link.href = permalink;
    parts.link.hidden = false;
    parts.source.textContent = quote.report.title;
    offerCitation(parts.cite, quote);
  }

  function fail(parts, message) {
    parts.text.textContent = message;
    parts.caption.textContent = "";
  }

  function rotate(parts, quotes, seconds) {
    var index = 0;
    var timer = null;
    // A reader who prefers reduced motion gets the control, and no motion until they ask.
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var button = el("button", "", still ? "Play quotes" : "Pause quotes");
    button.type = "button";
    parts.meta.appendChild(button);
    parts.card.setAttribute("aria-live", still ? "polite" : "off");

    function start() {
      timer = window.setInterval(function () {
        index = (index + 1) % quotes.length;
        show(parts, quotes[index]);
      }, seconds * 1000);
    }
    button.addEventListener("click", function () {
      var paused = timer !== null;
      if (paused) {
        window.clearInterval(timer);
        timer = null;
      } else {
        start();
      }
      button.textContent = paused ? "Play quotes" : "Pause quotes";
      parts.card.setAttribute("aria-live", paused ? "polite" : "off");
    });
    if (!still) start();
  }

  // A wall or a list: a chunk of cards, and the next chunk when the last card nears the view.
  function grid(root, wanted) {
    var list = el("ul", "cards");
    list.setAttribute("role", "list");
    root.appendChild(list);
    var shown = 0;

    function more(cursor) {
      return load(requestUrl(Math.min(CHUNK, wanted - shown), cursor)).then(function (body) {
        body.items.forEach(function (quote) {
          var item = el("li");
          item.className = "item";
          list.appendChild(item);
          show(build(item), quote);
          shown += 1;
        });
        if (!shown) throw new Error("none");
        if (shown < wanted && body.next_cursor) watch(body.next_cursor);
      });
    }
    function watch(cursor) {
      var sentinel = el("li", "more");
      sentinel.setAttribute("aria-hidden", "true");
      list.appendChild(sentinel);
      if (!("IntersectionObserver" in window)) {
        list.removeChild(sentinel);
        more(cursor);
        return;
      }
      var observer = new IntersectionObserver(function (entries) {
        if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
        observer.disconnect();
        list.removeChild(sentinel);
        more(cursor).catch(warn);
      }, { rootMargin: "200px" });
      observer.observe(sentinel);
    }
    return more(null);
  }

  function warn(error) {
    if (window.console) window.console.warn("Insights API widget:", error);
  }

  function render() {
    var layout = script.getAttribute("data-layout");
    layout = LAYOUTS.indexOf(layout) >= 0 ? layout : "single";
    var mode = script.getAttribute("data-theme-mode");
    var host = document.createElement("insights-quote");
    host.setAttribute("data-mode", MODES.indexOf(mode) >= 0 ? mode : "auto");
    host.setAttribute("data-layout", layout);
    script.parentNode.insertBefore(host, script.nextSibling);
    var root = host.attachShadow({ mode: "open" });
    addStyles(root);
    var wanted = count(script.getAttribute("data-count"));
    var one = Boolean(script.getAttribute("data-quote"));

    if ((layout === "wall" || layout === "list") && !one) {
      grid(root, wanted).catch(function (error) {
        var parts = build(root);
        fail(parts, error.message === "none"
          ? "No quote matches these filters." : "The quotes could not be loaded.");
        warn(error);
      });
      return;
    }
    var parts = build(root);
    var carousel = layout === "carousel";
    load(requestUrl(carousel ? wanted : 100))
      .then(function (body) {
        var quotes = one ? [body] : carousel ? body.items.slice() : shuffle(body.items.slice());
        if (!quotes.length) {
          fail(parts, "No quote matches these filters.");
          return;
        }
        show(parts, quotes[0]);
        var asked = rotateSeconds(script.getAttribute("data-rotate-seconds"));
        var seconds = carousel ? asked || 8 : asked;
        if (seconds && quotes.length > 1) rotate(parts, quotes, seconds);
      })
      .catch(function (error) {
        fail(parts, "The quote could not be loaded.");
        warn(error);
      });
  }

  render();
})();

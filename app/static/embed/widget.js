/*
 * Insights API quote widget: one script tag renders a quote (or a rotating set) on any page.
 *
 *   <script src="https://API/embed/widget.js" data-stakeholder-type="patient-advocate"
 *           data-theme-mode="auto" data-rotate-seconds="12" async></script>
 *
 * data-quote (one id), or the filters of /v1/quotes: data-stakeholder-type, data-layer,
 * data-theme, data-tag (ids; several separated by spaces or commas). data-theme-mode: light,
 * dark or auto (the reader's preference). data-rotate-seconds: 5 to 3600 to rotate through the
 * matching quotes; absent or 0 shows one chosen at random.
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
  var FILTERS = [
    ["stakeholderType", "stakeholder_type"],
    ["layer", "layer"],
    ["theme", "theme"],
    ["tag", "tag"],
  ];
  var MODES = ["light", "dark", "auto"];
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

  function requestUrl(data) {
    if (data.quote) {
      return ORIGIN + "/v1/quotes/" + encodeURIComponent(data.quote.trim());
    }
    var params = new URLSearchParams();
    FILTERS.forEach(function (pair) {
      words(data[pair[0]]).forEach(function (value) {
        params.append(pair[1], value);
      });
    });
    params.set("limit", "100");
    return ORIGIN + "/v1/quotes?" + params.toString();
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
    var button = el("button", "", "Pause quotes");
    button.type = "button";
    parts.meta.appendChild(button);
    parts.card.setAttribute("aria-live", "off");

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
      button.textContent = paused ? "Resume quotes" : "Pause quotes";
      parts.card.setAttribute("aria-live", paused ? "polite" : "off");
    });
    start();
  }

  function render() {
    var data = script.dataset;
    var host = document.createElement("insights-quote");
    var mode = MODES.indexOf(data.themeMode) >= 0 ? data.themeMode : "auto";
    host.setAttribute("data-mode", mode);
    script.parentNode.insertBefore(host, script.nextSibling);
    var root = host.attachShadow({ mode: "open" });
    addStyles(root);
    var parts = build(root);

    fetch(requestUrl(data), { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (body) {
        var quotes = data.quote ? [body] : shuffle(body.items.slice());
        if (!quotes.length) {
          fail(parts, "No quote matches these filters.");
          return;
        }
        show(parts, quotes[0]);
        var seconds = rotateSeconds(data.rotateSeconds);
        if (seconds && quotes.length > 1) rotate(parts, quotes, seconds);
      })
      .catch(function (error) {
        fail(parts, "The quote could not be loaded.");
        if (window.console) window.console.warn("Insights API widget:", error);
      });
  }

  render();
})();

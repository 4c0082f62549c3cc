/*
 * Insights API: fits embedded quote cards to their content. Optional: include it once on a page
 * with our <iframe> cards and each frame's height follows what its card says it needs.
 *
 *   <script src="https://API/embed/v1/resize.js" async></script>
 *
 * Only messages from the API's own origin (this script's), and from one of the page's frames,
 * are heard; the height is set as the frame's `height` attribute, which no CSP governs. A frame
 * that told its height before this script came is asked again.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src || window.__insightsResize) {
    return;
  }
  window.__insightsResize = true;
  var ORIGIN = new URL(script.src).origin;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== ORIGIN || !data || data.type !== "insights-embed-height") {
      return;
    }
    var height = Math.ceil(Number(data.height));
    if (!(height > 0 && height < 10000)) {
      return;
    }
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i].contentWindow === event.source) {
        frames[i].setAttribute("height", String(height));
      }
    }
  });
  var frames = document.getElementsByTagName("iframe");
  for (var i = 0; i < frames.length; i += 1) {
    if (frames[i].contentWindow) {
      frames[i].contentWindow.postMessage({ type: "insights-embed-ask" }, ORIGIN);
    }
  }
})();

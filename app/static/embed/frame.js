/*
 * Insights API embed card, inside its iframe: tells the page that frames it the height the card
 * needs, on load and whenever it changes (a resize, the Cite box opened), so the page can fit the
 * frame to it (resize.js or the widget does). The height is not secret: any origin may hear it;
 * the receiving scripts check that it comes from the API's origin and from their own frame.
 */
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var figure = document.querySelector("figure");
  var last = 0;
  function needed() {
    // The figure fills the frame (min-height: 100%): measure its content, not itself.
    var style = getComputedStyle(figure);
    var bottom = figure.lastElementChild.getBoundingClientRect().bottom + window.scrollY;
    return Math.ceil(
      bottom + parseFloat(style.paddingBottom) + parseFloat(style.borderBottomWidth)
    );
  }
  function tell() {
    var height = needed();
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "insights-embed-height", height: height }, "*");
    }
  }
  if (window.ResizeObserver) {
    new ResizeObserver(tell).observe(document.body);
  }
  document.addEventListener("toggle", tell, true);
  // resize.js, come after the first telling, asks again.
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "insights-embed-ask") {
      last = 0;
      tell();
    }
  });
  window.addEventListener("load", tell);
  tell();
})();

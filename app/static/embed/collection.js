/*
 * Insights API embed of several quotes (a wall, a list or a carousel), inside its iframe.
 *
 * It tells the framing page the height the quotes need, as frame.js does for one card, and
 * runs the carousel: a slide every data-rotate-seconds, with Previous, Pause and Next. The
 * carousel stays still for a reader who prefers reduced motion, and pauses while the pointer
 * or the keyboard focus is in it, so nobody reads against a moving text (WCAG 2.2.2).
 */
(function () {
  "use strict";
  var main = document.querySelector("main");
  var last = 0;

  function tell() {
    var height = Math.ceil(main.getBoundingClientRect().height);
    if (height !== last && window.parent !== window) {
      last = height;
      window.parent.postMessage({ type: "insights-embed-height", height: height }, "*");
    }
  }
  if (window.ResizeObserver) new ResizeObserver(tell).observe(main);
  window.addEventListener("load", tell);
  // resize.js, come after the first telling, asks again.
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "insights-embed-ask") {
      last = 0;
      tell();
    }
  });
  tell();

  var track = document.getElementById("cards");
  var controls = document.getElementById("controls");
  if (!track || !controls) return;
  var slides = track.children;
  var pause = document.getElementById("pause");
  var position = document.getElementById("position");
  var asked = parseInt(track.getAttribute("data-rotate-seconds"), 10) || 8;
  var seconds = Math.min(Math.max(asked, 5), 3600);
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var paused = still;
  var held = false;
  var timer = null;
  controls.hidden = false;

  function current() {
    return Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
  }
  function go(index) {
    var count = slides.length;
    var next = ((index % count) + count) % count;
    track.scrollTo({ left: next * track.clientWidth });
    position.textContent = next + 1 + " of " + count;
  }
  function schedule() {
    if (timer !== null) window.clearInterval(timer);
    timer = paused ? null : window.setInterval(function () {
      if (!held) go(current() + 1);
    }, seconds * 1000);
    pause.textContent = paused ? "Play quotes" : "Pause quotes";
    // Announce slides only while they change at the reader's hand.
    position.setAttribute("aria-live", paused ? "polite" : "off");
  }
  pause.addEventListener("click", function () {
    paused = !paused;
    schedule();
  });
  Array.prototype.forEach.call(controls.querySelectorAll("[data-step]"), function (button) {
    button.addEventListener("click", function () {
      go(current() + parseInt(button.getAttribute("data-step"), 10));
    });
  });
  track.addEventListener("scroll", function () {
    position.textContent = current() + 1 + " of " + slides.length;
  });
  var page = document.documentElement;
  page.addEventListener("mouseenter", function () { held = true; });
  page.addEventListener("mouseleave", function () { held = false; });
  document.addEventListener("focusin", function () { held = true; });
  document.addEventListener("focusout", function (event) {
    held = event.relatedTarget !== null && document.contains(event.relatedTarget);
  });
  schedule();
})();

/*
 * Insights API snippet builder: the form works without this script (it is a GET form); the
 * script only saves the reload. When a choice changes, it asks the server for the same page
 * with the new choices and swaps in its preview and snippets, so the URLs stay the server's.
 */
(function () {
  "use strict";
  var form = document.getElementById("builder");
  if (!form || !window.fetch || !window.DOMParser) return;
  var timer = null;
  var asked = 0;

  function url() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "") params.append(name, value);
    });
    return form.action + "?" + params.toString();
  }
  function swap(fresh, id) {
    var old = document.getElementById(id);
    var next = fresh.getElementById(id);
    if (old && next) old.replaceWith(document.importNode(next, true));
  }
  function refresh() {
    var target = url();
    var mine = ++asked;
    fetch(target, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        if (mine !== asked) return;  // a later choice is on its way
        var status = document.getElementById("preview-status");
        if (!answer.ok) {
          var problem = {};
          try { problem = JSON.parse(answer.body); } catch (error) { problem = {}; }
          status.textContent = "Not shown: " + (problem.detail || "these choices are not valid.");
          return;
        }
        var fresh = new DOMParser().parseFromString(answer.body, "text/html");
        swap(fresh, "preview");
        swap(fresh, "snippets");
        window.history.replaceState(null, "", target);
      })
      .catch(function () {
        document.getElementById("preview-status").textContent = "The preview could not be loaded.";
      });
  }
  function soon() {
    if (timer !== null) window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }
  form.addEventListener("change", soon);
  form.addEventListener("input", soon);
})();

// Import pages: progress bar width from data-percent (no inline styles), confirm and
// single-submit forms. Loaded as a file so the CSP can forbid inline scripts.
(function () {
  "use strict";
  function paintProgress(root) {
    root.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
      bar.style.width = (parseInt(bar.dataset.percent, 10) || 0) + "%";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { paintProgress(document); });
  document.addEventListener("htmx:afterSwap", function (event) { paintProgress(event.target.parentNode || document); });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList.contains("js-confirm") && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.classList.contains("js-once")) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }
  });
})();

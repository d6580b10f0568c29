// The grading sheet: type scores down a column (Enter / ↓ moves to the next line, ↑ back) and
// see the grade each score gives under the rule set's bands (data-* on the table).
(function () {
  "use strict";
  var table = document.querySelector("[data-grading-sheet]");
  if (!table || !table.dataset.htxs) return;
  var order = ["htxs", "htt", "ht", "kht"];
  var short = { htxs: "HTXS", htt: "HTT", ht: "HT", kht: "KHT" };
  var bands = {
    htxs: Number(table.dataset.htxs),
    htt: Number(table.dataset.htt),
    ht: Number(table.dataset.ht),
    cap: table.dataset.cap,
  };
  function grade(score, disciplined) {
    var g = score >= bands.htxs ? "htxs" : score >= bands.htt ? "htt" : score >= bands.ht ? "ht" : "kht";
    if (disciplined && order.indexOf(g) < order.indexOf(bands.cap)) g = bands.cap;
    return g;
  }
  function update(row) {
    var input = row.querySelector(".score-input");
    var box = row.querySelector(".disc-input");
    var out = row.querySelector(".grade-preview");
    if (!input || !out) return;
    var text = input.value.trim().replace(",", ".");
    if (!text) {
      out.textContent = "";
      out.className = "grade-preview";
      return;
    }
    var n = Number(text);
    if (!isFinite(n) || n < 0 || n > 100) {
      out.textContent = "?";
      out.className = "grade-preview text-danger fw-bold";
      return;
    }
    var g = grade(n, box && box.checked);
    out.textContent = short[g];
    out.className = "grade-preview badge grade-" + g;
  }
  var inputs = Array.prototype.slice.call(table.querySelectorAll(".score-input"));
  inputs.forEach(function (input, i) {
    var row = input.closest("tr");
    input.addEventListener("input", function () { update(row); });
    var box = row.querySelector(".disc-input");
    if (box) box.addEventListener("change", function () { update(row); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault();
        var next = inputs[i + 1];
        if (next) {
          next.focus();
          next.select();
        } else {
          var save = document.getElementById("sheet-save");
          if (save) save.focus();
        }
      } else if (event.key === "ArrowUp" && i > 0) {
        event.preventDefault();
        inputs[i - 1].focus();
        inputs[i - 1].select();
      }
    });
    update(row);
  });
  if (inputs.length) inputs[0].focus();
})();

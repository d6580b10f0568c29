// The allocation page: the live sum of the targets typed, against the parent's own target.
(function () {
  "use strict";
  var form = document.getElementById("allocation-form");
  var out = document.getElementById("live-sum");
  if (!form || !out) return;
  var ownText = (document.getElementById("own-target") || {}).dataset;
  var own = ownText && ownText.own !== "" ? parseInt(ownText.own, 10) : null;
  function update() {
    var sum = 0;
    form.querySelectorAll("input[type=number]").forEach(function (input) {
      var v = parseInt(input.value, 10);
      if (!isNaN(v) && v >= 0) sum += v;
    });
    out.textContent = sum.toLocaleString("vi-VN");
    out.classList.toggle("text-danger", own !== null && sum !== own);
    out.title = own === null ? "" : (sum > own ? "Vượt " + (sum - own) : sum < own ? "Thiếu " + (own - sum) : "Khớp");
  }
  form.addEventListener("input", update);
})();

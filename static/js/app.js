// Small behaviours without inline scripts (the content security policy forbids them).
document.addEventListener("click", function (event) {
  const toggle = event.target.closest("[data-tree-toggle]");
  if (!toggle) return;
  const children = document.getElementById(toggle.dataset.treeToggle);
  if (!children) return;
  const open = toggle.getAttribute("aria-expanded") === "true";
  if (open) {
    children.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    toggle.querySelector("i").className = "bi bi-caret-right-fill";
    event.preventDefault();
    event.stopImmediatePropagation();
  } else {
    children.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    toggle.querySelector("i").className = "bi bi-caret-down-fill";
    if (children.dataset.loaded === "true") {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }
}, true);
document.addEventListener("htmx:afterSwap", function (event) {
  if (event.target.dataset) event.target.dataset.loaded = "true";
});
// "Chọn tất cả": a checkbox with data-check-all="<marker>" ticks every [data-<marker>] box.
document.addEventListener("change", function (event) {
  const all = event.target.closest("[data-check-all]");
  if (!all) return;
  document.querySelectorAll("[data-" + all.dataset.checkAll + "]").forEach(function (box) {
    if (!box.disabled) box.checked = all.checked;
  });
});

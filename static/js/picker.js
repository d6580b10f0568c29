// Typing pickers (dangvien.core.pickers): a search box that asks /pick/<source>/?q= as the
// user types and keeps the chosen id(s) in hidden inputs named like the form field.
(function () {
  "use strict";

  function key(picker, row) {
    return String(row[picker.dataset.valueKey || "id"]);
  }

  function chip(picker, row) {
    const span = document.createElement("span");
    span.className = "picker-chip badge text-bg-light border fw-normal text-start";
    span.dataset.id = key(picker, row);
    const label = document.createElement("span");
    label.className = "fw-semibold";
    label.textContent = row.label;
    span.appendChild(label);
    if (row.detail) {
      const detail = document.createElement("span");
      detail.className = "text-muted";
      detail.textContent = " " + row.detail;
      span.appendChild(detail);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close btn-close-sm ms-1";
    remove.dataset.pickerRemove = "";
    remove.setAttribute("aria-label", "Bỏ chọn " + row.label);
    span.appendChild(remove);
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = picker.dataset.name;
    input.value = key(picker, row);
    span.appendChild(input);
    return span;
  }

  function choose(picker, row) {
    const chosen = picker.querySelector("[data-picker-chosen]");
    const box = picker.querySelector("[data-picker-input]");
    const multiple = picker.dataset.multiple === "true";
    if (!multiple) chosen.replaceChildren();
    if (chosen.querySelector('[data-id="' + CSS.escape(key(picker, row)) + '"]') === null) {
      chosen.appendChild(chip(picker, row));
    }
    chosen.classList.add("mb-1");
    box.value = "";
    box.hidden = !multiple;
    close(picker);
    picker.dispatchEvent(new CustomEvent("picker:change", { bubbles: true, detail: row }));
    if (multiple) box.focus();
  }

  function close(picker) {
    const results = picker.querySelector("[data-picker-results]");
    results.hidden = true;
    results.replaceChildren();
  }

  function show(picker, rows, text) {
    const results = picker.querySelector("[data-picker-results]");
    results.replaceChildren();
    if (rows.length === 0) {
      const empty = document.createElement("div");
      empty.className = "list-group-item text-muted small";
      empty.textContent = text.length < 2 ? "Gõ ít nhất 2 chữ." : "Không tìm thấy ai.";
      results.appendChild(empty);
    }
    rows.forEach(function (row) {
      const item = document.createElement("button");
      item.type = "button";
      item.className = "list-group-item list-group-item-action py-1";
      item.setAttribute("role", "option");
      const label = document.createElement("div");
      label.textContent = row.label;
      item.appendChild(label);
      if (row.detail) {
        const detail = document.createElement("div");
        detail.className = "small text-muted";
        detail.textContent = row.detail;
        item.appendChild(detail);
      }
      item.addEventListener("click", function () { choose(picker, row); });
      results.appendChild(item);
    });
    results.hidden = false;
  }

  const timers = new WeakMap();
  document.addEventListener("input", function (event) {
    const box = event.target.closest("[data-picker-input]");
    if (!box) return;
    const picker = box.closest("[data-picker]");
    clearTimeout(timers.get(picker));
    timers.set(picker, setTimeout(function () {
      const text = box.value.trim();
      const url = picker.dataset.url + "?q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (box.value.trim() === text) show(picker, data.results, text); })
        .catch(function () { show(picker, [], text); });
    }, 200));
  });

  document.addEventListener("keydown", function (event) {
    const box = event.target.closest("[data-picker-input]");
    if (!box) return;
    const picker = box.closest("[data-picker]");
    if (event.key === "Enter") {
      // Enter picks the first suggestion instead of sending the form
      const first = picker.querySelector("[data-picker-results] [role=option]");
      event.preventDefault();
      if (first) first.click();
    } else if (event.key === "Escape") {
      close(picker);
    }
  });

  document.addEventListener("click", function (event) {
    const remove = event.target.closest("[data-picker-remove]");
    if (remove) {
      const picker = remove.closest("[data-picker]");
      remove.closest(".picker-chip").remove();
      const box = picker.querySelector("[data-picker-input]");
      box.hidden = false;
      box.focus();
      picker.dispatchEvent(new CustomEvent("picker:change", { bubbles: true }));
      return;
    }
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      if (!picker.contains(event.target)) close(picker);
    });
  });
})();

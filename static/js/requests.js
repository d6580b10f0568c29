// Failed htmx requests are shown in the page, above the form (or element) that sent them: the
// message of the error page or of the API's JSON ("detail"), else the page's generic text
// (data-request-error / data-request-offline on <body>). htmx itself swaps nothing on a 4xx/5xx,
// so without this a refused or failed submission would look like nothing happened.
function requestErrorBox(elt, text) {
  const anchor = (elt && (elt.closest("form") || elt)) || document.querySelector("main");
  clearRequestError(elt);
  const box = document.createElement("div");
  box.className = "alert alert-danger mt-2";
  box.setAttribute("role", "alert");
  box.dataset.requestFailure = "true";
  box.textContent = text;
  anchor.parentNode.insertBefore(box, anchor);
  box.scrollIntoView({ block: "nearest" });
}

function clearRequestError(elt) {
  const anchor = elt && (elt.closest("form") || elt);
  const previous = anchor && anchor.previousElementSibling;
  if (previous && previous.dataset.requestFailure) previous.remove();
}

function requestErrorText(xhr) {
  const type = xhr.getResponseHeader("Content-Type") || "";
  let text = "";
  if (type.indexOf("json") !== -1) {
    try {
      text = JSON.parse(xhr.responseText).detail || "";
    } catch (error) {
      text = "";
    }
  } else if (type.indexOf("html") !== -1) {
    const doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    text = Array.from(doc.querySelectorAll("[data-error-message]"))
      .map(function (node) { return node.textContent.trim(); })
      .filter(Boolean)
      .join(" ");
  }
  return text || document.body.dataset.requestError.replace("{status}", String(xhr.status));
}

document.addEventListener("htmx:responseError", function (event) {
  requestErrorBox(event.detail.elt, requestErrorText(event.detail.xhr));
});
document.addEventListener("htmx:sendError", function (event) {
  requestErrorBox(event.detail.elt, document.body.dataset.requestOffline);
});
document.addEventListener("htmx:afterRequest", function (event) {
  if (event.detail.successful) clearRequestError(event.detail.elt);
});

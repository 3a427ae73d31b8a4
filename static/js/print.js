// A "Print" button (data-print) opens the browser's print dialogue; it shows only where this runs.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
    var hidden = button.closest("[hidden]");
    if (hidden) { hidden.removeAttribute("hidden"); }
  });
});

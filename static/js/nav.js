// On a phone, fold the main menu behind its "Menu" button; without JavaScript it stays open.
(function () {
  var menu = document.querySelector("details.nav-menu");
  if (menu && window.matchMedia("(max-width: 767.98px)").matches) {
    menu.removeAttribute("open");
  }
})();

// The events listing's filters fold the same way, unless one of them is set (they come after
// this script in the page, hence the wait).
document.addEventListener("DOMContentLoaded", function () {
  var filters = document.querySelector("details.filter-more");
  if (filters && !filters.hasAttribute("data-active") && window.matchMedia("(max-width: 767.98px)").matches) {
    filters.removeAttribute("open");
  }
});

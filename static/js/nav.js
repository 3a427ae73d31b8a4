// On a phone, fold the main menu behind its "Menu" button; without JavaScript it stays open.
(function () {
  var menu = document.querySelector("details.nav-menu");
  if (menu && window.matchMedia("(max-width: 767.98px)").matches) {
    menu.removeAttribute("open");
  }
})();

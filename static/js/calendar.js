/* Subscribe panels: a Copy button beside each calendar link. Without JavaScript the link is a
   read-only field to select and copy by hand, and the button stays hidden. */
(function () {
  "use strict";
  if (window.xinfengCalendarPanels) { return; }
  window.xinfengCalendarPanels = true;

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  function legacyCopy(input) {
    input.focus();
    input.select();
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }

  ready(function () {
    var fields = document.querySelectorAll("input[data-select-on-focus]");
    Array.prototype.forEach.call(fields, function (input) {
      input.addEventListener("focus", function () { input.select(); });
    });
    var buttons = document.querySelectorAll("button[data-copy]");
    Array.prototype.forEach.call(buttons, function (button) {
      var input = document.getElementById(button.getAttribute("data-copy"));
      if (!input) { return; }
      var status = document.getElementById(input.id.replace(/-url$/, "-status"));
      button.hidden = false;
      button.addEventListener("click", function () {
        function report(ok) {
          if (status) { status.textContent = button.getAttribute(ok ? "data-copied" : "data-copy-failed"); }
          if (!ok) { input.focus(); input.select(); }
        }
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(function () { report(true); },
            function () { report(legacyCopy(input)); });
        } else {
          report(legacyCopy(input));
        }
      });
    });
  });
})();

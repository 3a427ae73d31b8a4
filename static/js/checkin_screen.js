// The venue's check-in screen: reload every data-refresh seconds so the rotating code stays current.
(function () {
  "use strict";
  var qr = document.querySelector(".checkin-qr[data-refresh]");
  if (!qr) return;
  var seconds = parseInt(qr.getAttribute("data-refresh"), 10);
  if (seconds > 0) window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
})();

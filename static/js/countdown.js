// Shows the time left of a quiz attempt; the server decides what counts, this only informs.
(function () {
  var el = document.getElementById("countdown");
  if (!el) return;
  var end = Date.now() + parseInt(el.dataset.seconds, 10) * 1000;
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    el.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    if (left > 0) setTimeout(tick, 500);
  }
  tick();
})();

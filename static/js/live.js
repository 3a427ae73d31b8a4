// Live round: polls the state with conditional GETs and draws it; the server clock decides.
(function () {
  var root = document.getElementById("live");
  if (!root) return;
  var labels = JSON.parse(document.getElementById("live-labels").textContent);
  var role = root.dataset.role;
  var english = root.dataset.lang === "en";
  var etag = null, offset = 0, state = null, sending = false;
  var field = function (name) { return root.querySelector('[data-field="' + name + '"]'); };
  var fmt = function (text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  };
  var pick = function (obj, key) { return (english && obj[key + "_en"]) || obj[key]; };
  var set = function (name, text) { var el = field(name); if (el) el.textContent = text; };

  function clear(el) { while (el && el.firstChild) el.removeChild(el.firstChild); }

  function board(rows) {
    var el = field("leaderboard");
    clear(el);
    (rows || []).forEach(function (row) {
      var li = document.createElement("li");
      li.textContent = row.nickname + " · " + row.points + " " + labels.points;
      el.appendChild(li);
    });
  }

  function options(s) {
    var el = field("options");
    if (!el) return;
    var keep = el.querySelector('input[name="csrf_token"]');
    clear(el);
    if (keep) el.appendChild(keep);
    if (!s.question) return;
    s.question.options.forEach(function (o, i) {
      var node = document.createElement(role === "player" ? "button" : "li");
      node.className = role === "player" ? "live-button live-button-" + i : "live-option live-button-" + i;
      var shape = document.createElement("span");
      shape.className = "live-shape"; shape.setAttribute("aria-hidden", "true"); shape.textContent = o.shape;
      var letter = document.createElement("span");
      letter.className = "live-letter"; letter.textContent = o.letter;
      var text = document.createElement("span");
      text.textContent = pick(o, "text");
      node.appendChild(shape); node.appendChild(letter); node.appendChild(text);
      if (s.phase === "reveal" && s.distribution) {
        var count = document.createElement("strong");
        count.className = "live-count";
        count.textContent = " " + (s.distribution[String(o.id)] || 0);
        node.appendChild(count);
        if (s.correct.indexOf(o.id) >= 0) node.classList.add("live-correct"); else node.classList.add("live-dim");
      }
      if (role === "player") {
        node.type = "button";
        node.disabled = s.phase !== "question" || s.my_answer !== null;
        if (s.my_answer === o.id) node.classList.add("live-mine");
        node.addEventListener("click", function () { answer(o.id); });
      }
      el.appendChild(node);
    });
  }

  function render(s) {
    state = s;
    set("players", s.players);
    if (s.me) set("points", s.me.points);
    set("progress", s.index >= 0 && s.phase !== "lobby" ? fmt(labels.question, { n: s.index + 1, total: s.total }) : "");
    set("answered", s.question && role === "host" ? fmt(labels.answered, { n: s.answered }) : "");
    if (s.phase === "lobby") set("question", labels.lobby);
    else if (s.phase === "finished") set("question", labels.finished);
    else if (s.question) set("question", pick(s.question, "text"));
    var status = "";
    if (s.phase === "question" && s.my_answer) status = labels.sent;
    if (s.phase === "reveal" && s.skipped) status = labels.skipped;
    else if (s.phase === "reveal" && s.my_correct !== undefined) status = s.my_correct ? labels.right : labels.wrong;
    set("status", status);
    set("explanation", s.phase === "reveal" ? (pick(s, "explanation") || "") : "");
    options(s);
    board(s.leaderboard);
    if (role === "host" && s.phase === "finished") {
      // A round that has ended cannot be started, skipped or ended again.
      root.querySelectorAll("[data-live-control]").forEach(function (b) { b.disabled = true; });
    }
  }

  function tick() {
    var el = field("countdown");
    if (el) {
      if (state && state.phase === "question" && state.ends_at) {
        var left = Math.max(0, Math.ceil((state.ends_at * 1000 - (Date.now() + offset)) / 1000));
        el.textContent = left + "s";
        if (left === 0) etag = null; // the server will now reveal: fetch in full
      } else {
        el.textContent = "";
      }
    }
    setTimeout(tick, 250);
  }

  function poll() {
    var headers = { Accept: "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(root.dataset.stateUrl, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 304) return null;
        etag = r.headers.get("ETag");
        return r.json();
      })
      .then(function (s) {
        if (s) { offset = s.now * 1000 - Date.now(); render(s); }
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, parseInt(root.dataset.pollMs, 10) || 1500); });
  }

  function answer(optionId) {
    if (sending) return;
    sending = true;
    var body = new URLSearchParams({ option: optionId, csrf_token: root.dataset.csrf });
    fetch(root.dataset.answerUrl, {
      method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function () { etag = null; }).catch(function () {}).then(function () { sending = false; });
    if (state) { state.my_answer = optionId; render(state); }
  }

  tick();
  poll();
})();

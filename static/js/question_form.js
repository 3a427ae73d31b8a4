// Shows only the answer fields the chosen question type uses; without script all stay visible.
(function () {
  var type = document.getElementById("type");
  if (!type) return;
  var groups = {
    options: ["single", "multiple"], options_en: ["single", "multiple"],
    true_false: ["true_false"], accepted_answers: ["fill_in"]
  };
  function show() {
    Object.keys(groups).forEach(function (name) {
      var input = document.getElementById(name);
      var box = input && input.closest(".mb-3, .form-group");
      if (box) box.hidden = groups[name].indexOf(type.value) < 0;
    });
  }
  type.addEventListener("change", show);
  show();
})();

// Asks once before what cannot be undone: a form marked data-confirm="…" is sent only after the
// person agrees, and then carries confirmed=yes so the server does not ask again. Without
// JavaScript the server shows a confirmation page instead (planner/confirmations.py).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-confirm]")) return;
  if (!window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
    return;
  }
  var field = form.querySelector('input[name="confirmed"]');
  if (!field) {
    field = document.createElement("input");
    field.type = "hidden";
    field.name = "confirmed";
    form.appendChild(field);
  }
  field.value = "yes";
});

// The events list's place filters narrow each other as they change: a district offers only its
// streets and communities, a street only its communities. Without JavaScript the server does the
// same after the form is sent (planner/events/listing.py: filter_options).
(function () {
  var district = document.getElementById("district");
  var street = document.getElementById("street");
  var community = document.getElementById("community");
  if (!district || !street || !community) return;

  function narrow(select, keep) {
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) return;
      var shown = keep(option);
      option.hidden = !shown;
      option.disabled = !shown;
      if (!shown && option.selected) select.value = "";
    });
  }

  function update() {
    var d = district.value, s = street.value;
    narrow(street, function (o) { return !d || o.dataset.district === d; });
    s = street.value;
    narrow(community, function (o) {
      return (!d || o.dataset.district === d) && (!s || o.dataset.street === s);
    });
  }

  district.addEventListener("change", update);
  street.addEventListener("change", update);
})();

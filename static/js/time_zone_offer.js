// The time zone the browser reports, offered to a user who never chose one (templates/_time_zone_offer.html).
(function () {
  "use strict";
  var form = document.querySelector("[data-zone-offer]");
  if (!form || !window.Intl) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var current = form.dataset.current;
  if (!zone || zone === current) return;
  var city = function (name) { return name.split("/").pop().replace(/_/g, " "); };
  form.elements.time_zone.value = zone;
  form.querySelector("[data-zone-offer-text]").textContent = interpolate(
    gettext("Your device is set to %(zone)s time, and the portal shows times in %(current)s time. Which should it use?"),
    {zone: city(zone), current: city(current)}, true);
  form.querySelector("[data-zone-offer-use]").textContent = interpolate(gettext("Use %(zone)s time"), {zone: city(zone)}, true);
  form.querySelector("[data-zone-offer-keep]").textContent = interpolate(gettext("Keep %(current)s time"), {current: city(current)}, true);
  form.hidden = false;
})();

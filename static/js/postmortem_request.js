// The post-mortem request form: a live hint of the event's duration and whether it is shorter
// than the eligibility threshold (a flag for the service manager, never a refusal). The server
// checks everything again on submit.
// After a refused submit (data-paused) the server's errors speak alone: the hint stays quiet until
// a date is changed, and then the server's errors on the two dates (about the old values) go.
(function () {
  "use strict";
  var hint = document.getElementById("duration-hint");
  var start = document.getElementById("id_event_start");
  var end = document.getElementById("id_event_end");
  if (!hint || !start || !end) return;
  var threshold = parseFloat(hint.dataset.thresholdHours || "8");
  var initial = hint.textContent;
  var paused = hint.hasAttribute("data-paused");

  function clearServerDateErrors() {
    [start, end].forEach(function (input) {
      var error = document.querySelector('[data-testid="error-' + input.name + '"]');
      if (error) error.remove();
      input.removeAttribute("aria-invalid");
    });
  }

  function label(minutes) {
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var parts = { days: days, hours: hours, minutes: String(mins).padStart(2, "0") };
    // Translators: an event's duration in days, hours and minutes (the minutes always two digits).
    if (days) return interpolate(gettext("%(days)s d %(hours)s h %(minutes)s min"), parts, true);
    // Translators: an event's duration in hours and minutes (the minutes always two digits).
    if (hours) return interpolate(gettext("%(hours)s h %(minutes)s min"), parts, true);
    // Translators: an event's duration in minutes.
    return interpolate(gettext("%(minutes)s min"), { minutes: mins }, true);
  }

  function update() {
    if (paused) return;
    if (!start.value || !end.value) {
      hint.textContent = initial;
      hint.className = "muted";
      return;
    }
    var minutes = Math.floor((new Date(end.value) - new Date(start.value)) / 60000);
    if (isNaN(minutes)) return;
    if (minutes <= 0) {
      hint.textContent = gettext("The event must end after it starts.");
      hint.className = "error";
    } else if (minutes < threshold * 60) {
      hint.textContent = interpolate(
        gettext("Duration %(duration)s: shorter than the %(threshold)s-hour threshold. You can still send the request; the service manager accepts or declines it."),
        { duration: label(minutes), threshold: threshold },
        true
      );
      hint.className = "notice";
    } else {
      hint.textContent = interpolate(gettext("Duration %(duration)s: eligible for a post-mortem."), { duration: label(minutes) }, true);
      hint.className = "ok";
    }
    hint.dataset.minutes = String(minutes);
  }

  function edited() {
    if (paused) {
      paused = false;
      hint.removeAttribute("data-paused");
      clearServerDateErrors();
    }
    update();
  }

  start.addEventListener("input", edited);
  end.addEventListener("input", edited);
  start.addEventListener("change", edited);
  end.addEventListener("change", edited);
  update();
})();

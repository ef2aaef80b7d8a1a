// The raise form: "when" and "how long" appear only for a channel that is scheduled (a
// conference call or a meeting: the fields' data-channels). A hidden field is disabled too, so it
// is not sent. Without script both fields show; the server refuses a time on another channel.
(function () {
  "use strict";
  var fields = document.querySelectorAll("[data-channels]");
  var channel = fields.length && fields[0].form && fields[0].form.elements.namedItem("channel");
  if (!channel) return;

  function update() {
    Array.prototype.forEach.call(fields, function (field) {
      var shown = field.dataset.channels.split(" ").indexOf(channel.value) >= 0;
      var label = field.form.querySelector('label[for="' + field.id + '"]');
      var error = document.getElementById(field.id + "-error");
      field.hidden = field.disabled = !shown;
      if (label) label.hidden = !shown;
      if (error) error.hidden = !shown;
    });
  }

  channel.addEventListener("change", update);
  update();
})();

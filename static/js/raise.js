// The raise form: the sub-topic choice appears only for a category that has sub-topics, and
// lists only that category's. Without script the whole grouped list shows; the server checks
// the pair either way (a sub-topic of another category is a form error).
(function () {
  "use strict";
  var topic = document.querySelector("select[data-topics-of]");
  var category = topic && topic.form && topic.form.elements.namedItem("category");
  if (!topic || !category) return;
  var topicsOf = JSON.parse(topic.dataset.topicsOf || "{}");
  var label = topic.form.querySelector('label[for="' + topic.id + '"]');
  var error = document.getElementById(topic.id + "-error");
  var blank = topic.querySelector('option[value=""]');
  var options = {};
  Array.prototype.forEach.call(topic.querySelectorAll("option"), function (option) {
    if (option.value) options[option.value] = option;
  });
  var chosen = topic.value;

  function update() {
    var codes = topicsOf[category.value] || [];
    var shown = codes.length > 0;
    // Rebuilt rather than hidden: hidden options still show in some browsers' lists.
    topic.replaceChildren(blank);
    codes.forEach(function (code) { if (options[code]) topic.appendChild(options[code]); });
    topic.value = codes.indexOf(chosen) >= 0 ? chosen : "";
    // A hidden choice is disabled too, so it is not sent.
    topic.hidden = topic.disabled = !shown;
    if (label) label.hidden = !shown;
    if (error) error.hidden = !shown;
  }

  category.addEventListener("change", update);
  topic.addEventListener("change", function () { chosen = topic.value; });
  update();
})();

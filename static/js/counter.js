// Character counters: under every text box with a limit (a textarea with maxlength, or any field
// marked data-counter), "123 / 4,000", read out politely by screen readers. The limit itself is
// the browser's (maxlength) and the server's; this only shows how close one is to it.
// Content that htmx swaps in gets its counters too.
(function () {
  "use strict";
  var SELECTOR = "textarea[maxlength], [data-counter][maxlength]";
  var numbers = new Intl.NumberFormat("en-US");

  function attach(field) {
    if (field.dataset.counterAttached) return;
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!limit || limit < 0) return;
    field.dataset.counterAttached = "1";
    var counter = document.createElement("small");
    counter.className = "char-counter";
    counter.setAttribute("aria-live", "polite");
    counter.id = (field.id || "field-" + Math.random().toString(36).slice(2)) + "-counter";
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", described ? described + " " + counter.id : counter.id);
    field.insertAdjacentElement("afterend", counter);

    function update() {
      var used = field.value.length;
      counter.textContent = numbers.format(used) + " / " + numbers.format(limit);
      counter.classList.toggle("near-limit", used >= limit * 0.9);
    }
    field.addEventListener("input", update);
    update();
  }

  function attachAll(root) {
    if (root.matches && root.matches(SELECTOR)) attach(root);
    if (root.querySelectorAll) root.querySelectorAll(SELECTOR).forEach(attach);
  }

  document.addEventListener("DOMContentLoaded", function () { attachAll(document); });
  document.addEventListener("htmx:load", function (event) { attachAll(event.target); });
})();

// Small behaviours every page shares, attached by data attributes (the Content-Security-Policy
// allows no inline script):
//   data-confirm="Question?"  on a button: asks before the form is sent;
//   data-autosubmit           on a select: sends its form when the choice changes.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (!select || !select.form) return;
    if (select.form.requestSubmit) select.form.requestSubmit(); else select.form.submit();
  });
})();

// The layout's behaviours on narrow screens (the Content-Security-Policy allows no inline script).
// Loaded in the head without "defer", so the page is marked "js" before its first paint and a
// folded menu never flashes open; everything else waits for the document.
//   [data-nav-toggle]               the header's menu button below 768 px: opens and closes the
//                                   menu it controls (aria-controls, aria-expanded); Escape or a
//                                   click elsewhere closes it. Without script the menu stays open.
//   details[data-collapse-narrow]   a filter panel: open on a wide screen, folded on a phone. Its
//                                   summary's [data-filter-count] says how many filters are set.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var narrow = window.matchMedia("(max-width: 767.98px)");

  function menuOf(button) {
    return document.getElementById(button.getAttribute("aria-controls"));
  }

  function isOpen(button) {
    return button.getAttribute("aria-expanded") === "true";
  }

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    var menu = menuOf(button);
    if (menu) menu.classList.toggle("open", open);
  }

  function eachToggle(callback) {
    Array.prototype.forEach.call(document.querySelectorAll("[data-nav-toggle]"), callback);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-nav-toggle]");
    if (button) {
      setOpen(button, !isOpen(button));
      return;
    }
    eachToggle(function (toggle) {
      var menu = menuOf(toggle);
      if (isOpen(toggle) && menu && !menu.contains(event.target)) setOpen(toggle, false);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    eachToggle(function (toggle) {
      if (!isOpen(toggle)) return;
      var menu = menuOf(toggle);
      var within = document.activeElement === toggle || (menu && menu.contains(document.activeElement));
      setOpen(toggle, false);
      if (within) toggle.focus();
    });
  });

  function filtersSet(panel) {
    var count = 0;
    Array.prototype.forEach.call(panel.querySelectorAll("select, input"), function (field) {
      if (field.type === "hidden" || field.type === "submit" || !field.name) return;
      if (field.type === "checkbox" || field.type === "radio") {
        if (field.checked) count += 1;
      } else if (field.value) {
        count += 1;
      }
    });
    return count;
  }

  function showCount(panel) {
    var label = panel.querySelector("[data-filter-count]");
    if (!label) return;
    var count = filtersSet(panel);
    // Translators: beside "Filters" on a folded filter panel: how many of its filters are set.
    label.textContent = count === 0 ? "" : interpolate(ngettext("(%(count)s set)", "(%(count)s set)", count), { count: count }, true);
  }

  function fitPanels() {
    Array.prototype.forEach.call(document.querySelectorAll("details[data-collapse-narrow]"), function (panel) {
      panel.open = !narrow.matches;
      showCount(panel);
    });
  }

  document.addEventListener("change", function (event) {
    var panel = event.target.closest && event.target.closest("details[data-collapse-narrow]");
    if (panel) showCount(panel);
  });

  function onChange() {
    fitPanels();
    if (!narrow.matches) eachToggle(function (toggle) { setOpen(toggle, false); });
  }

  if (narrow.addEventListener) narrow.addEventListener("change", onChange);
  else narrow.addListener(onChange);

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fitPanels);
  else fitPanels();
})();

// The queue: its keyboard, its side panel, its rows' menus and its quiet auto-refresh (the
// Content-Security-Policy allows no inline script). The keys are listed on the page and in
// docs/guide-service-manager.md ("The queue"). Without script every link and form still works:
// the menus are <details>, the panel is a page of its own, the forms post and come back.
(function () {
  "use strict";
  var panel = document.getElementById("queue-panel");
  var layout = document.querySelector(".queue-layout");
  var docked = Boolean(panel && layout && layout.contains(panel)); // the queue page, not the item's own
  var lastRowId = null; // the row the keys come back to when the focus is in the panel
  var quiet = false; // the panel is refreshed after a row's action: the focus stays where it is

  function rows() { return Array.prototype.slice.call(document.querySelectorAll("#queue-table tr.q-row[tabindex]")); }
  function rowOf(el) { return el && el.closest ? el.closest("tr.q-row[tabindex]") : null; }
  function typing(el) {
    return Boolean(el) && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  function panelOpen() { return docked && !panel.hidden; }
  function panelArticle() { return panel && panel.querySelector(".item-panel[data-id]"); }
  function panelItemId() { return panelArticle() ? panelArticle().dataset.id : null; }
  function inPanel(el) { return docked && panel.contains(el); }

  // The item the keys act on: the focused row, or the item open in the panel when the focus is there.
  function current() {
    var row = rowOf(document.activeElement);
    if (row) return row;
    if (inPanel(document.activeElement) && panelItemId()) return document.getElementById("row-" + panelItemId());
    return null;
  }

  function focusRow(row) {
    if (!row) return;
    lastRowId = row.id;
    row.focus();
  }

  function move(step) {
    var all = rows();
    if (!all.length) return;
    // From the focused row; from the panel, the row it was opened from; from nowhere, the top.
    var active = document.activeElement;
    var from = rowOf(active) || (inPanel(active) && lastRowId && document.getElementById(lastRowId));
    var at = all.indexOf(from);
    var next = at < 0 ? all[step > 0 ? 0 : all.length - 1] : all[Math.min(Math.max(at + step, 0), all.length - 1)];
    focusRow(next);
  }

  // --- The side panel ---------------------------------------------------------------------------

  function markOpenRow() {
    rows().forEach(function (row) { row.classList.toggle("is-open", panelOpen() && row.dataset.id === panelItemId()); });
  }

  function openPanel(row, url) {
    if (!docked || !window.htmx) { window.location = url || row.dataset.panel; return; }
    if (row) lastRowId = row.id;
    window.htmx.ajax("GET", url || row.dataset.panel, { target: "#queue-panel", swap: "innerHTML" });
  }

  function closePanel() {
    if (!panelOpen()) return false;
    panel.hidden = true;
    panel.innerHTML = "";
    if (layout) layout.classList.remove("panel-open");
    markOpenRow();
    var row = lastRowId && document.getElementById(lastRowId);
    if (row && row.matches("[tabindex]")) row.focus();
    return true;
  }

  function showPanel() {
    panel.hidden = false;
    if (layout) layout.classList.add("panel-open");
    markOpenRow();
    if (quiet) { quiet = false; return; }
    // A form the menu asked for, else the sentence after an action, else the item's heading.
    var target = panel.querySelector("[autofocus]") || panel.querySelector("[data-panel-focus]") || panel.querySelector("#panel-title");
    if (target) target.focus();
  }

  // --- The rows' menus ----------------------------------------------------------------------------

  function closeMenus(except) {
    var closed = false;
    document.querySelectorAll("details.q-menu[open]").forEach(function (menu) {
      if (menu !== except) { menu.open = false; closed = true; }
    });
    return closed;
  }

  document.addEventListener("click", function (event) {
    var close = event.target.closest("[data-close-panel]");
    if (close && docked && inPanel(close)) { event.preventDefault(); closePanel(); return; }
    if (event.target.closest("[data-dismiss-feedback]")) {
      document.getElementById("queue-feedback").innerHTML = "";
      return;
    }
    var menu = event.target.closest("details.q-menu");
    closeMenus(menu);
    // A choice in a menu closes it (a refused confirmation stops the click before it gets here).
    if (menu && event.target.closest("ul a, ul button")) menu.open = false;
  });

  // --- The keyboard -------------------------------------------------------------------------------

  function press(row, key) {
    var control = row.querySelector('[data-key="' + key + '"]');
    if (!control) return;
    lastRowId = row.id;
    control.click(); // a resolution asks first (data-confirm, static/js/portal.js)
  }

  function toggleShortcuts() {
    var help = document.getElementById("queue-shortcuts");
    if (!help) return;
    help.open = !help.open;
    if (help.open) help.querySelector("summary").focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "Escape") {
      var menu = document.activeElement && document.activeElement.closest && document.activeElement.closest("details.q-menu[open]");
      if (closeMenus()) {
        if (menu) menu.querySelector("summary").focus();
      } else if (!closePanel()) {
        return;
      }
      event.preventDefault();
      return;
    }
    if (typing(event.target)) return;
    var focusedRow = rowOf(event.target);
    var onList = focusedRow || event.target === document.body || !inPanel(event.target);
    var row = current();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "ArrowDown": if (onList && !event.target.closest("details.q-menu")) move(1); else return; break;
      case "ArrowUp": if (onList && !event.target.closest("details.q-menu")) move(-1); else return; break;
      case "Enter":
        // On the row itself; a link or a button inside it does what it does.
        if (focusedRow && event.target === focusedRow) openPanel(focusedRow); else return;
        break;
      case "t": if (focusedRow) openPanel(focusedRow); else return; break;
      case "o": if (row) window.location = row.dataset.url; else return; break;
      case "x":
        if (focusedRow) { var box = focusedRow.querySelector("input[name=ids]"); box.checked = !box.checked; } else return;
        break;
      case "a": case "r": case "w": case "s": case "n": if (row) press(row, event.key); else return; break;
      case "/": var search = document.getElementById("queue-q"); if (search) search.focus(); else return; break;
      case "?": toggleShortcuts(); break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("focusin", function (event) {
    var row = rowOf(event.target);
    if (row) lastRowId = row.id;
  });

  // --- Refreshes ----------------------------------------------------------------------------------

  // The list refreshes itself (every 30 s) unless someone is typing, has rows selected or a menu
  // open; after an Undo ("queue-changed") it refreshes anyway, keeping the selection.
  function idle() {
    if (typing(document.activeElement)) return false;
    if (document.querySelector("#queue-table details[open]")) return false;
    return !document.querySelector("#queue-table input[name=ids]:checked");
  }
  var keep = null; // what a refresh of the list keeps: the focused row and the ticked ones

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id !== "queue-body") return;
    var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    if (!(trigger && trigger.type === "queue-changed") && !idle()) { event.preventDefault(); return; }
    var focused = rowOf(document.activeElement);
    keep = {
      focused: focused ? focused.id : null,
      ticked: Array.prototype.map.call(document.querySelectorAll("#queue-table input[name=ids]:checked"), function (box) { return box.value; }),
    };
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target) return;
    if (target.id === "queue-panel") { showPanel(); return; }
    if (target.id === "queue-body") {
      if (keep && event.detail.elt && event.detail.elt.id === "queue-body") {
        keep.ticked.forEach(function (id) {
          var box = document.querySelector('#queue-table input[name=ids][value="' + id + '"]');
          if (box) box.checked = true;
        });
        var again = keep.focused && document.getElementById(keep.focused);
        if (again && again.matches("[tabindex]")) again.focus({ preventScroll: true });
      }
      keep = null;
      markOpenRow();
      return;
    }
    // A row answered in place: it keeps the focus, or hands it to the next row when it left the queue.
    var row = target.id && document.getElementById(target.id);
    if (!row || !row.matches || !row.matches("tr.q-row")) return;
    var lost = !document.activeElement || document.activeElement === document.body;
    if (row.matches("[tabindex]")) {
      if (lost) focusRow(row);
    } else if (lost) {
      var next = row.nextElementSibling;
      while (next && !next.matches("[tabindex]")) next = next.nextElementSibling;
      var previous = row.previousElementSibling;
      while (previous && !previous.matches("[tabindex]")) previous = previous.previousElementSibling;
      focusRow(next || previous);
    }
    // The panel shows the same item: it follows.
    if (panelOpen() && panelArticle() && row.id === "row-" + panelItemId()) {
      quiet = true;
      window.htmx.ajax("GET", panelArticle().dataset.url, { target: "#queue-panel", swap: "innerHTML" });
    }
    markOpenRow();
  });
})();

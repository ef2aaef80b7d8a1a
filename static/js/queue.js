// Keyboard shortcuts and quiet auto-refresh for the queue page.
(function () {
  "use strict";
  function rows() { return Array.from(document.querySelectorAll("#queue-table tr.q-row[tabindex]")); }
  function current() { return document.activeElement && document.activeElement.closest("tr.q-row"); }
  function typing(el) { return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT"); }

  // The list refreshes itself (every 30 s) unless someone is typing or has rows selected.
  function idle() {
    if (typing(document.activeElement)) return false;
    return !document.querySelector("#queue-table input[name=ids]:checked");
  }
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id === "queue-body" && !idle()) event.preventDefault();
  });

  // "Timeline" opens the row below it once the timeline has arrived.
  document.addEventListener("htmx:afterRequest", function (event) {
    var id = event.detail.elt.dataset && event.detail.elt.dataset.reveal;
    if (id && event.detail.successful) document.getElementById(id).hidden = false;
  });

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const at = all.indexOf(current());
    const next = all[Math.min(Math.max(at + step, 0), all.length - 1)] || all[0];
    next.focus();
  }

  function press(row, key) {
    const button = row.querySelector('[data-key="' + key + '"]');
    if (!button) return;
    const form = button.closest("form");
    const needed = form && form.querySelector("input[required]");
    if (needed && !needed.value) { needed.focus(); return; }  // e.g. the follow-up date first
    button.click();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const row = current();
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "/": document.getElementById("queue-q").focus(); break;
      case "o": case "Enter": if (row) window.location = row.dataset.url; else return; break;
      case "x": if (row) { const box = row.querySelector("input[name=ids]"); box.checked = !box.checked; } else return; break;
      case "a": case "r": case "w": case "s": case "t": if (row) press(row, event.key); else return; break;
      case "n": if (row) row.querySelector(".note-form input").focus(); else return; break;
      default: return;
    }
    event.preventDefault();
  });

  // Keep the focused row focused after it is swapped in place.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    const row = event.detail.target && event.detail.target.id && document.getElementById(event.detail.target.id);
    if (row && row.matches && row.matches("tr.q-row[tabindex]")) row.focus();
  });
})();

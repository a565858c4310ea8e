// Keyboard shortcuts for the workspace. Plain links and forms do the work; this only moves
// focus and clicks what is on the page, so every page also works without JavaScript.
(function () {
  "use strict";

  function typing(event) {
    const target = event.target;
    return target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
  }

  function rowLinks() {
    return Array.from(document.querySelectorAll("[data-keynav] [data-row-link]"));
  }

  function moveFocus(step) {
    const links = rowLinks();
    if (!links.length) return;
    const index = links.indexOf(document.activeElement);
    const next = index === -1 ? 0 : Math.min(Math.max(index + step, 0), links.length - 1);
    links[next].focus();
  }

  function press(key) {
    const button = document.querySelector(`[data-shortcut="${key}"]:not([disabled])`);
    if (button) {
      button.click();
      return true;
    }
    return false;
  }

  // htmx pushes the queue's filters into the address bar after the page was rendered: forms that
  // come back to "this page" (the language switch) return to the address shown now.
  document.addEventListener("submit", function (event) {
    const next = event.target.matches("[data-keep-url]") && event.target.elements.namedItem("next");
    if (next) next.value = window.location.pathname + window.location.search;
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    switch (event.key) {
      case "j": moveFocus(1); break;
      case "k": moveFocus(-1); break;
      case "/": {
        const search = document.getElementById("q");
        if (search) { search.focus(); event.preventDefault(); }
        break;
      }
      case "g": window.location.href = "/"; break;
      case "n":
        if (!press("n")) {
          const form = document.getElementById("next-item");
          if (form) form.submit();
        }
        break;
      case "a": press("a"); break;
      case "t": press("t"); break;
      default: return;
    }
  });
})();

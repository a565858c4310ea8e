// The workspace's script (docs/accessibility.md). Plain links and forms do the work; this adds
// the single-key shortcuts (which a person may turn off), reads out what a swap brought through
// the one permanent live region, and puts focus back where the person was, or on the result,
// after every htmx swap. Every page also works without JavaScript.
(function () {
  "use strict";

  // Announcements: one live region (base.html, #announcer), present from the page's start and
  // never swapped, so screen readers follow it. Content a swap brings is marked data-announce:
  // "result" (a case action's outcome), "count" (the queue's count after a filter), "news" and
  // "progress" (polled; read out only when their words change).

  const spoken = {};
  let announceTimer = null;
  const pendingWords = [];

  function wordsOf(element) {
    return element.textContent.replace(/\s+/g, " ").trim();
  }

  function announce(text) {
    if (!text) return;
    pendingWords.push(text);
    window.clearTimeout(announceTimer);
    // Emptied first, then filled: the same words twice in a row are read out twice.
    const region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    announceTimer = window.setTimeout(function () {
      region.textContent = pendingWords.splice(0).join(" ");
    }, 100);
  }

  function announcementsIn(root) {
    const found = root.matches && root.matches("[data-announce]") ? [root] : [];
    return found.concat(Array.from(root.querySelectorAll ? root.querySelectorAll("[data-announce]") : []));
  }

  function announceFrom(roots) {
    roots.forEach(function (root) {
      announcementsIn(root).forEach(function (element) {
        const kind = element.dataset.announce;
        const text = wordsOf(element);
        if (kind === "news" || kind === "progress") {
          if (spoken[kind] === text) return;  // a poll that brings the same words says nothing
          spoken[kind] = text;
        }
        announce(text);
      });
    });
  }

  // Focus after a swap: kept on the control the person used when it is still there (a note
  // added, a filter, a bulk action), else moved to the result (the error, then the outcome), else
  // to the swapped content's heading. Never left on <body>.

  function controlKey(element) {
    if (!element || element === document.body) return null;
    if (element.id) return { id: element.id };
    const form = element.form;
    if (form && form.getAttribute("action")) {
      return {
        action: form.getAttribute("action"),
        index: Array.prototype.indexOf.call(form.elements, element),
        tag: element.tagName,
      };
    }
    if (element.tagName === "A" && element.getAttribute("rel")) return { rel: element.getAttribute("rel") };
    return null;
  }

  function findControl(key) {
    if (!key) return null;
    if (key.id) return document.getElementById(key.id);
    if (key.rel) return document.querySelector(`a[rel="${key.rel}"]`);
    const form = Array.from(document.forms).find((f) => f.getAttribute("action") === key.action);
    const element = form && form.elements[key.index];
    return element && element.tagName === key.tag ? element : null;
  }

  function usable(element) {
    return element && document.contains(element) && !element.disabled && element.getClientRects().length > 0;
  }

  function focusOn(element) {
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  function first(roots, selector) {
    for (const root of roots) {
      if (!document.contains(root)) continue;
      if (root.matches && root.matches(selector)) return root;
      const found = root.querySelector && root.querySelector(selector);
      if (found) return found;
    }
    return null;
  }

  function placeFocus(detail, roots) {
    const active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;  // not lost
    const error = first(roots, '[data-result="error"], [role="alert"]');
    if (error) return focusOn(error);
    // The control used: the form's submit button, else the element that asked (a link, a field).
    const config = detail.requestConfig || {};
    const submitter = config.triggeringEvent && config.triggeringEvent.submitter;
    const again = findControl(controlKey(submitter || config.elt));
    if (usable(again)) return focusOn(again);
    const result = first(roots, "[data-result]") || first(roots, "h1") || first(roots, "[data-announce]");
    const fallback = result || roots.find((root) => document.contains(root));
    if (fallback) focusOn(fallback);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const active = document.activeElement;
    const config = event.detail.requestConfig;  // shared with the settle events' detail
    if (config) config.focusWasInside = Boolean(active && active !== document.body && event.detail.target.contains(active));
  });

  // One settle event per new element; the swap's detail object is shared by them.
  let settled = [];
  let settledDetail = null;
  document.addEventListener("htmx:afterSettle", function (event) {
    settled.push(event.target);
    if (settledDetail === event.detail) return;
    settledDetail = event.detail;
    window.setTimeout(function () {
      const roots = settled.splice(0);
      const detail = settledDetail;
      settledDetail = null;
      announceFrom(roots);
      // A poll (news, presence, progress) is nobody's action: it moves focus only back into
      // what it replaced, when focus was there.
      const config = detail.requestConfig || {};
      if (config.triggeringEvent || config.focusWasInside) placeFocus(detail, roots);
    }, 0);
  });

  // Messages of a whole-page answer (a plain POST, then its redirect): read out once loaded.
  document.addEventListener("DOMContentLoaded", function () {
    const messages = document.querySelector(".messages");
    if (messages) window.setTimeout(() => announce(wordsOf(messages)), 300);
    document.querySelectorAll('[data-announce="news"], [data-announce="progress"]').forEach(function (element) {
      spoken[element.dataset.announce] = wordsOf(element);
    });
  });

  // Approving sends to the customer: the `a` key, and Enter in one of the composer's one-line
  // fields, ask first (a dialog); only the Approve button itself, clicked, approves at once.

  function askToApprove(form) {
    const dialog = document.getElementById("approve-confirm");
    const button = form && form.querySelector('[data-shortcut="a"]:not([disabled])');
    if (!button) return false;
    if (!dialog || typeof dialog.showModal !== "function") {
      button.focus();
      return true;
    }
    dialog.showModal();
    return true;
  }

  document.addEventListener("click", function (event) {
    const dialog = event.target.closest("#approve-confirm");
    if (!dialog) return;
    if (event.target.closest("[data-confirm]")) {
      dialog.close();
      const button = document.querySelector('form.composer [data-shortcut="a"]:not([disabled])');
      if (button) button.form.requestSubmit(button);
    } else if (event.target.closest("[data-cancel]")) {
      dialog.close();
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.tagName !== "INPUT") return;
    const form = event.target.closest("form.composer");
    if (!form || ["checkbox", "radio", "submit", "button"].includes(event.target.type)) return;
    event.preventDefault();
    askToApprove(form);
  });

  // Single-key shortcuts, only when the person has them on (<body data-shortcuts="on">,
  // their profile's choice: WCAG 2.1.4).

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
    if (document.body.dataset.shortcuts !== "on") return;
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    if (document.querySelector("dialog[open]")) return;
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
      case "a": {
        const button = document.querySelector('[data-shortcut="a"]:not([disabled])');
        if (button) askToApprove(button.form);
        break;
      }
      case "t": press("t"); break;
      default: return;
    }
  });
})();

/* edition.js: progressive enhancement of the HTML edition written by tei-tool.
   Everything is readable without it; with it, readers can switch between the
   reading and the diplomatic text, highlight entities, dates and quotations
   (the choice is remembered across reloads), and see an entity's short
   information or an apparatus entry on hover or keyboard focus of its link
   (a link around other names shows their cards too). */
(function () {
  "use strict";

  var root = document.documentElement;
  var storageKey = "tei-tool-view:" + location.pathname.replace(/[^/]*$/, "");
  var highlights = ["persons", "places", "organisations", "dates", "quotations"];

  function loadState() {
    var state = { view: "reading", highlights: [] };
    try {
      var saved = JSON.parse(localStorage.getItem(storageKey) || "null");
      if (saved && (saved.view === "reading" || saved.view === "diplomatic")) { state.view = saved.view; }
      if (saved && Array.isArray(saved.highlights)) {
        state.highlights = saved.highlights.filter(function (name) { return highlights.indexOf(name) >= 0; });
      }
    } catch (error) { /* storage unavailable or corrupt: keep the defaults */ }
    return state;
  }

  function saveState(state) {
    try { localStorage.setItem(storageKey, JSON.stringify(state)); } catch (error) { /* private mode: not remembered */ }
  }

  function applyState(state) {
    root.classList.toggle("view-reading", state.view === "reading");
    root.classList.toggle("view-diplomatic", state.view === "diplomatic");
    highlights.forEach(function (name) {
      root.classList.toggle("hl-" + name, state.highlights.indexOf(name) >= 0);
    });
    document.querySelectorAll("[data-view]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.view === state.view));
    });
    document.querySelectorAll("[data-highlight]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(state.highlights.indexOf(button.dataset.highlight) >= 0));
    });
  }

  function setUpControls() {
    var controls = document.getElementById("view-controls");
    var state = loadState();
    applyState(state);
    if (!controls) { return; }
    controls.hidden = false;
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.dataset.view) {
        state.view = button.dataset.view;
      } else if (button.dataset.highlight) {
        var name = button.dataset.highlight;
        var at = state.highlights.indexOf(name);
        if (at >= 0) { state.highlights.splice(at, 1); } else { state.highlights.push(name); }
      }
      applyState(state);
      saveState(state);
    });
  }

  // A card shows on hover or keyboard focus of what names it (a link, or a name inside another name's link),
  // stays while the pointer moves onto it (WCAG 1.4.13: hoverable), and fits the viewport: below the link,
  // else above it. When the pointer leaves, the card of the focused link, if any, comes back. A name inside a
  // link ("Rubin" in "Rubin's sister", a name in a title) is no link of its own, so no keyboard reaches it:
  // the link around it shows its card after the link's own. Each card keeps the language it is written in.
  function setUpPopovers() {
    var popover = document.createElement("div");
    popover.className = "entity-popover";
    popover.id = "entity-popover";
    popover.setAttribute("role", "tooltip");
    popover.hidden = true;
    document.body.appendChild(popover);
    var current = null;
    var hideTimer = null;
    var gap = 6, margin = 8;

    function place(trigger) {
      var box = trigger.getBoundingClientRect();
      var width = document.documentElement.clientWidth, height = document.documentElement.clientHeight;
      var below = box.bottom + gap, above = box.top - gap - popover.offsetHeight;
      var fitsBelow = below + popover.offsetHeight <= height - margin;
      var top = fitsBelow || above < margin && height - box.bottom >= box.top ? below : above;
      top = Math.max(margin, Math.min(top, height - margin - popover.offsetHeight));
      popover.style.left = (window.scrollX + Math.max(margin, Math.min(box.left, width - popover.offsetWidth - margin))) + "px";
      popover.style.top = (window.scrollY + top) + "px";
    }

    // The cards an element shows: the one it names, then those of the names inside it, each once.
    function cardsOf(trigger) {
      var cards = [];
      [trigger].concat(Array.prototype.slice.call(trigger.querySelectorAll("[data-card]"))).forEach(function (element) {
        var card = element.dataset.card && document.getElementById(element.dataset.card);
        if (card && cards.indexOf(card) < 0) { cards.push(card); }
      });
      return cards;
    }

    // A copy of a card's content in the card's language, without ids: the card stays in the page (an apparatus
    // entry is in the list of entries), and no id may be there twice.
    function copyOf(card) {
      var copy = document.createElement("div");
      copy.className = "popover-card";
      var marked = card.closest("[lang]");
      if (marked) { copy.lang = marked.lang; }
      card.childNodes.forEach(function (child) { copy.appendChild(child.cloneNode(true)); });
      copy.querySelectorAll("[id]").forEach(function (element) { element.removeAttribute("id"); });
      return copy;
    }

    function show(trigger) {
      cancelHide();
      if (trigger === current) { return; }
      var cards = cardsOf(trigger);
      if (!cards.length) { return; }
      if (current) { current.removeAttribute("aria-describedby"); }
      popover.replaceChildren.apply(popover, cards.map(copyOf));
      popover.hidden = false;
      place(trigger);
      trigger.setAttribute("aria-describedby", popover.id);
      current = trigger;
    }

    function hide() {
      cancelHide();
      popover.hidden = true;
      if (current) { current.removeAttribute("aria-describedby"); }
      current = null;
    }

    function cancelHide() {
      clearTimeout(hideTimer);
      hideTimer = null;
    }

    // A link that shows cards, when keyboard focus is on it.
    function linkTrigger(element) {
      return element && element.matches && element.matches("a") && cardsOf(element).length ? element : null;
    }

    function focusedTrigger() {
      return linkTrigger(document.activeElement);
    }

    // Time to cross the gap between a link and its card.
    function hideSoon() {
      cancelHide();
      hideTimer = setTimeout(function () {
        var focused = focusedTrigger();
        if (focused) { show(focused); } else { hide(); }
      }, 300);
    }

    // What the pointer shows the cards of: the nearest name with a card, else a link with names inside it.
    function triggerOf(node) {
      var trigger = node && node.closest ? node.closest("[data-card], a") : null;
      return trigger && cardsOf(trigger).length ? trigger : null;
    }

    document.addEventListener("mouseover", function (event) {
      if (popover.contains(event.target)) { cancelHide(); return; }
      var trigger = triggerOf(event.target);
      if (trigger) { show(trigger); }
    });
    document.addEventListener("mouseout", function (event) {
      var to = event.relatedTarget;
      if (!(triggerOf(event.target) || popover.contains(event.target))) { return; }
      if (to && (popover.contains(to) || triggerOf(to))) { return; }
      hideSoon();
    });
    document.addEventListener("focusin", function (event) {
      var trigger = linkTrigger(event.target);
      if (trigger) { show(trigger); }
    });
    document.addEventListener("focusout", function (event) {
      if (event.target === current) { hide(); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { hide(); }
    });
  }

  setUpControls();
  setUpPopovers();
}());

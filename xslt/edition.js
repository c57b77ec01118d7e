/* edition.js: progressive enhancement of the HTML edition written by tei-tool.
   Everything is readable without it; with it, readers can switch between the
   reading and the diplomatic text, highlight entities, dates and quotations
   (the choice is remembered across reloads), and see an entity's short
   information or an apparatus entry on hover or keyboard focus of its link. */
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

  function setUpPopovers() {
    var popover = document.createElement("div");
    popover.className = "entity-popover";
    popover.id = "entity-popover";
    popover.setAttribute("role", "tooltip");
    popover.hidden = true;
    document.body.appendChild(popover);
    var current = null;

    function show(link) {
      var card = document.getElementById(link.dataset.card);
      if (!card) { return; }
      popover.replaceChildren.apply(popover, Array.prototype.map.call(card.childNodes, function (child) {
        var copy = child.cloneNode(true);
        if (copy.nodeType === Node.ELEMENT_NODE) {
          // The card stays in the page (an apparatus entry is in the list of entries): no id twice.
          copy.removeAttribute("id");
          copy.querySelectorAll("[id]").forEach(function (element) { element.removeAttribute("id"); });
        }
        return copy;
      }));
      popover.hidden = false;
      var box = link.getBoundingClientRect();
      var left = Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - popover.offsetWidth - 8);
      popover.style.left = Math.max(8, left) + "px";
      popover.style.top = (box.bottom + window.scrollY + 6) + "px";
      link.setAttribute("aria-describedby", popover.id);
      current = link;
    }

    function hide() {
      popover.hidden = true;
      if (current) { current.removeAttribute("aria-describedby"); }
      current = null;
    }

    document.querySelectorAll("a[data-card]").forEach(function (link) {
      link.addEventListener("mouseenter", function () { show(link); });
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("mouseleave", hide);
      link.addEventListener("blur", hide);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { hide(); }
    });
  }

  setUpControls();
  setUpPopovers();
}());

// The site's few behaviours, without inline handlers (CSP-friendly): the phone menu's toggle, the
// menu's groups (one open at a time, closed by Escape or a click elsewhere), and selects that submit
// their form when changed (the language menu), forms that ask before they are sent (data-confirm).
(function () {
  "use strict";
  function groups() { return document.querySelectorAll("#mainnav details[data-navgroup]"); }
  function closeAll(except) {
    groups().forEach(function (d) { if (d !== except) { d.open = false; } });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".navtoggle");
    var nav = document.getElementById("mainnav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    groups().forEach(function (d) {
      d.addEventListener("toggle", function () { if (d.open) { closeAll(d); } });
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest || !event.target.closest("#mainnav details")) { closeAll(null); }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { closeAll(null); }
    });
    // "Back" on an error page reached without a referrer: shown only when there is a page to go back to.
    document.querySelectorAll("[data-history-back]").forEach(function (button) {
      if (window.history.length > 1) { button.hidden = false; }
      button.addEventListener("click", function () { window.history.back(); });
    });
    // A form that asks before it is sent (data-confirm="question").
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { if (select.form) { select.form.submit(); } });
    });
  });
})();

// A form that comes back refused puts the focus on its error summary, so that the keyboard
// and a screen reader start from what went wrong. The summary also carries autofocus; this
// covers the cases where the browser skips it or takes the focus away again (a URL with a
// fragment, such as #main after the skip link, for one).
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary && (!document.activeElement || document.activeElement === document.body)) {
      summary.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", focusSummary);
  window.addEventListener("load", function () { window.setTimeout(focusSummary, 0); });
})();

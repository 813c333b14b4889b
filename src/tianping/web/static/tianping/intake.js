// Shows a conditional intake question only when its condition holds, and
// disables hidden inputs so they are not submitted. The server checks the
// same conditions; this only spares the user questions that do not apply.
(function () {
  "use strict";
  function answer(form, id) {
    var inputs = form.querySelectorAll('[name="' + id + '"]');
    var values = [];
    inputs.forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      if (el.disabled) return;
      values.push(el.value);
    });
    return values;
  }
  function holds(form, cond) {
    if (cond.all) return cond.all.every(function (c) { return holds(form, c); });
    if (cond.any) return cond.any.some(function (c) { return holds(form, c); });
    var values = answer(form, cond.question);
    if ("equals" in cond) {
      var want = cond.equals === true ? "yes" : cond.equals === false ? "no" : String(cond.equals);
      return values.indexOf(want) !== -1;
    }
    if ("includes_any" in cond) {
      return cond.includes_any.some(function (v) { return values.indexOf(v) !== -1; });
    }
    return true;
  }
  function update(form) {
    form.querySelectorAll("[data-requires]").forEach(function (box) {
      var show = holds(form, JSON.parse(box.dataset.requires));
      box.hidden = !show;
      box.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !show; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("intake-form");
    if (!form) return;
    form.addEventListener("change", function () { update(form); });
    update(form);
  });
})();

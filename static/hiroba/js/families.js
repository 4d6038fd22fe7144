/* Family registry: small progressive enhancements. The pages work without this file. */
(function () {
  "use strict";

  // "Add another" row of a formset: copy the <template> of the empty row, number it and
  // count it in the management form's TOTAL_FORMS.
  function wireFormsetAdd(button) {
    var prefix = button.getAttribute("data-formset-add");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.getElementById(prefix + "-rows");
    var total = document.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var max = document.querySelector("input[name='" + prefix + "-MAX_NUM_FORMS']");
    if (!template || !rows || !total) { return; }
    function refresh() {
      button.hidden = Boolean(max) && Number(total.value) >= Number(max.value);
    }
    button.addEventListener("click", function () {
      var index = Number(total.value);
      var html = template.innerHTML.split("__prefix__").join(String(index))
        .split("__num__").join(String(index + 1));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      refresh();
      var first = row.querySelector("input:not([type=hidden]), select");
      if (first) { first.focus(); }
    });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-formset-add]"), wireFormsetAdd);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();

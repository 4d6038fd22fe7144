/* Programs: small progressive enhancements of the program form. The form works without this
   file: every field is shown, and priority groups are saved in the order they are listed. */
(function () {
  "use strict";

  // Priority groups are submitted in the order of the list, so moving an item up changes
  // the priority order that is saved.
  function wirePriorityList(list) {
    list.querySelectorAll("[data-priority-up]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var item = button.closest("[data-priority-item]");
        var previous = item && item.previousElementSibling;
        if (previous) {
          list.insertBefore(item, previous);
          button.focus();
        }
      });
    });
  }

  // Show the sign-up fields that apply to the chosen way of signing up: none for a drop-in
  // program, the lottery fields only for a lottery.
  function wireSignupMode(form) {
    var radios = form.querySelectorAll("input[name='signup_mode']");
    var sections = form.querySelectorAll("[data-signup-only]");
    if (!radios.length || !sections.length) { return; }
    function refresh() {
      var checked = form.querySelector("input[name='signup_mode']:checked");
      var mode = checked ? checked.value : "";
      sections.forEach(function (section) {
        var only = section.getAttribute("data-signup-only");
        var show = only === "lottery" ? mode === "lottery" : mode !== "drop_in";
        section.hidden = !show;
      });
    }
    radios.forEach(function (radio) { radio.addEventListener("change", refresh); });
    refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-priority-list]").forEach(wirePriorityList);
    document.querySelectorAll("[data-program-form]").forEach(wireSignupMode);
  });
})();

/* Settings: the colour picker and the accent colour's text field say the same colour (the text
   field alone works without this script). */
(function () {
  "use strict";
  var pickers = document.querySelectorAll("input[type=color][data-for]");
  Array.prototype.forEach.call(pickers, function (picker) {
    var text = document.getElementById(picker.getAttribute("data-for"));
    if (!text) { return; }
    picker.addEventListener("input", function () { text.value = picker.value; });
    text.addEventListener("input", function () {
      if (/^#[0-9a-fA-F]{6}$/.test(text.value.trim())) { picker.value = text.value.trim().toLowerCase(); }
    });
  });
})();

// A "copy" button beside a read-only field (the calendar link, shown only once): shown only when
// script runs, it copies the field's text and says so in the status next to it. Without script the
// field is there to select and copy by hand.
(function () {
  "use strict";
  function say(button, text) {
    var status = button.parentNode.querySelector(".copy-status");
    if (status) {
      status.textContent = text;
    }
  }
  function fallback(field) {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (e) {
      return false;
    }
  }
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        say(button, button.getAttribute("data-copied"));
      };
      var failed = function () {
        if (fallback(field)) {
          done();
        } else {
          say(button, button.getAttribute("data-failed"));
        }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        // The clipboard API may wait on a permission or on the window's focus and never settle:
        // after a second the field is selected and copied the old way instead.
        var settled = false;
        var once = function (then) {
          return function () {
            if (!settled) {
              settled = true;
              then();
            }
          };
        };
        window.setTimeout(once(failed), 1000);
        navigator.clipboard.writeText(field.value).then(once(done), once(failed));
      } else {
        failed();
      }
    });
  });
})();

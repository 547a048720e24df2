// A file the server would refuse is stopped before it is sent: every file input that carries the
// server's rules (data-max-bytes, accept, data-files-left; see core.uploads.file_input_attributes) is
// checked when a file is chosen and when its form is sent, and the server's own words are shown next
// to the field. A chosen file is never left behind: a link marked data-upload-step (the steps of an
// application) sends the form with the file first, then goes to that step.
// Progressive enhancement only: without script the server checks and answers the same.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[type=file][data-max-bytes]");
  if (!inputs.length) return;

  function accepted(input, file) {
    var accept = (input.getAttribute("accept") || "").toLowerCase().split(",");
    var name = file.name.toLowerCase();
    var type = (file.type || "").toLowerCase();
    return accept.every(function (a) { return !a.trim(); }) || accept.some(function (a) {
      a = a.trim();
      if (!a) return false;
      if (a.charAt(0) === ".") return name.slice(-a.length) === a;
      if (a.slice(-2) === "/*") return type.indexOf(a.slice(0, -1)) === 0;
      return type === a;
    });
  }

  // What the server would say about the chosen files, or "" when it would take them.
  function problem(input) {
    var files = input.files || [];
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var left = input.getAttribute("data-files-left");
    if (files.length && left !== null && files.length > parseInt(left, 10)) {
      return input.getAttribute("data-too-many") || "";
    }
    for (var i = 0; i < files.length; i++) {
      if (limit && files[i].size > limit) return input.getAttribute("data-too-large") || "";
      if (!accepted(input, files[i])) return input.getAttribute("data-wrong-type") || "";
    }
    return "";
  }

  function describedBy(input, id, on) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (on) ids.push(id);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  // The message next to the field: the server's element (p.error#<id>-error) when there is one.
  function show(input, text) {
    var id = input.id + "-error";
    var note = document.getElementById(id);
    var field = input.closest(".field");
    if (text) {
      if (!note) {
        note = document.createElement("p");
        note.className = "error";
        note.id = id;
        input.insertAdjacentElement("afterend", note);
      }
      note.textContent = text;
      input.setAttribute("aria-invalid", "true");
    } else if (note) {
      note.remove();
      input.removeAttribute("aria-invalid");
    }
    describedBy(input, id, !!text);
    if (field) field.classList.toggle("has-error", !!text);
  }

  function check(input) {
    var text = problem(input);
    show(input, text);
    return !text;
  }

  inputs.forEach(function (input) {
    input.addEventListener("change", function () { check(input); });
  });

  // Before any other script hears of the sending (drafts.js would take the form as sent): a form
  // with a file the server would refuse is stopped here, and its first such field gets the focus.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var bad = Array.prototype.filter.call(
      form.querySelectorAll("input[type=file][data-max-bytes]"),
      function (el) { return !check(el); }
    );
    if (!bad.length) return;
    event.preventDefault();
    event.stopPropagation();
    var step = form.querySelector("input[type=hidden][name=step]");
    if (step) step.remove(); // a step's link led here: the form's own buttons stay on the step
    bad[0].focus();
  }, true);

  function chosen(form) {
    return Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (el) {
      return el.files && el.files.length > 0;
    });
  }

  // A step's link while a file is chosen: the file goes with the press, then the step is shown.
  document.querySelectorAll("a[data-upload-step]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var form = document.querySelector("form[data-upload-steps]");
      if (!form || !chosen(form) || event.defaultPrevented) return;
      event.preventDefault();
      var step = form.querySelector("input[type=hidden][name=step]");
      if (!step) {
        step = document.createElement("input");
        step.type = "hidden";
        step.name = "step";
        form.appendChild(step);
      }
      step.value = link.getAttribute("data-upload-step");
      if (form.requestSubmit) form.requestSubmit();
      else if (Array.prototype.every.call(form.querySelectorAll("input[type=file][data-max-bytes]"), check)) form.submit();
    });
  });
})();

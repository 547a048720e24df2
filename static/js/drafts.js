// What was typed into a form survives a session that ended meanwhile: every form of a signed-in
// page (method post) is copied into this tab's sessionStorage as the user types, keyed by the user
// and the form; it is put back when the same form is shown again (after the login the session's end
// led to), with a notice and a way to discard it, and forgotten once the form was sent and taken.
// Never copied: passwords, files, hidden fields (the CSRF token among them), one-time codes.
// Progressive enhancement only: without script, nothing changes.
(function () {
  "use strict";
  var PREFIX = "grants.draft.";
  var SENT = "grants.draft-sent"; // {key, owner}: a form was sent, its answer is the next page
  var MAX_AGE_MS = 24 * 3600 * 1000;
  var SKIPPED_TYPES = { password: 1, file: 1, hidden: 1, submit: 1, button: 1, reset: 1, image: 1 };
  var store;
  try {
    store = window.sessionStorage;
    store.getItem(SENT);
  } catch (e) {
    return; // storage refused (privacy settings): the forms work as before
  }
  var body = document.body;
  var owner = body.getAttribute("data-draft-owner") || "";

  function read(key) {
    try {
      return JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  function write(key, value) {
    try {
      store.setItem(key, JSON.stringify(value));
    } catch (e) {
      /* storage full: this draft is not kept */
    }
  }

  function forget(test) {
    for (var i = store.length - 1; i >= 0; i--) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX) === 0 && test(key)) store.removeItem(key);
    }
  }

  // Logging out on purpose: whatever was kept in this tab goes with the session.
  document.querySelectorAll('form[action="/logout"]').forEach(function (form) {
    form.addEventListener("submit", function () {
      forget(function () { return true; });
      store.removeItem(SENT);
    });
  });

  var sent = read(SENT);
  var interrupted = !owner || document.querySelector("[data-draft-keep]") !== null;
  if (interrupted) {
    // The login page, or an error page: a form sent from the last page did not get through.
    if (sent) write(SENT, { key: sent.key, owner: sent.owner, interrupted: true });
    return;
  }
  // Only this user's drafts stay in the tab: another person who logs in here never sees them.
  forget(function (key) { return key.indexOf(PREFIX + owner + ".") !== 0; });
  store.removeItem(SENT);
  if (sent && sent.owner !== owner) sent = null;

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.name === "_csrf_token" || el.disabled) return false;
      if (el.closest("[data-no-draft]") || el.autocomplete === "one-time-code") return false;
      var tag = el.tagName.toLowerCase();
      if (tag === "textarea" || tag === "select") return true;
      return tag === "input" && !SKIPPED_TYPES[(el.type || "text").toLowerCase()];
    });
  }

  // A field's place: its name and its position among the fields of that name (repeated rows).
  function places(form) {
    var seen = {};
    return fields(form).map(function (el) {
      var n = (seen[el.name] = (seen[el.name] || 0) + 1);
      return { el: el, id: el.name + "#" + n };
    });
  }

  function valueOf(el) {
    var type = (el.type || "").toLowerCase();
    if (type === "checkbox" || type === "radio") return el.checked;
    if (el.tagName.toLowerCase() === "select" && el.multiple) {
      return Array.prototype.filter.call(el.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
    }
    return el.value;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function put(el, value) {
    var type = (el.type || "").toLowerCase();
    if (type === "checkbox" || type === "radio") el.checked = !!value;
    else if (el.tagName.toLowerCase() === "select" && el.multiple) {
      Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) >= 0; });
    } else el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true })); // live totals and the like follow
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function snapshot(form) {
    var values = {};
    places(form).forEach(function (p) { values[p.id] = valueOf(p.el); });
    return values;
  }

  function showRestored(form, key) {
    var template = document.getElementById("draft-restored");
    if (!template) return;
    var notice = template.content.firstElementChild.cloneNode(true);
    notice.querySelector("[data-draft-discard]").addEventListener("click", function () {
      store.removeItem(key);
      window.location.replace(window.location.href); // the saved version, from the server
    });
    form.parentNode.insertBefore(notice, form);
  }

  // How the last form's sending ended: a redirect is the server's "taken"; the same form drawn
  // again as the answer to the POST is a refusal (its fields then show what was sent).
  var navigation = (performance.getEntriesByType && performance.getEntriesByType("navigation")[0]) || {};
  var redirected = navigation.redirectCount > 0;
  var refused = !!sent && !sent.interrupted && !redirected;
  if (sent && !sent.interrupted && redirected) store.removeItem(sent.key); // taken: its draft is done with

  var counts = {};
  var keys = [];
  var forms = Array.prototype.filter.call(document.querySelectorAll("main form"), function (form) {
    return (form.getAttribute("method") || "").toLowerCase() === "post" && !form.hasAttribute("data-no-draft");
  });
  forms.forEach(function (form) {
    // The form's action, not the page's address: a refused form is drawn again at its action.
    var action = new URL(form.getAttribute("action") || window.location.href, window.location.href).pathname;
    var n = (counts[action] = (counts[action] || 0) + 1);
    var key = PREFIX + owner + "." + action + "|" + n;
    keys.push(key);
    var draft = read(key);
    if (draft && !(Date.now() - draft.at < MAX_AGE_MS)) {
      store.removeItem(key);
      draft = null;
    }
    if (draft && !(refused && sent.key === key)) {
      var changed = false;
      places(form).forEach(function (p) {
        if (Object.prototype.hasOwnProperty.call(draft.values, p.id) && !same(draft.values[p.id], valueOf(p.el))) {
          put(p.el, draft.values[p.id]);
          changed = true;
        }
      });
      if (changed) showRestored(form, key);
    }
    var save = function () { write(key, { at: Date.now(), values: snapshot(form) }); };
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", function () {
      save();
      write(SENT, { key: key, owner: owner });
    });
  });

  // Answered by a page without that form: the server took it too.
  if (refused && keys.indexOf(sent.key) < 0) store.removeItem(sent.key);
})();

/* The Data section (piccolo-admin) speaks the site's language and names tables as the site does.
   admin.readable puts the data below in the page (#grants-panel) and makes the panel's script call
   these two functions: one for a table's label, one when the panel's own language picker is used. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("grants-panel").textContent);
  window.grantsTableLabel = function (name) {
    return data.tables[name] || String(name).split("_").join(" ");
  };
  try {
    // The panel starts in the site's language (its picker remembers its own choice here).
    window.localStorage.setItem("piccoloAdminDefaultLanguage", data.language);
  } catch (e) { /* storage off: the panel asks the server, which answers the same language */ }
  window.grantsLanguageChosen = function (code) {
    if (code !== data.language) {
      // The site's language switch stores the choice (cookie, and the user's mail language) and comes back.
      window.location.assign(data.switch_language + encodeURIComponent(code) + "?next=" + encodeURIComponent(data.home));
    }
  };

  // piccolo-admin draws some controls without a name a screen reader could say (axe: label,
  // link-name, select-name); name them, in the site's language, whenever the panel draws them.
  var names = data.names;
  function name(element, label) {
    if (!element.getAttribute("aria-label")) element.setAttribute("aria-label", label);
  }
  function nameControls(root) {
    root.querySelectorAll("th input[type=checkbox]").forEach(function (el) { name(el, names.select_all); });
    root.querySelectorAll("td input[type=checkbox]").forEach(function (el) { name(el, names.select_row); });
    root.querySelectorAll("input[type=number]").forEach(function (el) { name(el, names.page_number); });
    root.querySelectorAll("#page_size select").forEach(function (el) { name(el, names.page_size); });
    root.querySelectorAll("a").forEach(function (link) {
      if (link.textContent.trim() || link.getAttribute("aria-label") || link.getAttribute("title")) return;
      var item = link.closest("li");
      if (item && item.parentElement) {
        var items = Array.prototype.slice.call(item.parentElement.children);
        var at = items.indexOf(item);
        if (at === 0) { name(link, names.previous); return; }
        if (at === items.length - 1) { name(link, names.next); return; }
      }
      name(link, names.row_actions);
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;  // once per burst of changes, after the panel has drawn them
    window.requestAnimationFrame(function () { pending = false; nameControls(document); });
  }).observe(document.documentElement, { childList: true, subtree: true });
})();

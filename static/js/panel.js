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
})();

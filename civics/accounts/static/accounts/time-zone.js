/* Sign-up: choose the browser's own time zone in a fresh form's time-zone select.
   Without JavaScript, or when the browser's zone is not in the list, the select keeps the
   server's choice (UTC) and the learner can pick one by hand. */
(function () {
  "use strict";
  var ALIASES = { "Etc/UTC": "UTC", "Etc/GMT": "UTC", "GMT": "UTC", "Asia/Calcutta": "Asia/Kolkata",
    "Asia/Saigon": "Asia/Ho_Chi_Minh", "Asia/Katmandu": "Asia/Kathmandu", "Europe/Kiev": "Europe/Kyiv",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires" };

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function choose() {
    var zone = browserZone();
    if (!zone) return;
    var selects = document.querySelectorAll("select[data-browser-time-zone]");
    Array.prototype.forEach.call(selects, function (select) {
      var names = [ALIASES[zone], zone];  // the current name first (ICU may say Asia/Calcutta)
      for (var i = 0; i < names.length; i++) {
        var found = Array.prototype.some.call(select.options, function (o) { return o.value === names[i]; });
        if (found) { select.value = names[i]; return; }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", choose);
  } else {
    choose();
  }
})();

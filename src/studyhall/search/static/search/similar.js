// Similar questions while a question is typed in the new-thread composer.
// An enhancement only: the form posts the same without it. Results are
// built with textContent, so nothing from the server is parsed as HTML.
(function () {
  "use strict";
  var MIN_CHARS = 8;
  function setup(section) {
    var form = section.closest("form");
    if (!form) { return; }
    var title = form.querySelector("input[name=title]");
    var body = form.querySelector("textarea[name=body]");
    var list = section.querySelector("[data-similar-list]");
    var status = form.querySelector("[data-similar-status]");
    var timer = null, lastAsked = "", sequence = 0;
    if (!title || !list) { return; }
    function render(items) {
      list.textContent = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        li.appendChild(link);
        if (item.is_answered) {
          var badge = document.createElement("span");
          badge.className = "badge ok";
          badge.textContent = "Answered";
          li.appendChild(document.createTextNode(" "));
          li.appendChild(badge);
        }
        var where = document.createElement("span");
        where.className = "muted";
        where.textContent = " in " + item.community;
        li.appendChild(where);
        list.appendChild(li);
      });
      section.hidden = items.length === 0;
      if (status) {
        status.textContent = items.length
          ? items.length + " similar question" + (items.length === 1 ? "" : "s") + " found above the Post button."
          : "";
      }
    }
    function ask() {
      var text = title.value.trim();
      var extra = body ? body.value.slice(0, 600) : "";
      var key = text + "\n" + extra;
      if (text.length < MIN_CHARS) { render([]); lastAsked = ""; return; }
      if (key === lastAsked) { return; }
      lastAsked = key;
      var mine = ++sequence;
      var params = new URLSearchParams({ title: text, body: extra, community: section.dataset.community || "" });
      fetch(section.dataset.similarUrl + "?" + params.toString(), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) { if (mine === sequence) { render(data.items || []); } })
        .catch(function () { /* suggestions are optional */ });
    }
    function changed() { clearTimeout(timer); timer = setTimeout(ask, 400); }
    title.addEventListener("input", changed);
    if (body) { body.addEventListener("input", changed); }
    if (title.value.trim()) { ask(); }
  }
  document.querySelectorAll("[data-similar]").forEach(setup);
})();

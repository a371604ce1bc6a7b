// Composer enhancements: live preview and drafts that survive reloads and
// lost connections. The form posts normally without this script.
(function () {
  "use strict";
  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function post(url, form, fields) {
    var data = new FormData();
    Object.keys(fields).forEach(function (k) { data.append(k, fields[k]); });
    return fetch(url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(form), "Accept": "application/json" }
    }).then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }
  function setup(form) {
    var key = form.dataset.draftKey;
    var body = form.querySelector("textarea[name=body]");
    var title = form.querySelector("input[name=title]");
    var status = form.querySelector("[data-draft-status]");
    var previewSection = form.querySelector("[data-preview-section]");
    var preview = form.querySelector("[data-preview]");
    var storeKey = "studyhall-draft:" + key;
    var previewTimer = null, draftTimer = null;
    if (!body) { return; }
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { stored = null; }
    if (stored && stored.submitted && !body.value.trim()) {
      // The last submit went through: the server cleared its draft too.
      try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
      stored = null;
    }
    if (stored && !body.value.trim() && stored.body) {
      body.value = stored.body;
      if (title && !title.value && stored.title) { title.value = stored.title; }
      if (status) { status.textContent = "Restored your unsent text."; }
    }
    function current() {
      return { key: key, title: title ? title.value : "", body: body.value };
    }
    function saveDraft() {
      var fields = current();
      try { localStorage.setItem(storeKey, JSON.stringify(fields)); } catch (e) { /* storage full */ }
      post(form.dataset.draftUrl, form, fields).then(function () {
        if (status) { status.textContent = "Draft saved."; }
      }).catch(function () {
        if (status) { status.textContent = "Offline: draft kept in this browser; it will be saved when you are back."; }
      });
    }
    function renderPreview() {
      if (!body.value.trim()) { previewSection.hidden = true; return; }
      post(form.dataset.previewUrl, form, { body: body.value, key: key }).then(function (data) {
        preview.innerHTML = data.html; // Sanitized on the server by the same renderer as posts.
        previewSection.hidden = false;
      }).catch(function () { /* preview is optional */ });
    }
    function changed() {
      clearTimeout(previewTimer); clearTimeout(draftTimer);
      previewTimer = setTimeout(renderPreview, 500);
      draftTimer = setTimeout(saveDraft, 1500);
    }
    body.addEventListener("input", changed);
    if (title) { title.addEventListener("input", changed); }
    window.addEventListener("online", saveDraft);
    form.addEventListener("submit", function () {
      var fields = current();
      fields.submitted = true;
      try { localStorage.setItem(storeKey, JSON.stringify(fields)); } catch (e) { /* ignore */ }
    });
    if (body.value.trim()) { renderPreview(); }
  }
  document.querySelectorAll("form[data-composer]").forEach(setup);
})();

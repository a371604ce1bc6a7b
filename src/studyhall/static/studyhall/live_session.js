// Live session page: follow the session's stream and refresh the polls,
// questions, raised hands and attendance in place. Without this script
// every action is a form post and a reload shows the latest.
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root) { return; }
  var stream = root.getAttribute("data-stream");
  var status = root.querySelector("[data-live-status]");
  var floats = root.querySelector("[data-reactions]");
  var since = 0;
  var pending = null;
  var pollTimer = null;

  function setStatus(text) { if (status) { status.textContent = text; } }

  function refresh() {
    if (pending) { return; }
    pending = fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        pending = null;
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        root.querySelectorAll("[data-live-region]").forEach(function (region) {
          if (region.contains(document.activeElement) &&
              document.activeElement.tagName !== "BUTTON") { return; }
          var name = region.getAttribute("data-live-region");
          var fresh = doc.querySelector('[data-live-region="' + name + '"]');
          if (fresh) { region.innerHTML = fresh.innerHTML; }
        });
      })
      .catch(function () { pending = null; });
  }

  function float(emoji) {
    if (!floats) { return; }
    var span = document.createElement("span");
    span.className = "reaction-float";
    span.textContent = emoji;
    span.style.left = (10 + Math.random() * 80) + "%";
    floats.appendChild(span);
    window.setTimeout(function () { span.remove(); }, 2500);
  }

  function startPolling() {
    if (pollTimer) { return; }
    setStatus("Updating every few seconds.");
    pollTimer = window.setInterval(refresh, 3000);
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket;
    try {
      socket = new WebSocket(scheme + window.location.host + "/ws/streams/");
    } catch (e) { startPolling(); return; }
    var opened = false;
    socket.onopen = function () {
      opened = true;
      socket.send(JSON.stringify({ subscribe: stream, since: since }));
    };
    socket.onmessage = function (message) {
      var frame = JSON.parse(message.data);
      if (frame.type === "subscribed") {
        setStatus("Live: updates appear as they happen.");
        if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
      } else if (frame.type === "event") {
        since = frame.sequence;
        if (frame.event === "reaction.sent") { float(frame.payload.emoji); }
        else { refresh(); }
      } else if (frame.type === "error") {
        startPolling();
      }
    };
    socket.onclose = function () {
      startPolling();
      if (opened) { window.setTimeout(connect, 5000); }
    };
  }

  var reactForm = root.querySelector("[data-react-form]");
  if (reactForm) {
    reactForm.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || !window.fetch) { return; }
      event.preventDefault();
      var data = new FormData(reactForm);
      data.set("emoji", button.value);
      fetch(reactForm.action, { method: "POST", body: data, credentials: "same-origin" });
      if (pollTimer) { float(button.value); }
    });
  }

  // Vote, ask, upvote and the host's buttons post without leaving the page.
  root.addEventListener("submit", function (event) {
    var form = event.target;
    if (form === reactForm || !form.closest("[data-live-region]") &&
        !form.matches("[data-live-inline]")) { return; }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.set(event.submitter.name, event.submitter.value);
    }
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(refresh);
  });

  connect();
})();

// The notification bell: keeps the unread count in the site header live.
// Without this script the count is rendered on every page load.
(function () {
  "use strict";
  var bell = document.querySelector("[data-bell]");
  if (!bell || !window.WebSocket || !window.fetch) { return; }
  var count = bell.querySelector("[data-bell-count]");
  var stream = "user." + bell.dataset.user;
  var since = 0, socket = null, delay = 1000;

  function show(unread) {
    if (typeof unread !== "number") { return; }
    count.textContent = String(unread);
    bell.classList.toggle("has-unread", unread > 0);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/streams/");
    socket.onopen = function () {
      delay = 1000;
      socket.send(JSON.stringify({ subscribe: stream, since: since }));
    };
    socket.onmessage = function (message) {
      var frame;
      try { frame = JSON.parse(message.data); } catch (e) { return; }
      if (frame.type === "subscribed" && frame.stream === stream) {
        bell.dataset.live = "true";
      } else if (frame.type === "event" && frame.stream === stream) {
        since = frame.sequence;
        show(frame.payload && frame.payload.unread);
      }
    };
    socket.onclose = function () {
      delete bell.dataset.live;
      // Reconnect with backoff; the resume point means nothing is missed.
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  fetch("/api/v1/notifications/unread", { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) { since = data.sequence || 0; show(data.unread); connect(); })
    .catch(function () { connect(); });
})();

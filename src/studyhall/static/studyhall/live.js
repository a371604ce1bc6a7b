// The live socket shared by every page: subscribe to streams with the last
// sequence seen, reconnect with backoff, show a "reconnecting" state, answer
// pings. Pages work without it; it only adds live updates.
(function () {
  "use strict";
  var streams = {};     // stream -> {since: number|null, handlers: [fn]}
  var frameHandlers = [];
  var openHandlers = [];
  var socket = null, attempt = 0, timer = null, everOpen = false;

  function statusEls() { return document.querySelectorAll("[data-live-status]"); }
  function showStatus(text) {
    statusEls().forEach(function (el) {
      el.textContent = text;
      el.hidden = !text;
    });
  }
  function url() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + "/ws/streams/";
  }
  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }
  function subscribeFrame(name) {
    var s = streams[name];
    var frame = {subscribe: name};
    if (s.since !== null) { frame.since = s.since; }
    else if (s.sinceTime) { frame.since_time = s.sinceTime; }
    return frame;
  }
  function connect() {
    clearTimeout(timer);
    try { socket = new WebSocket(url()); } catch (e) { schedule(); return; }
    socket.onopen = function () {
      attempt = 0;
      showStatus("");
      document.documentElement.dataset.live = "open";
      Object.keys(streams).forEach(function (name) { send(subscribeFrame(name)); });
      var reconnected = everOpen;
      everOpen = true;
      openHandlers.forEach(function (fn) { fn(reconnected); });
    };
    socket.onmessage = function (msg) {
      var frame;
      try { frame = JSON.parse(msg.data); } catch (e) { return; }
      if (frame.type === "ping") { send({type: "pong"}); return; }
      if ((frame.type === "subscribed" || frame.type === "reload") && streams[frame.stream]) {
        var sub = streams[frame.stream];
        if (frame.sequence !== undefined && (sub.since === null || frame.sequence > sub.since)) { sub.since = frame.sequence; }
        sub.sinceTime = null;
      }
      if (frame.type === "event" && streams[frame.stream]) {
        var s = streams[frame.stream];
        if (s.since !== null && frame.sequence <= s.since) { return; }
        s.since = frame.sequence;
      }
      var target = frame.stream && streams[frame.stream];
      if (target) { target.handlers.forEach(function (fn) { fn(frame); }); }
      frameHandlers.forEach(function (fn) { fn(frame); });
    };
    socket.onclose = function () {
      document.querySelectorAll("[data-live=subscribed]").forEach(function (el) { el.dataset.live = "closed"; });
      document.documentElement.dataset.live = "closed";
      socket = null;
      schedule();
    };
    socket.onerror = function () { /* onclose follows */ };
  }
  function schedule() {
    attempt += 1;
    // Exponential backoff with jitter, capped at 30 seconds.
    var delay = Math.min(30000, 500 * Math.pow(2, Math.min(attempt, 6)));
    delay = delay / 2 + Math.random() * delay / 2;
    showStatus("Connection lost. Reconnecting… Anything you send is kept and sent when the connection is back.");
    timer = setTimeout(connect, delay);
  }
  window.studyhallLive = {
    // `since` is the last sequence seen, or {time: seconds} for a page that
    // knows only when it was rendered, or undefined for events from now on.
    subscribe: function (name, since, handler) {
      if (!streams[name]) {
        var byTime = since && typeof since === "object";
        streams[name] = {
          since: (since === undefined || byTime ? null : since),
          sinceTime: byTime ? since.time : null,
          handlers: []
        };
        send(subscribeFrame(name));
      }
      if (handler) { streams[name].handlers.push(handler); }
    },
    onFrame: function (fn) { frameHandlers.push(fn); },
    onOpen: function (fn) { openHandlers.push(fn); },
    send: send,
    isOpen: function () { return !!socket && socket.readyState === WebSocket.OPEN; }
  };

  // Pages that mark a stream and live regions refresh those regions from the
  // server's own rendering whenever the stream has an event.
  function refreshRegions(announce) {
    fetch(location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-region]").forEach(function (el) {
          var fresh = el.id && doc.getElementById(el.id);
          if (fresh && !el.contains(document.activeElement)) { el.innerHTML = fresh.innerHTML; }
        });
        var note = document.querySelector("[data-live-note]");
        if (note && announce) { note.textContent = announce; }
      })
      .catch(function () { /* the next event tries again */ });
  }
  function liveRegions() {
    var root = document.querySelector("[data-live-stream]");
    if (!root) { return; }
    var pending = null, count = 0;
    var since = root.dataset.renderedAt ? {time: parseFloat(root.dataset.renderedAt)} : undefined;
    window.studyhallLive.subscribe(root.dataset.liveStream, since, function (frame) {
      if (frame.type !== "event" && frame.type !== "reload") { return; }
      count += 1;
      clearTimeout(pending);
      pending = setTimeout(function () {
        var n = count; count = 0;
        refreshRegions(n === 1 ? "Updated: 1 change." : "Updated: " + n + " changes.");
      }, 300);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { liveRegions(); connect(); });
  } else { liveRegions(); connect(); }
})();

// Chat in the browser: messages, edits, reactions, typing and presence live;
// an outbox that keeps unsent messages visible until the server confirms
// them and resends them with the same client id after a reconnect. The room
// page posts a plain form without this script.
(function () {
  "use strict";
  var live = window.studyhallLive;
  if (!live) { return; }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  // --- room lists: unread counts ------------------------------------------
  function setupList(list) {
    var me = parseInt(list.dataset.user || "0", 10);
    list.querySelectorAll("[data-room]").forEach(function (item) {
      live.subscribe(item.dataset.stream, undefined, function (frame) {
        if (frame.type !== "event" || frame.event !== "message.created") { return; }
        if (frame.payload.author && frame.payload.author.id === me) { return; }
        var badge = item.querySelector("[data-unread]");
        var count = item.querySelector("[data-unread-count]");
        if (!badge || !count) { return; }
        count.textContent = String(parseInt(count.textContent || "0", 10) + 1);
        if (!item.hasAttribute("data-muted")) { badge.hidden = false; }
      });
    });
  }

  // --- the room page --------------------------------------------------------
  function setupRoom(root) {
    var roomId = parseInt(root.dataset.chatRoom, 10);
    var me = parseInt(root.dataset.user, 10);
    var log = root.querySelector("[data-messages]");
    var outbox = root.querySelector("[data-outbox]");
    var form = root.querySelector("[data-chat-composer]");
    var typingEl = root.querySelector("[data-typing]");
    var presenceEl = root.querySelector("[data-presence]");
    var storeKey = "studyhall-outbox:" + roomId;
    var pending = [];
    try { pending = JSON.parse(localStorage.getItem(storeKey) || "[]"); } catch (e) { pending = []; }
    var typers = {};
    var lastTyping = 0;
    var lastNumber = parseInt(root.dataset.lastNumber || "0", 10);

    function save() { localStorage.setItem(storeKey, JSON.stringify(pending)); }
    function renderOutbox() {
      outbox.innerHTML = "";
      pending.forEach(function (item) {
        var li = el("li", {"class": "outbox-item" + (item.error ? " failed" : ""), "data-client-id": item.client_id});
        li.appendChild(el("p", {"class": "body"}, item.body));
        li.appendChild(el("p", {"class": "meta"}, item.error ? "Not sent: " + item.error : "Sending…"));
        if (item.error) {
          var retry = el("button", {"type": "button", "class": "secondary"}, "Try again");
          retry.addEventListener("click", function () { item.error = ""; save(); renderOutbox(); flush(); });
          var drop = el("button", {"type": "button", "class": "link"}, "Discard");
          drop.addEventListener("click", function () { forget(item.client_id); });
          li.appendChild(retry); li.appendChild(drop);
        }
        outbox.appendChild(li);
      });
      outbox.hidden = pending.length === 0;
    }
    function forget(clientId) {
      pending = pending.filter(function (i) { return i.client_id !== clientId; });
      save(); renderOutbox();
    }
    function flush() {
      pending.forEach(function (item) {
        if (!item.error) {
          live.send({type: "send", room: roomId, body: item.body, client_id: item.client_id, parent: item.parent || null});
        }
      });
    }
    function messageItem(p) {
      var li = el("li", {"id": "m-" + p.number, "class": "chat-message", "data-message": p.message, "data-number": p.number});
      var meta = el("p", {"class": "meta"});
      var who = el("a", {"href": "/accounts/people/" + encodeURIComponent(p.author.handle) + "/"}, p.author.name);
      meta.appendChild(who);
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(el("time", {"datetime": p.created_at}, new Date(p.created_at).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"})));
      li.appendChild(meta);
      var body = el("div", {"class": "body"});
      body.innerHTML = p.html; // Sanitized on the server when the message was stored.
      li.appendChild(body);
      var actions = el("div", {"class": "actions"});
      actions.appendChild(el("ul", {"class": "reactions", "aria-label": "Reactions"}));
      actions.appendChild(el("a", {"href": "/chat/m/" + p.message + "/", "data-replies": ""}, "Reply in thread"));
      li.appendChild(actions);
      return li;
    }
    function find(messageId) { return log.querySelector('[data-message="' + messageId + '"]'); }
    function onEvent(frame) {
      var p = frame.payload;
      if (frame.type === "reload") { location.reload(); return; }
      if (frame.type === "subscribed") { root.dataset.live = "subscribed"; return; }
      if (frame.type === "signal") { onSignal(frame); return; }
      if (frame.type !== "event") { return; }
      if (frame.event === "message.created") {
        if (p.author.id === me && p.client_id) { forget(p.client_id); }
        if (p.parent) {
          var parent = find(p.parent);
          var link = parent && parent.querySelector("[data-replies]");
          if (link) {
            var n = parseInt((link.textContent.match(/^\d+/) || ["0"])[0], 10) + 1;
            link.textContent = n + (n === 1 ? " reply" : " replies");
          }
          return;
        }
        if (find(p.message)) { return; }
        var empty = log.querySelector("[data-empty]");
        if (empty) { empty.remove(); }
        log.appendChild(messageItem(p));
        delete typers[p.author.id]; renderTyping();
        lastNumber = Math.max(lastNumber, p.number);
        if (document.visibilityState === "visible") { live.send({type: "read", room: roomId, number: lastNumber}); }
      } else if (frame.event === "message.edited" || frame.event === "message.deleted") {
        var item = find(p.message);
        if (!item) { return; }
        var body = item.querySelector(".body, .deleted");
        if (p.is_deleted) {
          var gone = el("p", {"class": "muted deleted"}, "This message was deleted.");
          if (body) { body.replaceWith(gone); }
          var acts = item.querySelector(".actions"); if (acts) { acts.remove(); }
        } else if (body) {
          body.innerHTML = p.html;
          var meta = item.querySelector(".meta");
          if (meta && !meta.querySelector(".edited")) {
            meta.appendChild(document.createTextNode(" · "));
            meta.appendChild(el("span", {"class": "edited"}, "edited"));
          }
        }
      } else if (frame.event === "message.reacted") {
        var target = find(p.message);
        var list = target && target.querySelector(".reactions");
        if (!list) { return; }
        var existing = list.querySelector('[data-kind="' + p.kind + '"]');
        if (!existing) {
          var label = (document.querySelector('[data-react="' + p.kind + '"]') || {}).textContent || p.kind;
          var li = el("li");
          existing = el("span", {"class": "reaction", "data-kind": p.kind});
          existing.appendChild(document.createTextNode(label + " "));
          existing.appendChild(el("span", {"data-count": ""}, "0"));
          li.appendChild(existing); list.appendChild(li);
        }
        existing.querySelector("[data-count]").textContent = String(p.count);
        if (existing.hasAttribute("aria-label")) { existing.setAttribute("aria-label", p.kind + ": " + p.count); }
        if (p.user === me && existing.hasAttribute("aria-pressed")) { existing.setAttribute("aria-pressed", p.on ? "true" : "false"); }
        existing.closest("li").hidden = p.count === 0;
      } else if (frame.event === "room.archived") {
        location.reload();
      }
    }
    function renderTyping() {
      if (!typingEl) { return; }
      var now = Date.now();
      var names = Object.keys(typers).filter(function (k) { return typers[k].until > now; })
        .map(function (k) { return typers[k].name; });
      typingEl.textContent = names.length === 0 ? "" :
        names.join(", ") + (names.length === 1 ? " is typing…" : " are typing…");
    }
    function onSignal(frame) {
      var p = frame.payload;
      if (frame.event === "typing" && p.user !== me) {
        typers[p.user] = {name: p.name, until: Date.now() + 4000};
        renderTyping();
        setTimeout(renderTyping, 4100);
      } else if (frame.event === "presence" && presenceEl) {
        var names = presenceEl.querySelector("[data-online-names]");
        p.left.forEach(function (id) {
          var gone = names.querySelector('[data-person="' + id + '"]');
          if (gone) { gone.remove(); }
        });
        p.joined.forEach(function (person) {
          if (!names.querySelector('[data-person="' + person.id + '"]')) {
            names.appendChild(el("span", {"data-person": person.id}, person.name));
          }
        });
        presenceEl.querySelector("[data-online-count]").textContent = String(p.count);
        presenceEl.hidden = p.count === 0;
      }
    }

    // History loads backwards as the reader scrolls up to the "Older
    // messages" link; the link itself still works without the script.
    var older = root.querySelector("[data-older]");
    var loading = false;
    function loadOlder() {
      if (!older || loading) { return; }
      loading = true;
      fetch(older.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var items = doc.querySelectorAll("[data-messages] > [data-message]");
          var before = document.documentElement.scrollHeight;
          var first = log.firstElementChild;
          items.forEach(function (item) {
            if (!find(item.dataset.message)) { log.insertBefore(document.importNode(item, true), first); }
          });
          window.scrollBy(0, document.documentElement.scrollHeight - before);
          var next = doc.querySelector("[data-older]");
          if (next) { older.href = new URL(next.getAttribute("href"), location.href).href; } else { older.closest("p").remove(); older = null; }
        })
        .catch(function () { /* the link still works */ })
        .then(function () { loading = false; });
    }
    if (!location.hash) {
      // Open at the first unread message, or at the latest one.
      var start = root.querySelector("#first-unread") || log.lastElementChild;
      if (start) { start.scrollIntoView({block: start.id === "first-unread" ? "start" : "end"}); }
    }
    if (older && "IntersectionObserver" in window) {
      new IntersectionObserver(function (entries) {
        if (entries.some(function (e) { return e.isIntersecting; })) { loadOlder(); }
      }).observe(older);
    }

    live.subscribe("room." + roomId, parseInt(root.dataset.sequence || "0", 10), onEvent);
    live.onFrame(function (frame) {
      if (frame.type === "ack" && frame.client_id) { forget(frame.client_id); }
      if (frame.type === "error" && frame.client_id) {
        pending.forEach(function (i) { if (i.client_id === frame.client_id) { i.error = frame.message; } });
        save(); renderOutbox();
      }
    });
    live.onOpen(function () { flush(); });
    renderOutbox();

    if (form) {
      var textarea = form.querySelector("textarea[name=body]");
      var parentInput = form.querySelector("input[name=parent]");
      form.addEventListener("submit", function (event) {
        if (!textarea.value.trim()) { return; } // Let the server say what is wrong.
        event.preventDefault();
        var item = {client_id: newId(), body: textarea.value, parent: parentInput ? parseInt(parentInput.value, 10) : null, error: ""};
        pending.push(item); save(); renderOutbox();
        textarea.value = "";
        lastTyping = 0; // The next keystroke starts a new "typing" signal.
        live.send({type: "send", room: roomId, body: item.body, client_id: item.client_id, parent: item.parent});
      });
      textarea.addEventListener("input", function () {
        var now = Date.now();
        if (now - lastTyping > 2500 && textarea.value.trim()) {
          lastTyping = now;
          live.send({type: "typing", room: roomId});
        }
      });
      textarea.addEventListener("keydown", function (event) {
        if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          form.requestSubmit();
        }
      });
    }
    // Reactions through the socket when it is open; the form posts otherwise.
    root.addEventListener("submit", function (event) {
      var f = event.target;
      if (!f.action || f.action.indexOf("/react/") === -1 || !live.isOpen()) { return; }
      var kind = f.querySelector("input[name=kind]").value;
      var item = f.closest("[data-message]");
      event.preventDefault();
      live.send({type: "react", message: parseInt(item.dataset.message, 10), kind: kind});
      var details = f.closest("details"); if (details) { details.open = false; }
    });
  }

  function start() {
    var room = document.querySelector("[data-chat-room]");
    if (room) { setupRoom(room); }
    document.querySelectorAll("[data-room-list]").forEach(setupList);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();

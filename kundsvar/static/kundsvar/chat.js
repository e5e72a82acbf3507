/* Kundsvar chat, the customer's side (templates/chat/chat.html). Lines are POSTed; what
 * happens comes back as Server-Sent Events (EventSource resends Last-Event-ID after a
 * drop, so nothing is lost), or by polling every few seconds where event streams are
 * blocked. No framework, no build step. */
(function () {
  "use strict";
  var root = document.getElementById("chat");
  if (!root) { return; }
  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var urls = config.urls, words = config.words;
  var KEY = "kundsvar-chat:" + root.getAttribute("data-shop");
  var token = null, last = 0, seen = {}, source = null, polling = null, beat = null;
  var typingSent = 0, typingTimer = null, done = false;
  function $(id) { return document.getElementById(id); }
  var statusLine = $("chat-status"), log = $("chat-log"), typingLine = $("chat-typing");
  var notice = $("chat-notice"), compose = $("chat-compose"), text = $("chat-text");
  try { token = sessionStorage.getItem(KEY); } catch (e) { token = null; }

  function fill(template, name) { return template.replace("%(name)s", name); }
  function say(message) { notice.textContent = message || ""; notice.hidden = !message; }
  function chatUrl(what) { return urls.chat + token + "/" + what + "/"; }

  function post(url, body) {
    return fetch(url, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (json) {
          if (!response.ok) { throw new Error(json.error || words.failed); }
          return json;
        });
      });
  }

  function line(className, content) {
    var item = document.createElement("li");
    item.className = className;
    item.appendChild(content);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
    return item;
  }

  function addMessage(m) {
    if (seen[m.id]) { return; }
    seen[m.id] = true;
    var body = document.createElement("div");
    var who = document.createElement("strong");
    who.textContent = m.direction === "in" ? words.you : (m.author || words.shop);
    body.appendChild(who);
    var words_ = document.createElement("p");
    words_.textContent = m.text;
    body.appendChild(words_);
    (m.files || []).forEach(function (f) {
      var file = document.createElement(f.url ? "a" : "p");
      file.className = "chat-file-name";
      file.textContent = "\uD83D\uDCCE " + (f.name || f);
      if (f.url) { file.href = f.url; file.setAttribute("download", f.name); file.rel = "noopener"; }
      body.appendChild(file);
    });
    line("chat-msg chat-" + m.direction, body);
    if (m.direction === "out") { typingLine.hidden = true; }
  }

  function event(message) {
    var p = document.createElement("p");
    p.textContent = message;
    line("chat-event", p);
  }

  function queue(q) {
    if (!q || done) { return; }
    statusLine.textContent = q.text;
    $("chat-alternatives").hidden = !q.long;
  }

  function finish(kind) {
    done = true;
    statusLine.textContent = kind === "left" ? words.left : words.ended;
    compose.hidden = true;
    $("chat-end").hidden = true;
    $("chat-alternatives").hidden = true;
    typingLine.hidden = true;
    try { sessionStorage.removeItem(KEY); } catch (e) { /* private mode */ }
  }

  function handle(e) {
    if (e.seq) { last = Math.max(last, e.seq); }
    if (e.kind === "message") { addMessage(e); }
    else if (e.kind === "typing") {
      typingLine.textContent = fill(words.typing, e.who || words.someone);
      typingLine.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingLine.hidden = true; }, 4000);
    } else if (e.kind === "queue") { queue(e); }
    else if (e.kind === "state") {
      if (e.state === "waiting") { queue(e.queue); }
      else if (e.state === "active" && !done) {
        statusLine.textContent = fill(words.transferred, e.agent_name);
        $("chat-alternatives").hidden = true;
      } else if (e.state === "ended" || e.state === "left") { finish(e.state); }
    } else if (e.kind === "accepted" || e.kind === "transferred") {
      var message = fill(words[e.kind], e.agent_name);
      statusLine.textContent = message;
      event(message);
      $("chat-alternatives").hidden = true;
    } else if (e.kind === "ended" || e.kind === "left") {
      if (!done) { event(e.kind === "left" ? words.left : words.ended); }
      finish(e.kind);
    }
  }

  function poll() {
    if (polling) { return; }
    function tick() {
      fetch(chatUrl("poll") + "?after=" + last, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (json) { (json.events || []).forEach(handle); })
        .catch(function () { /* next tick */ });
    }
    tick();
    polling = setInterval(tick, 2500);
  }

  function listen() {
    if (!window.EventSource) { poll(); return; }
    var heard = false;
    source = new EventSource(chatUrl("events") + "?after=" + last);
    // The server speaks at once (the chat's state): silence means a proxy holds it back.
    var silence = setTimeout(function () { if (!heard) { source.close(); poll(); } }, 8000);
    source.onmessage = function (m) {
      heard = true;
      clearTimeout(silence);
      say("");
      handle(JSON.parse(m.data));
    };
    source.onerror = function () {
      if (!heard || source.readyState === 2) {
        clearTimeout(silence);
        source.close();
        poll();
      } else { say(words.reconnecting); }
    };
  }

  function heartbeat() {
    post(chatUrl("heartbeat"), new FormData()).then(handle).catch(function () { /* later */ });
  }

  function begin() {
    var start = $("chat-start");
    if (start) { start.hidden = true; }
    $("chat-live").hidden = false;
    listen();
    beat = setInterval(heartbeat, 30000);
    text.focus();
  }

  var start = $("chat-start");
  if (start) {
    start.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!$("chat-first").value.trim()) { $("chat-first").focus(); return; }
      var data = new FormData(start);
      data.append("t", root.getAttribute("data-link") || "");
      var button = start.querySelector("button");
      button.disabled = true;
      post(urls.start + "?lang=" + config.lang, data).then(function (json) {
        token = json.token;
        try { sessionStorage.setItem(KEY, token); } catch (err) { /* private mode */ }
        say("");
        begin();
      }).catch(function (err) { say(err.message); }).then(function () { button.disabled = false; });
    });
  }

  compose.addEventListener("submit", function (e) {
    e.preventDefault();
    var file = $("chat-file");
    if (!text.value.trim() && !(file.files && file.files.length)) { return; }
    var data = new FormData(compose);
    text.value = "";
    file.value = "";
    post(chatUrl("send"), data).then(function () { say(""); }).catch(function (err) {
      say(err.message);
      text.value = data.get("text") || "";
    });
  });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); compose.requestSubmit(); }
  });
  text.addEventListener("input", function () {
    var now = Date.now();
    if (token && now - typingSent > 2500) {
      typingSent = now;
      post(chatUrl("typing"), new FormData()).catch(function () { /* only a hint */ });
    }
  });
  $("chat-end").addEventListener("click", function () {
    if (window.confirm(words.confirm_end)) {
      post(chatUrl("end"), new FormData()).catch(function (err) { say(err.message); });
    }
  });

  // Leave a message, call me back, the transcript: with the chat when there is one.
  Array.prototype.forEach.call(root.querySelectorAll("form[data-action]"), function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var action = form.getAttribute("data-action");
      var data = new FormData(form);
      data.append("t", root.getAttribute("data-link") || "");
      var url = token ? chatUrl(action) : urls[action] + "?lang=" + config.lang;
      post(url, data).then(function (json) {
        say("");
        if (action === "transcript") { form.parentNode.open = false; event(json.text); return; }
        statusLine.textContent = json.text;
        $("chat-alternatives").hidden = true;
        if (start) { start.hidden = true; }
        if (token) { finish(action === "leave" ? "left" : "ended"); statusLine.textContent = json.text; }
      }).catch(function (err) { say(err.message); });
    });
  });

  if (token) { begin(); }
})();

/* Kundsvar chat inbox for agents (templates/chat/inbox.html): the shop's chats live by
 * Server-Sent Events (or polling where blocked), several chats open side by side, a
 * sound and the tab title for a new chat. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("chat-agent-config").textContent);
  var urls = config.urls, words = config.words, me = config.me, last = config.last;
  var chats = {}, panes = {}, unread = 0, baseTitle = document.title, polling = null;
  var csrf = (document.cookie.match(/(?:^|; )csrftoken=([^;]+)/) || [])[1] || "";
  config.chats.forEach(function (c) { chats[c.chat] = c; });
  function $(id) { return document.getElementById(id); }
  function fill(template, name) { return template.replace("%(name)s", name); }

  function post(url, data) {
    return fetch(url, {
      method: "POST", body: data || new FormData(), credentials: "same-origin",
      headers: { "X-CSRFToken": csrf }
    }).then(function (r) {
      return r.json().then(function (json) {
        if (!r.ok) { throw new Error(json.error || r.statusText); }
        return json;
      });
    });
  }

  function beep() {
    try {
      var ctx = beep.ctx || (beep.ctx = new (window.AudioContext || window.webkitAudioContext)());
      var tone = ctx.createOscillator(), gain = ctx.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.08;
      tone.connect(gain);
      gain.connect(ctx.destination);
      tone.start();
      tone.stop(ctx.currentTime + 0.18);
    } catch (e) { /* no sound here */ }
  }
  function notify() {
    beep();
    if (document.hidden || !document.hasFocus()) {
      unread += 1;
      document.title = "(" + unread + ") " + baseTitle;
    }
  }
  function seen() { unread = 0; document.title = baseTitle; }
  window.addEventListener("focus", seen);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { seen(); } });

  function item(c) {
    var li = document.createElement("li");
    li.setAttribute("data-chat", c.chat);
    var label = document.createElement("span");
    label.textContent = c.name || words.customer;
    var small = document.createElement("small");
    small.textContent = c.state === "active" ? fill(words["with"], c.agent_name) : c.subject;
    label.appendChild(small);
    li.appendChild(label);
    if (c.state === "waiting") {
      var take = document.createElement("button");
      take.type = "button";
      take.textContent = words.take;
      take.addEventListener("click", function (e) { e.stopPropagation(); accept(c.chat); });
      li.appendChild(take);
    }
    if (c.unread) { li.className = "unread"; }
    li.addEventListener("click", function () { open(c.chat); });
    return li;
  }

  function renderList() {
    var waiting = $("chat-waiting"), active = $("chat-active");
    waiting.textContent = "";
    active.textContent = "";
    var all = Object.keys(chats).map(function (k) { return chats[k]; });
    all.sort(function (a, b) { return a.started_at < b.started_at ? -1 : 1; });
    all.forEach(function (c) { (c.state === "waiting" ? waiting : active).appendChild(item(c)); });
    $("chat-waiting-count").textContent = waiting.children.length ? "(" + waiting.children.length + ")" : "";
  }

  function accept(id) {
    post(urls.pane + chats[id]["case"] + "/accept/").then(function () { open(id); })
      .catch(function (err) { window.alert(err.message); });
  }

  function scroll(pane) { var log = pane.querySelector("[data-log]"); log.scrollTop = log.scrollHeight; }

  function open(id) {
    var c = chats[id];
    if (panes[id]) { panes[id].querySelector("textarea") && panes[id].querySelector("textarea").focus(); return; }
    if (!c) { return; }
    c.unread = false;
    renderList();
    fetch(urls.pane + c["case"] + "/", { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        if (panes[id]) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var pane = holder.firstElementChild;
        panes[id] = pane;
        $("chat-empty").hidden = true;
        $("chat-panes").appendChild(pane);
        wire(pane, id);
        scroll(pane);
      });
  }

  function wire(pane, id) {
    var base = urls.pane + pane.getAttribute("data-case") + "/";
    var compose = pane.querySelector("[data-compose]"), typed = 0;
    if (compose) {
      var text = compose.querySelector("textarea");
      var file = compose.querySelector("[data-file]");
      compose.addEventListener("submit", function (e) {
        e.preventDefault();
        var withFile = file && file.files && file.files.length;
        if (!text.value.trim() && !withFile) { return; }
        var data = new FormData(compose);
        text.value = "";
        if (file) { file.value = ""; }
        post(base + "send/", data).catch(function (err) {
          text.value = data.get("text");
          window.alert(err.message);
        });
      });
      text.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); compose.requestSubmit(); }
      });
      text.addEventListener("input", function () {
        if (Date.now() - typed > 2500) { typed = Date.now(); post(base + "typing/").catch(function () {}); }
      });
      var saved = compose.querySelector("[data-saved]");
      if (saved) {
        saved.addEventListener("change", function () {
          if (saved.value) { text.value = (text.value ? text.value + "\n" : "") + saved.value; text.focus(); }
          saved.value = "";
        });
      }
      var take = compose.querySelector("[data-accept]");
      if (take) { take.addEventListener("click", function () { accept(id); }); }
    }
    var transfer = pane.querySelector("[data-transfer]");
    if (transfer) {
      transfer.addEventListener("submit", function (e) {
        e.preventDefault();
        post(base + "transfer/", new FormData(transfer)).catch(function (err) { window.alert(err.message); });
      });
    }
    var end = pane.querySelector("[data-end]");
    if (end) {
      end.addEventListener("click", function () {
        if (window.confirm(words.confirm_end)) { post(base + "end/").catch(function (err) { window.alert(err.message); }); }
      });
    }
    pane.querySelector("[data-close]").addEventListener("click", function () {
      pane.remove();
      delete panes[id];
      $("chat-empty").hidden = Object.keys(panes).length > 0;
    });
  }

  function line(pane, className, node) {
    var li = document.createElement("li");
    li.className = className;
    li.appendChild(node);
    pane.querySelector("[data-log]").appendChild(li);
    scroll(pane);
    return li;
  }

  function addMessage(e) {
    var pane = panes[e.chat];
    if (!pane) {
      if (e.direction === "in" && chats[e.chat] && chats[e.chat].agent === me) {
        chats[e.chat].unread = true;
        renderList();
        notify();
      }
      return;
    }
    if (pane.querySelector('[data-message="' + e.id + '"]')) { return; }
    var body = document.createElement("div");
    var who = document.createElement("strong");
    who.textContent = e.direction === "in" ? (chats[e.chat] || {}).name || words.customer : e.author;
    body.appendChild(who);
    var p = document.createElement("p");
    p.textContent = e.text;
    body.appendChild(p);
    (e.files || []).forEach(function (f) {
      var a = document.createElement("a");
      a.href = urls.attachment.replace("/1/attachments/2/", "/" + e["case"] + "/attachments/" + f.id + "/");
      a.textContent = "\uD83D\uDCCE " + f.name;
      a.target = "_blank";
      body.appendChild(a);
    });
    line(pane, "chat-msg chat-" + e.direction, body).setAttribute("data-message", e.id);
    pane.querySelector("[data-typing]").hidden = true;
    if (e.direction === "in" && (document.hidden || !document.hasFocus())) { notify(); }
  }

  function stateChanged(e, message) {
    var pane = panes[e.chat];
    if (!pane) { return; }
    pane.querySelector("[data-state-line]").textContent = message;
    var take = pane.querySelector("[data-accept]");
    if (take && e.state !== "waiting") { take.remove(); }
    if (e.state === "ended" || e.state === "left") {
      var compose = pane.querySelector("[data-compose]");
      if (compose) { compose.querySelector("textarea").disabled = true; }
      var p = document.createElement("p");
      p.textContent = message;
      line(pane, "chat-event", p);
    }
  }

  function handle(e) {
    if (e.seq) { last = Math.max(last, e.seq); }
    if (e.kind === "chat_started") { chats[e.chat] = e; renderList(); notify(); }
    else if (e.kind === "accepted" || e.kind === "transferred") {
      chats[e.chat] = Object.assign(chats[e.chat] || {}, e);
      renderList();
      stateChanged(e, fill(words[e.kind], e.agent_name));
      if (e.kind === "transferred" && e.agent === me) { notify(); open(e.chat); }
    } else if (e.kind === "ended" || e.kind === "left") {
      delete chats[e.chat];
      renderList();
      stateChanged(e, words[e.kind]);
    } else if (e.kind === "message") { addMessage(e); }
    else if (e.kind === "typing" && panes[e.chat]) {
      var typing = panes[e.chat].querySelector("[data-typing]");
      typing.hidden = false;
      clearTimeout(typing.timer);
      typing.timer = setTimeout(function () { typing.hidden = true; }, 4000);
    }
  }

  function poll() {
    if (polling) { return; }
    $("chat-connection").textContent = words.polling;
    function tick() {
      fetch(urls.poll + "&after=" + last, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (json) { (json.events || []).forEach(handle); })
        .catch(function () { /* next tick */ });
    }
    polling = setInterval(tick, 2500);
    tick();
  }

  function listen() {
    if (!window.EventSource) { poll(); return; }
    var opened = false;
    var source = new EventSource(urls.events + "&after=" + last);
    var silence = setTimeout(function () { if (!opened) { source.close(); poll(); } }, 8000);
    source.onopen = function () { opened = true; clearTimeout(silence); $("chat-connection").textContent = words.connected; };
    source.onmessage = function (m) { handle(JSON.parse(m.data)); };
    source.onerror = function () {
      if (!opened || source.readyState === 2) { clearTimeout(silence); source.close(); poll(); }
      else { $("chat-connection").textContent = words.reconnecting; }
    };
  }

  var availability = $("availability");
  function report() {
    var data = new FormData();
    data.append("availability", availability.value);
    return post(urls.availability, data).catch(function () { /* next time */ });
  }
  availability.addEventListener("change", report);
  report();
  setInterval(report, 30000);

  renderList();
  listen();
  Object.keys(chats).forEach(function (id) { if (chats[id].agent === me) { open(id); } });
})();

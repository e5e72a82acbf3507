// The bell: its count and latest notifications come live on the agent's own event
// stream (kundsvar.live); a browser notification too, once the agent has turned them on
// with a click (the browser asks for permission only then, never on page load).
(function () {
  "use strict";
  const FLAG = "kundsvar.browserNotifications";
  let source = null;

  function wanted() {
    return "Notification" in window && Notification.permission === "granted" &&
      localStorage.getItem(FLAG) === "on";
  }

  function setCount(n) {
    document.querySelectorAll("#bell [data-unread]").forEach((el) => {
      el.textContent = String(n);
      el.classList.toggle("zero", !n);
    });
  }

  function reload() {
    const bell = document.getElementById("bell");
    if (bell && !bell.open && window.htmx && bell.dataset.url) {
      window.htmx.ajax("GET", bell.dataset.url, { target: "#bell", swap: "outerHTML" });
    }
  }

  function pop(data) {
    if (!wanted()) return;
    const note = new Notification(data.title, { body: data.text || "", tag: "kundsvar-" + data.id });
    note.onclick = () => { window.focus(); location.href = data.url; };
  }

  let last = 0;
  function handle(data) {
    if (data.seq) last = Math.max(last, data.seq);
    if (typeof data.unread === "number") setCount(data.unread);
    if (data.kind === "notification") { pop(data); reload(); }
  }

  // Behind something that blocks event streams (or a server without them): ask every 15 s.
  function poll(url) {
    setInterval(() => {
      fetch(url + "?after=" + last, { credentials: "same-origin" })
        .then((r) => r.json()).then((d) => { d.events.forEach(handle); last = d.last; })
        .catch(() => {});
    }, 15000);
  }

  function listen() {
    const bell = document.getElementById("bell");
    if (source || !bell || !bell.dataset.events) return;
    last = Number(bell.dataset.last || "0");
    if (!("EventSource" in window)) { source = "polling"; poll(bell.dataset.poll); return; }
    source = new EventSource(bell.dataset.events + "?after=" + last);
    let opened = false, failures = 0;
    source.onopen = () => { opened = true; };
    source.onerror = () => {
      if (!opened && ++failures >= 2) { source.close(); poll(bell.dataset.poll); }
    };
    source.onmessage = (event) => handle(JSON.parse(event.data));
  }

  function showState() {
    const supported = "Notification" in window;
    document.querySelectorAll("[data-browser-notifications]").forEach((button) => {
      button.hidden = !supported || wanted();
    });
    document.querySelectorAll("[data-browser-state]").forEach((el) => {
      if (!supported) el.textContent = el.dataset.unsupported || "";
      else if (wanted()) el.textContent = "✓";
    });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-browser-notifications]");
    if (!button || !("Notification" in window)) return;
    Notification.requestPermission().then((answer) => {
      localStorage.setItem(FLAG, answer === "granted" ? "on" : "off");
      showState();
    });
  });
  document.addEventListener("htmx:afterSwap", listen);
  document.addEventListener("DOMContentLoaded", () => { listen(); showState(); });
})();

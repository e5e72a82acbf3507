// The case page's live collision notice: "Anna is viewing / typing a reply" from the
// case's event stream (kundsvar.live signals). The page says where its agent is: on
// opening (asking the others to answer), every 20 s, while typing (at most every 3 s)
// and on leaving. Without event streams the polled notice (#presence) still shows who
// had the case open.
(function () {
  "use strict";
  const box = document.getElementById("live-people");
  if (!box || !("EventSource" in window)) return;
  const me = Number(box.dataset.me);
  const csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  const people = new Map(); // agent id → {name, state, seenUntil, typingUntil}
  const SEEN_MS = 45000, TYPING_MS = 6000, HEARTBEAT_MS = 20000, TYPING_EVERY_MS = 3000;

  function post(state, hello) {
    const body = new FormData();
    body.append("state", state);
    body.append("csrfmiddlewaretoken", csrf);
    if (hello) body.append("hello", "1");
    return fetch(box.dataset.here, { method: "POST", body, credentials: "same-origin", keepalive: true })
      .catch(() => {});
  }

  function render() {
    const now = Date.now();
    const lines = [];
    for (const [id, p] of people) {
      if (p.seenUntil < now && p.typingUntil < now) { people.delete(id); continue; }
      const words = p.typingUntil >= now ? box.dataset[p.state] : box.dataset.viewing;
      lines.push(words.replace("{name}", p.name));
    }
    const text = lines.join(" · ");
    if (box.textContent !== text) box.textContent = text;
  }

  const source = new EventSource(box.dataset.events);
  let greeted = false;
  let failures = 0;
  source.onerror = () => {
    // No event streams here (a plain WSGI server, a proxy): the polled notice stays.
    if (!greeted && ++failures >= 2) source.close();
  };
  source.onopen = () => {
    const polled = document.getElementById("presence");
    if (polled) polled.classList.add("live-on");
    if (!greeted) { greeted = true; post("viewing", true); }
  };
  source.onmessage = (event) => {
    const d = JSON.parse(event.data);
    if (!d.agent || d.agent === me) return;
    const now = Date.now();
    if (d.kind === "left") {
      people.delete(d.agent);
    } else {
      const p = people.get(d.agent) || { name: d.name, state: "viewing", seenUntil: 0, typingUntil: 0 };
      p.name = d.name;
      p.seenUntil = now + SEEN_MS;
      if (d.kind === "typing" || d.kind === "noting") { p.state = d.kind; p.typingUntil = now + TYPING_MS; }
      people.set(d.agent, p);
      if (d.kind === "viewing" && d.hello) post("viewing");
    }
    render();
  };
  setInterval(render, 1000);
  setInterval(() => { if (!document.hidden) post("viewing"); }, HEARTBEAT_MS);
  window.addEventListener("pagehide", () => { post("left"); source.close(); });

  let lastTyped = 0;
  document.addEventListener("input", (event) => {
    const form = event.target.closest("#reply, #note");
    if (!form || event.target.tagName !== "TEXTAREA") return;
    const now = Date.now();
    if (now - lastTyped < TYPING_EVERY_MS) return;
    lastTyped = now;
    post(form.id === "note" ? "noting" : "typing");
  });
})();

// Keyboard shortcuts and the composer's saved replies. Plain JS, no build step.
(function () {
  "use strict";
  const typing = (el) => el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  const rows = () => Array.from(document.querySelectorAll("#queue-rows tr.row"));
  let current = -1;

  function move(step) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(all.length - 1, current + step));
    all.forEach((row, i) => row.classList.toggle("current", i === current));
    all[current].scrollIntoView({ block: "nearest" });
  }

  function submit(id) {
    const form = document.getElementById(id);
    if (form) form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  // On the queue, "a" and "e" act on the chosen row through the bulk form.
  function onRow(action) {
    const row = rows()[current];
    const form = document.getElementById("bulk");
    if (!row || !form) return;
    form.querySelectorAll("input[name=cases]").forEach((box) => { box.checked = false; });
    row.querySelector("input[name=cases]").checked = true;
    form.querySelector("select[name=action]").value = action;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }

  function focus(selector) {
    const el = document.querySelector(selector);
    if (el) { el.focus(); el.scrollIntoView({ block: "center" }); }
  }

  let pending = ""; // the first key of a two-key shortcut ("g q")
  document.addEventListener("keydown", (event) => {
    if (event.metaKey || event.ctrlKey || event.altKey || typing(event.target)) return;
    if (document.querySelector("dialog[open]")) return; // the dialog has the keys
    if (pending === "g") {
      pending = "";
      if (event.key === "q") { event.preventDefault(); location.href = "/cases/"; }
      return;
    }
    if (event.key === "g") { pending = "g"; setTimeout(() => { pending = ""; }, 1500); return; }
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      o: () => { const row = rows()[current]; if (row) location.href = row.dataset.href; },
      Enter: () => { const row = rows()[current]; if (row) location.href = row.dataset.href; },
      r: () => focus("#reply textarea"),
      n: () => focus("#note textarea"),
      a: () => (document.getElementById("assign-me") ? submit("assign-me") : onRow("assign_me")),
      e: () => (document.getElementById("close") ? submit("close") : onRow("close")),
      s: () => focus("#snooze select[name=until]"),
      "/": () => {
        const search = document.querySelector("form.filters input[type=search]");
        if (search) { search.focus(); search.select(); return; }
        const open = document.querySelector("[data-open-palette]");
        if (open) open.click(); else document.dispatchEvent(new KeyboardEvent("keydown", { key: "k", ctrlKey: true }));
      },
      u: () => { location.href = "/cases/"; },
      "?": () => { const help = document.getElementById("shortcuts"); if (help) help.showModal(); },
    };
    const action = actions[event.key];
    if (action) { event.preventDefault(); action(); }
  });

  // Saved replies go in at the cursor; the ids go with the form so the server can warn
  // when one is sent without being adapted to the customer's question (rule R6).
  document.addEventListener("click", (event) => {
    const chip = event.target.closest("[data-saved-reply]");
    if (!chip) return;
    // FAQ articles (knowledge panel) sit beside the composer, not inside it.
    const form = chip.closest("form") || document.getElementById("reply");
    if (!form) return;
    const box = form.querySelector("textarea");
    const start = box.selectionStart ?? box.value.length;
    const end = box.selectionEnd ?? box.value.length;
    box.value = box.value.slice(0, start) + chip.dataset.text + box.value.slice(end);
    box.selectionStart = box.selectionEnd = start + chip.dataset.text.length;
    box.focus();
    const inserted = form.querySelector("input[name=inserted]");
    const ids = inserted.value ? inserted.value.split(",") : [];
    ids.push(chip.dataset.savedReply);
    inserted.value = ids.join(",");
  });

  // "Preview email" only while the answer goes by email (not by SMS, chat or Messenger).
  document.addEventListener("change", (event) => {
    if (!event.target.matches("#reply select[name=channel]")) return;
    const preview = document.querySelector("#reply [data-preview-email]");
    const option = event.target.selectedOptions[0];
    if (preview) preview.hidden = !(option && "byEmail" in option.dataset);
    if (preview && preview.hidden) document.getElementById("preview").replaceChildren();
  });

  document.addEventListener("change", (event) => {
    if (!event.target.matches("[data-check-all]")) return;
    document.querySelectorAll("#queue-rows input[type=checkbox]")
      .forEach((box) => { box.checked = event.target.checked; });
  });
})();

// The bulk bar shows only when cases are chosen, with how many; Ctrl+Enter sends the
// reply; Ctrl+K opens the command palette (go to a case, search cases or customers,
// switch view).
(function () {
  "use strict";
  function syncBulk() {
    const bar = document.querySelector(".bulk-bar");
    if (!bar) return;
    const chosen = document.querySelectorAll("#queue-rows input[name=cases]:checked").length;
    bar.classList.toggle("active", chosen > 0);
    const count = bar.querySelector(".bulk-count");
    if (count) count.textContent = chosen ? String(chosen) : "";
  }
  document.addEventListener("change", syncBulk);
  document.addEventListener("htmx:afterSwap", syncBulk);
  document.addEventListener("DOMContentLoaded", syncBulk);

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && event.target.closest("#reply")) {
      event.preventDefault();
      const send = document.querySelector("#reply button[name=then_submit]");
      if (send) send.click();
    }
  });

  const palette = document.getElementById("palette");
  if (!palette) return;
  const input = palette.querySelector("input");
  const list = palette.querySelector("ul");
  const fixed = Array.from(list.querySelectorAll("li")).map((li) => ({
    label: li.textContent.trim(), href: li.dataset.href,
  }));

  function choices(text) {
    const q = text.trim();
    const found = [];
    if (/^#?\d+$/.test(q)) found.push({ label: palette.dataset.goCase.replace("%s", q.replace("#", "")), href: "/cases/" + q.replace("#", "") + "/" });
    if (q) {
      // Every view, customers, orders by number and FAQ articles (search/results.html).
      found.push({ label: palette.dataset.searchEverywhere.replace("%s", q), href: palette.dataset.searchUrl + "?q=" + encodeURIComponent(q) });
      found.push({ label: palette.dataset.searchCases.replace("%s", q), href: "/cases/?q=" + encodeURIComponent(q) });
      found.push({ label: palette.dataset.searchCustomers.replace("%s", q), href: "/customers/?q=" + encodeURIComponent(q) });
    }
    const lower = q.toLowerCase();
    return found.concat(fixed.filter((c) => !lower || c.label.toLowerCase().includes(lower)));
  }

  function render() {
    list.replaceChildren(...choices(input.value).map((c, i) => {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = c.href; a.textContent = c.label;
      if (i === 0) a.classList.add("current");
      li.append(a);
      return li;
    }));
  }

  function open() { render(); palette.showModal(); input.select(); }
  input.addEventListener("input", render);
  input.addEventListener("keydown", (event) => {
    const links = Array.from(list.querySelectorAll("a"));
    const at = links.findIndex((a) => a.classList.contains("current"));
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const next = Math.max(0, Math.min(links.length - 1, at + (event.key === "ArrowDown" ? 1 : -1)));
      links.forEach((a, i) => a.classList.toggle("current", i === next));
    } else if (event.key === "Enter" && links[at]) {
      event.preventDefault();
      location.href = links[at].href;
    }
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "k") {
      event.preventDefault();
      open();
    }
  });
  document.querySelectorAll("[data-open-palette]").forEach((b) => b.addEventListener("click", open));
})();

// Inline controls on the case page: assignee, status and language apply on change (the
// buttons stay for browsers without scripts and are hidden otherwise).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("change", (event) => {
    const form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.matches("select")) form.requestSubmit ? form.requestSubmit() : form.submit();
  });
  // Tags save themselves (htmx, on change) when the agent leaves the field; Enter leaves it.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("#tags input[name=tags]")) {
      event.preventDefault();
      event.target.blur();
    }
  });
})();

// The case page's side panel in tabs (orders and answers, customer, earlier cases,
// history): one shown at a time, arrow keys between the tabs, the agent's last choice
// remembered, except where the page asks for a tab (data-tab-open: a phone case opens on
// its call log). Without scripts every panel shows, one under the other.
(function () {
  "use strict";
  const KEY = "kundsvar.caseTab";
  document.querySelectorAll("[data-tabs]").forEach((box) => {
    const tabs = Array.from(box.querySelectorAll("[role=tab]"));
    function show(tab, focus, remember = true) {
      tabs.forEach((t) => {
        const on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        t.tabIndex = on ? 0 : -1;
        document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      });
      if (focus) tab.focus();
      if (!remember) return;
      try { localStorage.setItem(KEY, tab.id); } catch (e) { /* private mode */ }
    }
    let saved = null;
    try { saved = localStorage.getItem(KEY); } catch (e) { /* private mode */ }
    const asked = tabs.find((t) => t.id === box.dataset.tabOpen);
    show(asked || tabs.find((t) => t.id === saved) || tabs[0], false, false);
    box.classList.add("tabs-on");
    box.addEventListener("click", (event) => {
      const tab = event.target.closest("[role=tab]");
      if (tab) show(tab, false);
    });
    box.addEventListener("keydown", (event) => {
      const at = tabs.indexOf(event.target);
      if (at < 0) return;
      const step = { ArrowRight: 1, ArrowLeft: -1, Home: -at, End: tabs.length - 1 - at }[event.key];
      if (step === undefined) return;
      event.preventDefault();
      show(tabs[(at + step + tabs.length) % tabs.length], true);
    });
  });
})();

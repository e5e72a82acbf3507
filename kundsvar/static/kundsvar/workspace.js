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

  function focus(selector) {
    const el = document.querySelector(selector);
    if (el) { el.focus(); el.scrollIntoView({ block: "center" }); }
  }

  document.addEventListener("keydown", (event) => {
    if (event.metaKey || event.ctrlKey || event.altKey || typing(event.target)) return;
    const actions = {
      j: () => move(1),
      k: () => move(-1),
      o: () => { const row = rows()[current]; if (row) location.href = row.dataset.href; },
      Enter: () => { const row = rows()[current]; if (row) location.href = row.dataset.href; },
      r: () => focus("#reply textarea"),
      n: () => focus("#note textarea"),
      a: () => submit("assign-me"),
      e: () => submit("close"),
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

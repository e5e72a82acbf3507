// Small behaviours every page has, as a file: the Content-Security-Policy allows no inline
// event handlers. A read-only field (a secret, an address to copy) selects itself when
// clicked; a form with data-confirm asks before it is sent.
document.addEventListener("click", (event) => {
  const field = event.target.closest("input[readonly]");
  if (field) field.select();
});
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-confirm]");
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// Dialogs (the design system's confirmation sheets): what htmx loads into a dialog.sheet
// (a link or form with hx-target inside it) opens the dialog; [data-close-dialog] closes
// it; a click on the backdrop too. Without scripts the same link or form is a page.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  const dialog = target && target.closest && target.closest("dialog.sheet");
  if (!dialog) return;
  if (!dialog.open) dialog.showModal();
  const first = dialog.querySelector("[autofocus], .dialog-actions button, input:not([type=hidden])");
  if (first) first.focus();
});
document.addEventListener("click", (event) => {
  const close = event.target.closest("[data-close-dialog]");
  if (close) { close.closest("dialog").close(); return; }
  if (!event.target.matches("dialog.sheet[open]")) return;
  const box = event.target.getBoundingClientRect(); // the backdrop, not the sheet's padding
  const inside = event.clientX >= box.left && event.clientX <= box.right &&
    event.clientY >= box.top && event.clientY <= box.bottom;
  if (!inside) event.target.close();
});

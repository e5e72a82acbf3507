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

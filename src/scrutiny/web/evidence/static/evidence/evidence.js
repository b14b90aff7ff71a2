// The note form, enhanced: a suggested tag's button ticks (or unticks) the matching
// checkbox instead of submitting the form, and shows whether it is ticked. Without this
// file the button submits the form, which comes back with the tag ticked.

const form = document.querySelector("form[data-note-form]");
if (form) enhance(form);

function enhance(form) {
  const box = (field, value) =>
    [...form.querySelectorAll(`input[type=checkbox][name="${field}"]`)].find((b) => b.value === value);

  // Buttons reflect the boxes, including after the person ticks a box by hand and after
  // htmx brings new suggestions.
  function sync() {
    for (const button of form.querySelectorAll("button[data-accept]")) {
      const target = box(button.dataset.accept, button.dataset.value);
      if (target) button.setAttribute("aria-pressed", String(target.checked));
    }
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-accept]");
    if (!button) return;
    const target = box(button.dataset.accept, button.dataset.value);
    if (!target) return;
    event.preventDefault();
    target.checked = !target.checked;
    target.dispatchEvent(new Event("change", { bubbles: true }));
    sync();
  });
  form.addEventListener("change", (event) => {
    if (event.target.matches("input[type=checkbox]")) sync();
  });
  document.body.addEventListener("htmx:afterSettle", sync);
  sync();
}

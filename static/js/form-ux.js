// The entry form on a phone: money typed as "2.500.000", an error that goes away once its field is
// fixed, and "Thêm chi tiết" (the folded optional fields) opened when one of them holds a value.
import { kindSchema, fieldProblem } from "./form-data.js";
import { onPage } from "./pwa-common.js";
import { wireMoneyInputs } from "./money-input.js";

/** Whether an input holds something a person typed or chose. */
function hasValue(input) {
  if (input.type === "checkbox" || input.type === "radio") return input.checked;
  if (input.type === "file" || input.type === "hidden") return false;
  return String(input.value || "").trim() !== "";
}

/** Open the fold when a script filled one of its fields (a draft resumed, a record being fixed). */
function openFoldWithValues(form) {
  const fold = form.querySelector("[data-more-details]");
  if (fold && !fold.open && Array.from(fold.querySelectorAll("input, select, textarea")).some(hasValue)) {
    fold.open = true;
  }
}

/** Clear a field's error as soon as the phone's own check of that field passes. */
function clearFixedError(form, schema, target) {
  const field = target.closest && target.closest(".field.has-error");
  const name = field && field.dataset.field;
  if (!name || name === "photos" || fieldProblem(form, schema, name)) return;
  field.classList.remove("has-error");
  const slot = field.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
  if (slot) {
    slot.textContent = "";
    slot.hidden = true;
  }
  if (!form.querySelector(".has-error")) {
    form.querySelectorAll("[data-outbox-form-error]").forEach((box) => { box.hidden = true; });
  }
}

/** Wire the entry form once. */
function wire(form) {
  if (form.dataset.formUx) return;
  form.dataset.formUx = "1";
  const schema = kindSchema();
  wireMoneyInputs(form);
  const onChange = (event) => {
    if (event.target === form) openFoldWithValues(form);
    else if (schema) clearFixedError(form, schema, event.target);
  };
  form.addEventListener("input", onChange);
  form.addEventListener("change", onChange);
}

// The entry form now and after every htmx swap.
onPage((root) => {
  const form = root.getElementById("entry-form");
  if (form) wire(form);
});

// The entry form and the API's `data`: read with JSON types, check, fill back, show errors.
import { el, t } from "./pwa-common.js";

const NOT_DATA = new Set(["csrf_token", "uuid", "revision"]);

/** The kind's data schema (rendered by the server beside the form). */
export function kindSchema() {
  const node = document.getElementById("pwa-kind-schema");
  return node ? JSON.parse(node.textContent) : null;
}

/** The checkboxes of a multi-choice field. */
function boxes(form, name) {
  return Array.from(form.querySelectorAll(`input[type=checkbox][name="${CSS.escape(name)}"]`));
}

/** A money input (static/js/money-input.js formats it as "2.500.000"). */
function isMoney(input) {
  return Boolean(input && input.dataset && "money" in input.dataset);
}

/** "2.500.000" (or "2500000") as digits; anything else is left for the whole-number check to refuse. */
function moneyDigits(raw) {
  const text = raw.replace(/\s+/g, "");
  return /^\d{1,3}(\.\d{3})+$/.test(text) ? text.replace(/\./g, "") : text;
}

/** One field's value typed as the API wants it; {error} when it cannot be. */
function readField(form, name, prop, required) {
  const checks = boxes(form, name);
  if (prop.type === "array") {
    const chosen = checks.filter((box) => box.checked).map((box) => box.value);
    return required && !chosen.length ? { error: t("required") } : { value: chosen };
  }
  const input = form.elements.namedItem(name);
  const raw = String(input.value == null ? "" : input.value);
  const text = isMoney(input) ? moneyDigits(raw) : raw.trim();
  if (!text) {
    if (required) return { error: t("required") };
    const emptyIsNull = prop.type !== "string" || prop.nullable || prop.format === "date" || prop.enum;
    return { value: emptyIsNull ? null : "" };
  }
  if (prop.type === "integer") {
    if (!/^-?\d+$/.test(text)) return { error: t("whole_number") };
    const number = parseInt(text, 10);
    if (prop.minimum != null && number < prop.minimum) return { error: t("min", { n: prop.minimum }) };
    if (prop.maximum != null && number > prop.maximum) return { error: t("max", { n: prop.maximum }) };
    return { value: number };
  }
  if (prop.type === "number") {
    const number = Number(text);
    return Number.isFinite(number) ? { value: number } : { error: t("number") };
  }
  if (prop.maxLength && text.length > prop.maxLength) return { error: t("too_long", { n: prop.maxLength }) };
  return { value: raw };
}

/** The form's `data` (only the fields it has) and the errors of the checks done on the phone. */
export function readData(form, schema) {
  const data = {};
  const errors = {};
  const required = new Set(schema.required || []);
  Object.entries(schema.properties).forEach(([name, prop]) => {
    if (!form.elements.namedItem(name) && !boxes(form, name).length) return;
    const { value, error } = readField(form, name, prop, required.has(name));
    if (error) errors[name] = error;
    else data[name] = value;
  });
  return { data, errors };
}

/** The phone's check of one field now ("" when it passes): an error goes away once it is fixed. */
export function fieldProblem(form, schema, name) {
  const prop = schema && schema.properties[name];
  if (!prop || (!form.elements.namedItem(name) && !boxes(form, name).length)) return "";
  return readField(form, name, prop, (schema.required || []).includes(name)).error || "";
}

/** Put values (API data or a saved draft) back into the form. */
export function fillForm(form, values) {
  Object.entries(values || {}).forEach(([name, value]) => {
    const checks = boxes(form, name);
    if (checks.length) {
      const chosen = new Set((Array.isArray(value) ? value : [value]).map(String));
      checks.forEach((box) => { box.checked = chosen.has(box.value); });
      return;
    }
    const input = form.elements.namedItem(name);
    if (input && input.type !== "file" && !NOT_DATA.has(name)) input.value = value == null ? "" : String(value);
  });
  form.dispatchEvent(new Event("input", { bubbles: true }));
}

/** What the person has typed, as raw strings (for drafts). */
export function formState(form) {
  const state = {};
  Array.from(form.elements).forEach((input) => {
    if (!input.name || NOT_DATA.has(input.name) || input.type === "file") return;
    if (input.type === "checkbox") {
      state[input.name] = state[input.name] || [];
      if (input.checked) state[input.name].push(input.value);
    } else {
      state[input.name] = input.value;
    }
  });
  return state;
}

/** The box at the top of the form for messages that belong to no single field. */
function errorBox(form) {
  let box = form.querySelector("[data-outbox-form-error]");
  if (!box) {
    box = el("p", { class: "error-box", role: "alert", "data-outbox-form-error": true, hidden: true });
    form.prepend(box);
  }
  return box;
}

/** Remove every error message from the form. */
export function clearErrors(form) {
  form.querySelectorAll("[data-error-for]").forEach((slot) => {
    slot.textContent = "";
    slot.hidden = true;
  });
  form.querySelectorAll(".has-error").forEach((field) => field.classList.remove("has-error"));
  errorBox(form).hidden = true;
}

/** Show errors next to their fields (the rest at the top), and focus the first field in error. */
export function showErrors(form, errors, heading) {
  clearErrors(form);
  const loose = [];
  let first = null;
  Object.entries(errors || {}).forEach(([name, message]) => {
    const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
    if (!slot) {
      loose.push(message);
      return;
    }
    slot.textContent = message;
    slot.hidden = false;
    const fold = slot.closest("details");
    if (fold) fold.open = true; // an error inside "more details" must be seen
    const field = slot.closest(".field");
    if (field) field.classList.add("has-error");
    first = first || (field && field.querySelector("input, select, textarea"));
  });
  const box = errorBox(form);
  box.textContent = [heading || t("fix_fields"), ...loose].join(" ");
  box.hidden = false;
  (first || box).focus && (first || box).focus();
}

/** A value as the form shows it: the option's label for choices, else the value itself. */
export function displayValue(form, name, value) {
  if (value == null || value === "" || (Array.isArray(value) && !value.length)) return "—";
  const checks = boxes(form, name);
  if (checks.length) {
    const chosen = new Set((Array.isArray(value) ? value : [value]).map(String));
    return checks.filter((box) => chosen.has(box.value))
      .map((box) => box.closest("label").textContent.trim()).join(", ") || String(value);
  }
  const input = form.elements.namedItem(name);
  if (input && input.tagName === "SELECT") {
    const option = Array.from(input.options).find((opt) => opt.value === String(value));
    if (option) return option.textContent.trim();
  }
  return Array.isArray(value) ? value.join(", ") : String(value);
}

/** The label of a field as the form shows it. */
function fieldLabel(form, name) {
  const field = form.querySelector(`[data-field="${CSS.escape(name)}"]`);
  const label = field && field.querySelector("label, legend");
  return label ? label.textContent.replace("*", "").trim() : name;
}

/** A table of the fields where my version and the server's differ. */
export function differenceTable(form, schema, mine, theirs) {
  const rows = Object.keys(schema.properties)
    .filter((name) => JSON.stringify(mine[name] ?? null) !== JSON.stringify(theirs[name] ?? null))
    .map((name) => el("tr", {},
      el("th", { scope: "row", text: fieldLabel(form, name) }),
      el("td", { "data-mine": name, text: displayValue(form, name, mine[name]) }),
      el("td", { "data-server": name, text: displayValue(form, name, theirs[name]) })));
  return el("table", { class: "conflict-table" },
    el("thead", {}, el("tr", {}, el("th", { text: t("unknown_field") }), el("th", { text: t("mine") }),
      el("th", { text: t("server") }))),
    el("tbody", {}, rows));
}

// Warns on the phone, while the person types, when a text of the entry form seems to identify someone
// (a phone or ID number; a name, age or address next to a word for a victim). The rules and messages
// come from the server (webapp/kinds/identities.py) in #identity-rules; the server refuses such text.

/** The rules of #identity-rules, compiled; null when the page has none. */
function loadRules() {
  const source = document.getElementById("identity-rules");
  if (!source) return null;
  const spec = JSON.parse(source.textContent);
  const compile = (pattern, flags) => (pattern ? new RegExp(pattern, flags) : null);
  return {
    window: spec.window,
    victim: compile(spec.victim, "iu"),
    rules: spec.rules.map((rule) => ({ ...rule, re: compile(rule.pattern, `${rule.flags}g`),
      before: compile(rule.not_before, "iu"), after: compile(rule.not_after, "iu") })),
  };
}

/** The messages saying what to remove from ``raw`` (one per kind of personal data found). */
export function problems(raw, spec = loadRules()) {
  const text = (raw || "").normalize("NFC");
  const found = new Map();
  for (const rule of spec.rules) {
    for (const match of text.matchAll(rule.re)) {
      const start = match.index;
      const end = start + match[0].length;
      if (rule.before && rule.before.test(text.slice(Math.max(0, start - 30), start))) continue;
      if (rule.after && rule.after.test(text.slice(end, end + 40))) continue;
      if (rule.near_victim && !spec.victim.test(text.slice(Math.max(0, start - spec.window), end + spec.window))) continue;
      if (!found.has(rule.code)) found.set(rule.code, rule.message.replace("%(found)s", match[0].trim().slice(0, 60)));
      break;
    }
  }
  return [...found.values()];
}

/** Show (or clear) the warning under one text input. */
function check(input, spec) {
  const field = input.closest("[data-field]") || input.parentElement;
  let warning = field.querySelector("[data-identity-warning]");
  const messages = problems(input.value, spec);
  if (!messages.length) {
    if (warning) warning.remove();
    return;
  }
  if (!warning) {
    warning = document.createElement("p");
    warning.className = "field-error";
    warning.setAttribute("role", "alert");
    warning.dataset.identityWarning = "";
    input.insertAdjacentElement("afterend", warning);
  }
  warning.textContent = messages.join(" ");
}

/** Check the page's entry form as the person types (once per form: its rules come with it). */
function wire() {
  const form = document.getElementById("entry-form");
  if (!form || form.dataset.identityCheck) return;
  const spec = loadRules();
  if (!spec) return;
  form.dataset.identityCheck = "1";
  const selector = "textarea, input[type=text]";
  form.addEventListener("input", (event) => {
    if (event.target.matches(selector)) check(event.target, spec);
  });
  form.querySelectorAll(selector).forEach((input) => check(input, spec));
}

// The entry form now and after every htmx swap (this module is part of every page's bundle; it imports
// nothing, so a test can run its rules alone).
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", wire);
else wire();
document.addEventListener("htmx:afterSettle", wire);

// The server's checks of an entry, run on the phone before saving (offline too). The rules and their
// messages come from the kind's declaration (webapp/kinds, Kind.client_rules) in #form-rules, in the page's
// language, so the phone refuses the same input with the same words as the server; the server still checks all.

/** The rules embedded in the form page, or null. */
export function loadRules(doc = document) {
  const node = doc.getElementById("form-rules");
  return node ? JSON.parse(node.textContent) : null;
}

/** Today in the commune's time zone, YYYY-MM-DD (the phone's own clock and zone may differ). */
export function communeToday(timeZone) {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
      .format(new Date());
  } catch (error) {
    const d = new Date();
    const two = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  }
}

/** A message template with its %(n)s filled in, as Python's "%" does. */
function fill(message, n) {
  return n === undefined ? message : message.replace("%(n)s", String(n));
}

/** Whether the form has an input for `name`, and whether it is left empty. */
function inputState(form, name) {
  const boxes = Array.from(form.querySelectorAll(`input[type=checkbox][name="${CSS.escape(name)}"]`));
  if (boxes.length) return { present: true, blank: !boxes.some((box) => box.checked) };
  const input = form.elements.namedItem(name);
  if (!input) return { present: false, blank: true };
  return { present: true, blank: String(input.value == null ? "" : input.value).trim() === "" };
}

/** A count as the server sums it (blank or absent: 0). */
function count(value) {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** The message of one cross-field rule broken by `data`, else null. */
function crossProblem(rule, data, today) {
  const value = data[rule.field];
  const given = (name) => data[name] !== undefined && data[name] !== null && data[name] !== "";
  switch (rule.rule) {
    case "not_after_today":
      return given(rule.field) && value > today ? rule.message : null;
    case "end_not_before_start":
      return given(rule.field) && given(rule.of[0]) && value < data[rule.of[0]] ? rule.message : null;
    case "share_of": {
      if (!given(rule.field)) return null;
      const total = rule.of.reduce((sum, name) => sum + count(data[name]), 0);
      return value > total ? fill(rule.message, total) : null;
    }
    case "total_of": {
      if (!given(rule.field) || !rule.of.some(given)) return null;
      const total = rule.of.reduce((sum, name) => sum + count(data[name]), 0);
      return value !== total ? fill(rule.message, total) : null;
    }
    case "cost_needs_source": {
      if (count(data[rule.of[0]]) <= 0) return null;
      if (!given(rule.field)) return rule.messages.missing;
      return value === "none" ? rule.messages.none : null;
    }
    default:
      return null;  // a rule this copy of the app does not know: the server checks it
  }
}

/**
 * The errors the server would give for this form, field → message: required fields, bounds of counts, then
 * the cross-field rules (a field already in error is skipped, as on the server). `typeErrors` are those the
 * form could not even read (not a whole number …); `data` holds the values it could.
 */
export function checkRules(form, data, typeErrors = {}, spec = loadRules()) {
  const errors = {};
  if (!spec) return errors;
  const today = communeToday(spec.time_zone);
  spec.rules.filter((rule) => rule.rule === "field").forEach((rule) => {
    const state = inputState(form, rule.field);
    if (!state.present) return;
    if (state.blank) {
      if (rule.required) errors[rule.field] = rule.message;
      return;
    }
    const value = data[rule.field];
    if (typeof value !== "number" || typeErrors[rule.field]) return;
    if (value < rule.minimum) errors[rule.field] = fill(rule.min_message, rule.minimum);
    else if (rule.maximum != null && value > rule.maximum) errors[rule.field] = fill(rule.max_message, rule.maximum);
  });
  const failed = (name) => Boolean(errors[name] || typeErrors[name]);
  spec.rules.filter((rule) => rule.rule !== "field").forEach((rule) => {
    if (!inputState(form, rule.field).present || failed(rule.field) || (rule.of || []).some(failed)) return;
    const message = crossProblem(rule, data, today);
    if (message) errors[rule.field] = message;
  });
  return errors;
}

// Money inputs ([data-money]): typed as people write amounts, "2.500.000", formatted while typing, with
// the amount spelled out beside ("2.500.000 đ"). The outbox reads the digits (form-data.js) and sends
// an integer; the server also accepts the dotted text from a form posted without JS.

/** 2500000 → "2.500.000" (digits only in, dotted groups of three out). */
export function groupDigits(digits) {
  const clean = String(digits).replace(/^0+(?=\d)/, "");
  return clean.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

/** Reformat one input, keeping the caret after the same digit; show the amount beside it. */
export function formatMoneyInput(input) {
  const raw = input.value;
  const compact = raw.replace(/[.\s]/g, "");
  const amount = input.parentElement && input.parentElement.querySelector("[data-money-amount]");
  if (!/^\d+$/.test(compact)) {
    if (amount) amount.textContent = "";
    return; // letters or a comma: left as typed, the check on save says what is wrong
  }
  const grouped = groupDigits(compact);
  if (grouped !== raw) {
    const focused = document.activeElement === input;
    const caret = focused && input.selectionStart != null ? input.selectionStart : raw.length;
    const digitsBefore = raw.slice(0, caret).replace(/\D/g, "").length;
    input.value = grouped;
    if (focused) {
      let position = 0;
      for (let seen = 0; position < grouped.length && seen < digitsBefore; position += 1) {
        if (/\d/.test(grouped[position])) seen += 1;
      }
      input.setSelectionRange(position, position);
    }
  }
  if (amount) amount.textContent = `${grouped} đ`;
}

/** Format every money input of ``form`` now and whenever it changes (typed or filled by a script). */
export function wireMoneyInputs(form) {
  const inputs = () => Array.from(form.querySelectorAll("input[data-money]"));
  inputs().forEach(formatMoneyInput);
  form.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches("input[data-money]")) formatMoneyInput(event.target);
    else if (event.target === form) inputs().forEach(formatMoneyInput);
  });
  form.addEventListener("reset", () => setTimeout(() => inputs().forEach(formatMoneyInput)));
}

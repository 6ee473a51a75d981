// Progressive enhancement for every page. Pages work without it; the offline outbox builds on it.

/** Keep the computed participant total beside the men/women inputs up to date. */
function wireParticipantTotal(root) {
  const form = root.querySelector("#entry-form");
  const output = form && form.querySelector("[data-participants-total]");
  if (!output) return;
  const update = () => {
    const value = (name) => parseInt(form.elements[name]?.value || "0", 10) || 0;
    output.textContent = value("participants_male") + value("participants_female");
  };
  form.addEventListener("input", update);
  update();
}

document.addEventListener("DOMContentLoaded", () => wireParticipantTotal(document));
document.addEventListener("htmx:afterSettle", (event) => wireParticipantTotal(event.target));

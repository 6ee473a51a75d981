// "Ghi vị trí" on the entry form: the phone's position into the hidden latitude/longitude inputs.
// Works offline (the position comes from the phone, not the network); the accuracy is shown, not
// stored. The block is absent for sensitive kinds (the server drops their GPS anyway).
import { onPage } from "./pwa-common.js";

const DIGITS = 6;
const OPTIONS = { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 };

/** A sentence from the block's data-text-* attributes, with {m} filled. */
function say(block, key, values) {
  let text = block.dataset[`text${key[0].toUpperCase()}${key.slice(1)}`] || "";
  Object.entries(values || {}).forEach(([name, value]) => { text = text.split(`{${name}}`).join(String(value)); });
  return text;
}

/** Show what the inputs hold (and how accurate the last reading was, when this page took it). */
function render(block, form, accuracy) {
  const lat = form.elements.namedItem("latitude").value;
  const lon = form.elements.namedItem("longitude").value;
  const readout = block.querySelector("[data-gps-readout]");
  const has = lat !== "" && lon !== "";
  block.querySelector("[data-gps-clear]").hidden = !has;
  block.dataset.gpsState = has ? "recorded" : "empty";
  if (!has) {
    readout.textContent = say(block, "none");
    return;
  }
  const where = `${Number(lat).toFixed(DIGITS)}, ${Number(lon).toFixed(DIGITS)}`;
  readout.textContent = accuracy != null ? `${where} (${say(block, "accuracy", { m: Math.round(accuracy) })})` : where;
}

/** Put a position into the form (or empty it). */
function setPosition(form, lat, lon) {
  form.elements.namedItem("latitude").value = lat == null ? "" : lat.toFixed(DIGITS);
  form.elements.namedItem("longitude").value = lon == null ? "" : lon.toFixed(DIGITS);
  form.dispatchEvent(new Event("input", { bubbles: true })); // drafts keep it
}

/** Wire one form's location block. */
function wire(form) {
  const block = form.querySelector("[data-gps]");
  if (!block || block.dataset.wired) return;
  block.dataset.wired = "1";
  block.hidden = false;
  const error = block.querySelector("[data-gps-error]");
  const capture = block.querySelector("[data-gps-capture]");
  const showError = (text) => { error.textContent = text; error.hidden = !text; };
  let accuracy = null;
  capture.addEventListener("click", () => {
    if (!navigator.geolocation) {
      showError(say(block, "unsupported"));
      return;
    }
    showError("");
    capture.disabled = true;
    block.querySelector("[data-gps-readout]").textContent = say(block, "locating");
    navigator.geolocation.getCurrentPosition((position) => {
      capture.disabled = false;
      accuracy = position.coords.accuracy;
      setPosition(form, position.coords.latitude, position.coords.longitude);
      render(block, form, accuracy);
    }, (problem) => {
      capture.disabled = false;
      const key = { 1: "denied", 2: "unavailable", 3: "timeout" }[problem.code] || "unavailable";
      showError(say(block, key));
      render(block, form, accuracy);
    }, OPTIONS);
  });
  block.querySelector("[data-gps-clear]").addEventListener("click", () => {
    accuracy = null;
    setPosition(form, null, null);
    render(block, form, null);
  });
  // Values put back by the outbox (a draft, a record being fixed) arrive as an "input" event; a saved
  // form is reset for the next entry: hidden inputs keep their value through reset(), so empty them.
  form.addEventListener("input", (event) => {
    if (event.target === form) render(block, form, accuracy);
  });
  form.addEventListener("reset", () => {
    accuracy = null;
    form.elements.namedItem("latitude").value = "";
    form.elements.namedItem("longitude").value = "";
    render(block, form, null);
  });
  render(block, form, null);
}

// The entry form now and after every htmx swap.
onPage((root) => {
  const form = root.getElementById("entry-form");
  if (form) wire(form);
});

// Helpers shared by the page scripts of the outbox: config, strings, formatting, page wiring.

/** The server-rendered settings and strings of the current page (fresh after an htmx swap). */
export function config() {
  const node = document.getElementById("pwa-config");
  return node ? JSON.parse(node.textContent) : { user: null, strings: {}, kinds: {}, statuses: {}, urls: {} };
}

/** A translated string with its {placeholders} filled. */
export function t(key, values) {
  let text = config().strings[key] || key;
  Object.entries(values || {}).forEach(([name, value]) => {
    text = text.split(`{${name}}`).join(String(value));
  });
  return text;
}

/** 14/12/2023 08:05 in the device's time zone (the commune's). */
export function formatDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const two = (n) => String(n).padStart(2, "0");
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** 2023-12-14 → 14/12/2023. */
export function formatDate(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value || "");
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value || "";
}

/** Today on this device as YYYY-MM-DD. */
export function today() {
  const d = new Date();
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** An element with text (and attributes), for building lists without innerHTML. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([name, value]) => {
    if (value === false || value == null) return;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  });
  children.flat().forEach((child) => {
    if (child != null) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  });
  return node;
}

/** Run ``fn(document)`` now (or when the page is parsed) and after every htmx swap. */
export function onPage(fn) {
  const run = () => fn(document);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
  document.addEventListener("htmx:afterSettle", run);
}

/** Unit and village names by id, from GET /api/v1/me as last seen (offline too). */
export async function placeNames() {
  const me = (await self.BinhdangOutbox.getMeta("me")) || {};
  const names = { units: new Map(), villages: new Map() };
  (me.units || []).forEach((unit) => names.units.set(String(unit.id), unit.name));
  (me.villages || []).forEach((village) => names.villages.set(String(village.id), village.name));
  return names;
}

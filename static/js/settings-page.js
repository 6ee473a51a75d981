// The settings page: storage persistence and usage, the last sync, the outbox, and its export file.
import { config, el, formatDateTime, t } from "./pwa-common.js";

const Outbox = self.BinhdangOutbox;
const STATE_KEYS = { waiting: "state_waiting", sending: "state_sending", rejected: "state_rejected",
  conflict: "state_conflict", photos: "state_photos" };

/** 12,3 MB. */
function megabytes(bytes) {
  return `${(bytes / 1048576).toLocaleString("vi-VN", { maximumFractionDigits: 1 })} MB`;
}

/** Whether storage is persistent, and how much is used. */
async function renderStorage(page) {
  const persisted = page.querySelector("[data-storage-persisted]");
  const usage = page.querySelector("[data-storage-usage]");
  const button = page.querySelector("[data-storage-persist]");
  if (!navigator.storage || !navigator.storage.persisted) {
    persisted.textContent = t("persistent_unknown");
    return;
  }
  const isPersistent = await navigator.storage.persisted();
  persisted.textContent = isPersistent ? t("persistent_yes") : t("persistent_no");
  persisted.dataset.persistent = String(isPersistent);
  button.hidden = isPersistent;
  if (navigator.storage.estimate) {
    const { usage: used = 0, quota = 0 } = await navigator.storage.estimate();
    usage.textContent = t("usage", { used: megabytes(used), quota: megabytes(quota) });
  }
}

/** The last successful sync and whether a new sign-in is needed. */
async function renderSync(page) {
  const last = await Outbox.getMeta("last_sync_at");
  page.querySelector("[data-settings-last-sync]").textContent =
    last ? t("last_sync", { time: formatDateTime(last) }) : t("never_synced");
  page.querySelector("[data-settings-auth]").hidden = !(await Outbox.getMeta("auth_required"));
}

/** Every record of the outbox in a table: what, state, attempts, last error. */
async function renderOutbox(page) {
  const slot = page.querySelector("[data-settings-outbox]");
  const records = await Outbox.records();
  if (!records.length) {
    slot.replaceChildren(el("p", { class: "muted", text: t("nothing_waiting") }));
    return;
  }
  const cfg = config();
  const row = (record) => el("tr", { "data-outbox-uuid": record.uuid },
    el("td", {}, el("strong", { text: cfg.kinds[record.kind] || record.kind }), el("br"),
      el("span", { class: "muted", text: t("created", { time: formatDateTime(record.createdAt) }) })),
    el("td", { text: t(STATE_KEYS[record.state] || "state_waiting") }),
    el("td", { class: "num", text: t("attempts", { n: record.attempts || 0 }) }),
    el("td", { text: (record.photos || []).length ? t("photos", { n: record.photos.length }) : "" }));
  slot.replaceChildren(el("table", { class: "outbox-table" }, el("tbody", {}, records.map(row))));
}

/** Download the outbox as a JSON file. */
async function exportFile(page) {
  const cfg = config();
  const payload = await Outbox.exportAll(cfg.user);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-");
  const name = `binhdang-outbox-${cfg.user}-${stamp}.json`;
  const url = URL.createObjectURL(new Blob([JSON.stringify(payload, null, 1)], { type: "application/json" }));
  const link = el("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  page.querySelector("[data-export-status]").textContent = t("exported", { name });
}

/** Ask the service worker how many pages it keeps for offline use. */
function askWorker(page) {
  const slot = page.querySelector("[data-settings-offline-ready]");
  slot.textContent = t("offline_not_ready");
  if (!("serviceWorker" in navigator) || !navigator.serviceWorker.controller) return;
  navigator.serviceWorker.controller.postMessage({ type: "status" });
  navigator.serviceWorker.addEventListener("message", (event) => {
    const data = event.data || {};
    if ((data.type === "status" || data.type === "pages-cached") && data.cached > 0 && slot.isConnected) {
      slot.textContent = t("offline_ready", { n: data.cached });
    }
  });
}

/** Wire the settings page when it is shown. */
export function wireSettings(root) {
  const page = root.querySelector("[data-settings]");
  if (!page || page.dataset.wired) return;
  page.dataset.wired = "true";
  const refresh = () => page.isConnected && Promise.all([renderStorage(page), renderSync(page), renderOutbox(page)]);
  refresh();
  askWorker(page);
  Outbox.subscribe(refresh);
  page.querySelector("[data-export-outbox]").addEventListener("click", () => exportFile(page));
  page.querySelector("[data-storage-persist]").addEventListener("click", async () => {
    await navigator.storage.persist();
    renderStorage(page);
  });
}

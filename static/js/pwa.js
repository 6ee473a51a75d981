// The outbox on every page: the service worker, the unsynced count, when to sync, and its status.
import { config, el, formatDateTime, onPage, t } from "./pwa-common.js";
import { wireEntryForm } from "./entry-form.js";

const Outbox = self.BinhdangOutbox;
const Sync = self.BinhdangSync;
const MIN_RETRY_MS = 5000;
const MAX_RETRY_MS = 3600000;
const BUSY_RETRY_MS = 4000;
const state = { progress: null, retryTimer: null, busyTimer: null };

/** Modules of one page each, loaded only where their page is (the entry form does not pay for them). */
const PAGE_MODULES = [
  { selector: "[data-local-entries]", load: () => import("./local-entries.js"), wire: "wireLocalEntries" },
  { selector: "[data-settings]", load: () => import("./settings-page.js"), wire: "wireSettings" },
];

/** Load and start the page modules whose page is shown in ``root``. */
function wirePageModules(root) {
  for (const { selector, load, wire } of PAGE_MODULES) {
    if (root.querySelector(selector)) load().then((module) => module[wire](root));
  }
}

/** Show the number of entries not yet accepted by the server in every [data-outbox-count]. */
async function renderCount() {
  const count = await Outbox.count();
  document.querySelectorAll("[data-outbox-count]").forEach((node) => { node.textContent = String(count); });
  document.documentElement.dataset.pwaOutbox = String(count); // not data-outbox-count: that selector is the badge
}

/** The reason the last sync stopped, in words, or "". */
function problemText(problem) {
  if (!problem) return "";
  if (problem.code === "server") return problem.message || t("server_error", { status: problem.status });
  if (problem.code === "timeout") return t("timeout");
  if (problem.code === "network") return t("network");
  if (problem.code === "refused") return t("refused", { status: problem.status });
  return "";
}

/** The header's sync status: progress while sending, else the last successful sync (and why not). */
async function renderStatus() {
  const slot = document.querySelector("[data-sync-status]");
  if (!slot) return;
  if (state.progress && state.progress.total) {
    const { done, total } = state.progress;
    slot.replaceChildren(el("span", { text: t("syncing", { done, total }) }),
      el("progress", { value: String(done), max: String(total), class: "sync-progress" }));
    slot.title = slot.textContent;
    return;
  }
  if (await Outbox.getMeta("auth_required")) {
    slot.replaceChildren(el("a", { href: config().urls.login, class: "sign-in-again", text: t("sign_in_again") }));
    slot.title = t("sign_in_again");
    return;
  }
  const last = await Outbox.getMeta("last_sync_at");
  const problem = await Outbox.getMeta("last_problem");
  const text = last ? t("last_sync", { time: formatDateTime(last) }) : t("never_synced");
  const trouble = problem && (!last || problem.at > last) ? problemText(problem) : "";
  const parts = [el("span", { text })];
  if (trouble) parts.push(el("span", { class: "sync-trouble", text: trouble }));
  slot.replaceChildren(...parts);
  slot.title = trouble ? `${text} · ${trouble}` : text;
}

/** Re-run the automatic retry when the earliest waiting record is due. */
async function scheduleRetry() {
  clearTimeout(state.retryTimer);
  const user = config().user;
  if (!user) return;
  const due = await Sync.nextRetryAt(user);
  if (due == null) return;
  const wait = Math.min(Math.max(due - Date.now(), MIN_RETRY_MS), MAX_RETRY_MS);
  state.retryTimer = setTimeout(() => runSync("retry"), wait);
}

/** Sync now (app open, online, the button, a save, a retry), unless nobody is signed in. */
export async function runSync(reason) {
  const cfg = config();
  if (!cfg.user) return { status: "signed-out" };
  Sync.configure({ timeoutMs: cfg.syncTimeoutMs, batchSize: cfg.batchSize, locale: cfg.locale });
  document.documentElement.dataset.syncing = reason;
  const outcome = await Sync.sync({
    onProgress(done, total) {
      state.progress = { done, total };
      renderStatus();
    },
  });
  state.progress = null;
  delete document.documentElement.dataset.syncing;
  document.documentElement.dataset.lastSync = `${reason}:${outcome.status}`;
  await Promise.all([renderCount(), renderStatus(), scheduleRetry()]);
  if (outcome.status === "busy") {
    // Another tab or the worker is sending; if it fails, the retry below picks the records up.
    clearTimeout(state.busyTimer);
    state.busyTimer = setTimeout(() => runSync("retry"), BUSY_RETRY_MS);
  }
  return outcome;
}

/** Ask the worker for a Background Sync: it sends the outbox even if this page is closed first. */
async function registerBackgroundSync() {
  try {
    const registration = "serviceWorker" in navigator ? await navigator.serviceWorker.getRegistration() : null;
    if (registration && registration.active && registration.sync) await registration.sync.register("outbox");
  } catch (error) {
    // Background Sync is optional: the page syncs on open, online and the button anyway.
  }
}

/** After a save: Background Sync where the browser has it, and a sync from this page now. */
export function requestSync() {
  registerBackgroundSync();
  return runSync("save");
}

/** Ask the browser not to clear this storage, once, after the first saved entry. */
export async function requestPersistence() {
  if (!navigator.storage || !navigator.storage.persist) return;
  if (await navigator.storage.persisted()) return;
  if (await Outbox.getMeta("persist_asked")) return;
  await Outbox.setMeta("persist_asked", true);
  await navigator.storage.persist();
}

/** The worker says how many pages it keeps for offline use. */
function onWorkerMessage(event) {
  const data = event.data || {};
  if (data.type === "pages-cached") {
    document.documentElement.dataset.offlineReady = String(data.cached);
    document.dispatchEvent(new CustomEvent("pwa:offline-ready", { detail: data }));
  }
}

/** Register the service worker; when signed in and online, have it (re)save the pages for offline use. */
async function startWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.addEventListener("message", onWorkerMessage);
  try {
    await navigator.serviceWorker.register(config().urls.worker, { scope: "/" });
  } catch (error) {
    return; // the app still works online without it
  }
  const cfg = config();
  const registration = await navigator.serviceWorker.ready;
  // A page that loaded while the worker was installing is not controlled yet: ask to be claimed.
  if (!navigator.serviceWorker.controller && registration.active) registration.active.postMessage({ type: "claim" });
  if (!cfg.user || !navigator.onLine || !registration.active) return;
  // Keyed by person and language: another sign-in or a language switch saves the pages again.
  registration.active.postMessage({ type: "warm", key: `${cfg.user}|${cfg.locale}` });
}

/** Wire everything once per document; page parts again after every htmx swap. */
function start() {
  if (config().locale) Outbox.setMeta("locale", config().locale); // for the worker's Background Sync
  Outbox.subscribe((message) => {
    if (message.type === "progress") state.progress = { done: message.done, total: message.total };
    if (message.type === "done") state.progress = null;
    if (message.type === "done") scheduleRetry();
    renderCount();
    renderStatus();
  });
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-sync-now]")) {
      event.preventDefault();
      runSync("button");
    }
  });
  window.addEventListener("online", () => runSync("online"));
  onPage((root) => {
    renderCount();
    renderStatus();
    wireEntryForm(root, { requestSync, requestPersistence });
    wirePageModules(root);
  });
  startWorker();
  if (config().user && navigator.onLine) runSync("open");
  else scheduleRetry();
}

start();

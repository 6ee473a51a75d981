// The entry list's [data-local-entries]: what waits in the outbox (always), and offline the entries
// known on this device, with their review status and the reviewer's comment.
import { config, el, formatDate, placeNames, t } from "./pwa-common.js";

const Outbox = self.BinhdangOutbox;
const STATE_KEYS = { waiting: "state_waiting", sending: "state_sending", rejected: "state_rejected",
  conflict: "state_conflict", photos: "state_photos" };
let container = null;

/** "Tuyên truyền · 12/06/2023 · Thôn Thanh Xá": what an entry is, in one line. */
function summary(kind, data, names) {
  const cfg = config();
  const village = names.villages.get(String(data.village_id)) || "";
  return [cfg.kinds[kind] || kind, formatDate(data.date), village].filter(Boolean).join(" · ");
}

/** One outbox record as a list row, with a link to fix it when the server refused it. */
function recordRow(record, names, user) {
  const fixable = record.state === "rejected" || record.state === "conflict";
  const link = `${config().urls.newEntry}/${encodeURIComponent(record.kind)}?outbox=${encodeURIComponent(record.uuid)}`;
  const errors = record.state === "rejected" ? Object.values(record.errors || {}).join(" ") : "";
  const data = record.data || {};
  return el("li", { class: `entry-row outbox-row state-${record.state}`, "data-outbox-uuid": record.uuid,
    "data-outbox-state": record.state },
  el("span", { class: "row-top" }, el("strong", { text: summary(record.kind, data, names) }),
    el("span", { class: "status", text: t(STATE_KEYS[record.state] || "state_waiting") })),
  el("span", { class: "row-low",
    text: `${t("men")} ${data.participants_male ?? "—"} · ${t("women")} ${data.participants_female ?? "—"}` }),
  errors ? el("span", { class: "field-error", "data-outbox-errors": true, text: errors }) : null,
  record.owner && record.owner !== user
    ? el("span", { class: "muted", text: t("other_owner", { user: record.owner }) }) : null,
  fixable ? el("a", { class: "btn-small", href: link, "hx-boost": "false",
    text: record.state === "conflict" ? t("compare") : t("fix") }) : null);
}

/** One entry known on this device (read back from the server) as a list row. */
function knownRow(entry, names) {
  const cfg = config();
  const editable = entry.status !== "approved";
  const link = `${cfg.urls.newEntry}/${encodeURIComponent(entry.kind)}?edit=${encodeURIComponent(entry.uuid)}`;
  return el("li", { class: `entry-row status-${entry.status}`, "data-known-uuid": entry.uuid },
    el("span", { class: "row-top" }, el("strong", { text: summary(entry.kind, entry.data || {}, names) }),
      el("span", { class: "status", text: cfg.statuses[entry.status] || entry.status })),
    entry.review_comment
      ? el("span", { class: "notice", text: `${t("review_comment")}: ${entry.review_comment}` }) : null,
    editable ? el("a", { class: "btn-small", href: link, "hx-boost": "false", text: t("edit") }) : null);
}

/** Draw both lists into the container. */
async function render() {
  if (!container || !container.isConnected) return;
  const user = config().user;
  const names = await placeNames();
  const records = await Outbox.records();
  const parts = [];
  if (records.length) {
    parts.push(el("section", { class: "outbox-list", "data-outbox-list": true },
      el("h2", { text: `${t("outbox_heading")} (${records.length})` }),
      el("ul", { class: "entry-list" }, records.map((record) => recordRow(record, names, user)))));
  }
  if (!navigator.onLine) {
    const known = (await Outbox.knownEntries(user))
      .sort((a, b) => String(b.data && b.data.date).localeCompare(String(a.data && a.data.date)));
    parts.push(el("section", { class: "local-list", "data-known-list": true },
      el("p", { class: "notice", text: t("offline_notice") }),
      el("h2", { text: t("local_heading") }),
      el("ul", { class: "entry-list" }, known.map((entry) => knownRow(entry, names)))));
  }
  container.replaceChildren(...parts);
}

let subscribed = false;

/** Fill [data-local-entries] and keep it current as the outbox and the network change. */
export function wireLocalEntries(root) {
  const node = root.querySelector("[data-local-entries]");
  if (!node || !config().user) return;
  container = node;
  if (!subscribed) {
    subscribed = true;
    Outbox.subscribe((message) => {
      if (message.type === "changed" || message.type === "entries" || message.type === "done") render();
    });
    window.addEventListener("online", render);
    window.addEventListener("offline", render);
  }
  render();
}

// The home list's parts kept on this phone. "Cần sửa" ([data-needs-fix], rendered by the server with
// my returned entries): this script adds what the server refused from the outbox and returned entries
// read back since the page was saved, and hides those already fixed. [data-local-entries]: "Chưa gửi",
// what waits in the outbox (each can be opened, edited or deleted until it is on its way), and
// offline the entries known on this device, with their review status and the reviewer's comment.
import { config, el, formatDate, placeNames, t } from "./pwa-common.js";

const Outbox = self.BinhdangOutbox;
const STATE_KEYS = { waiting: "state_waiting", sending: "state_sending", rejected: "state_rejected",
  conflict: "state_conflict", photos: "state_photos" };
const TO_FIX = new Set(["rejected", "conflict"]);
let container = null;
let renderTicket = 0;

/** "Tuyên truyền · 12/06/2023 · Thôn Thanh Xá": what an entry is, in one line. */
function summary(kind, data, names) {
  const cfg = config();
  const village = names.villages.get(String(data.village_id)) || "";
  return [cfg.kinds[kind] || kind, formatDate(data.date), village].filter(Boolean).join(" · ");
}

/** The form that opens an outbox record (to fix, compare or edit it). */
function recordLink(record) {
  return `${config().urls.newEntry}/${encodeURIComponent(record.kind)}?outbox=${encodeURIComponent(record.uuid)}`;
}

/** "Xoá", asked twice: the record leaves the phone unless it is already on its way. */
function deleteControl(record) {
  const box = el("span", { class: "row-actions-delete" });
  const ask = el("button", { type: "button", class: "btn-small btn-secondary", "data-outbox-delete": true,
    text: t("delete") });
  box.append(ask);
  ask.addEventListener("click", () => {
    const yes = el("button", { type: "button", class: "btn-small btn-danger", "data-outbox-delete-confirm": true,
      text: t("delete_yes") });
    const no = el("button", { type: "button", class: "btn-small btn-secondary", "data-outbox-delete-cancel": true,
      text: t("cancel") });
    const question = el("span", { class: "confirm", role: "alertdialog" },
      el("span", { text: t("delete_confirm") }), yes, no);
    box.replaceChildren(question);
    no.addEventListener("click", () => box.replaceChildren(ask));
    yes.addEventListener("click", async () => {
      yes.disabled = true;
      if (!(await Outbox.discard(record.uuid))) {
        box.replaceChildren(el("span", { class: "field-error", text: t("delete_refused") }));
      }
    });
    yes.focus();
  });
  return box;
}

/** One outbox record as a list row: open it (fix, compare, edit) and delete it, unless in flight. */
function recordRow(record, names, user) {
  const editable = record.state !== "sending" && record.state !== "photos";
  const mine = !record.owner || record.owner === user;
  const errors = record.state === "rejected" ? Object.values(record.errors || {}).join(" ") : "";
  const data = record.data || {};
  const label = record.state === "conflict" ? t("compare") : record.state === "rejected" ? t("fix") : t("edit");
  return el("li", { class: `entry-row outbox-row state-${record.state}`, "data-outbox-uuid": record.uuid,
    "data-outbox-state": record.state },
  el("span", { class: "row-top" }, el("strong", { text: summary(record.kind, data, names) }),
    el("span", { class: "status", text: t(STATE_KEYS[record.state] || "state_waiting") })),
  el("span", { class: "row-low",
    text: `${t("men")} ${data.participants_male ?? "—"} · ${t("women")} ${data.participants_female ?? "—"}` }),
  errors ? el("span", { class: "field-error", "data-outbox-errors": true, text: errors }) : null,
  mine ? null : el("span", { class: "muted", text: t("other_owner", { user: record.owner }) }),
  editable && mine ? el("span", { class: "row-actions" },
    el("a", { class: "btn-small", href: recordLink(record), "hx-boost": "false", text: label }),
    deleteControl(record)) : null);
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

/** A returned entry known on this phone but not on the (saved) page, as a "Cần sửa" row. */
function returnedRow(entry, names) {
  const link = `${config().urls.newEntry}/${encodeURIComponent(entry.kind)}?edit=${encodeURIComponent(entry.uuid)}`;
  return el("li", { class: "entry-row status-returned", "data-returned-uuid": entry.uuid, "data-local-row": true },
    el("a", { href: link, "hx-boost": "false" },
      el("span", { class: "row-top" }, el("strong", { text: summary(entry.kind, entry.data || {}, names) }),
        el("span", { class: "status", text: config().statuses.returned })),
      entry.review_comment ? el("span", { class: "review-comment",
        text: `${t("review_comment")}: ${entry.review_comment}` }) : null,
      el("span", { class: "btn-small fix-action", text: t("fix") })));
}

/** "Cần sửa": the server's returned rows still to fix, returned entries read back since, and the
 *  records the server refused; its count and whether it shows. */
async function renderNeedsFix(records, known, names) {
  const section = document.querySelector("[data-needs-fix]");
  const list = section && section.querySelector("[data-needs-fix-list]");
  if (!list) return;
  list.querySelectorAll("[data-local-row]").forEach((row) => row.remove());
  const inOutbox = new Set(records.map((record) => record.uuid));
  const knownBy = new Map(known.map((entry) => [entry.uuid, entry]));
  const shown = new Set();
  list.querySelectorAll("li[data-returned-uuid]").forEach((row) => {
    const uuid = row.dataset.returnedUuid;
    const entry = knownBy.get(uuid);
    const moved = entry && entry.revision > Number(row.dataset.revision) && entry.status !== "returned";
    row.hidden = inOutbox.has(uuid) || Boolean(moved);
    if (!row.hidden) shown.add(uuid);
    // Offline the server's edit page is not on the phone: the outbox form edits the known copy.
    const link = row.querySelector("a");
    if (entry && link && row.dataset.kind) {
      link.href = `${config().urls.newEntry}/${encodeURIComponent(row.dataset.kind)}?edit=${encodeURIComponent(uuid)}`;
      link.setAttribute("hx-boost", "false");
    }
  });
  known.filter((entry) => entry.status === "returned" && !inOutbox.has(entry.uuid) && !shown.has(entry.uuid))
    .forEach((entry) => { list.append(returnedRow(entry, names)); shown.add(entry.uuid); });
  const user = config().user;
  records.filter((record) => TO_FIX.has(record.state)).forEach((record) => {
    const row = recordRow(record, names, user);
    row.dataset.localRow = "";
    list.append(row);
    shown.add(record.uuid);
  });
  section.hidden = shown.size === 0;
  const count = section.querySelector("[data-needs-fix-count]");
  if (count) count.textContent = String(shown.size);
}

/** Draw the parts kept on this phone. */
async function render() {
  if (!container || !container.isConnected) return;
  const ticket = ++renderTicket; // events come in bursts: only the latest render draws
  const user = config().user;
  const names = await placeNames();
  const records = await Outbox.records();
  const known = await Outbox.knownEntries(user);
  if (ticket !== renderTicket) return;
  await renderNeedsFix(records, known, names);
  const unsent = records.filter((record) => !TO_FIX.has(record.state));
  const parts = [];
  if (unsent.length) {
    parts.push(el("section", { class: "card outbox-list unsent", "data-outbox-list": true },
      el("h2", {}, t("outbox_heading"), " ", el("span", { class: "count-pill", "data-unsent-count": true,
        text: String(unsent.length) })),
      el("ul", { class: "entry-list" }, unsent.map((record) => recordRow(record, names, user)))));
  }
  if (!navigator.onLine) {
    known.sort((a, b) => String(b.data && b.data.date).localeCompare(String(a.data && a.data.date)));
    parts.push(el("section", { class: "card local-list", "data-known-list": true },
      el("p", { class: "notice", text: t("offline_notice") }),
      el("h2", { text: t("local_heading") }),
      el("ul", { class: "entry-list" }, known.map((entry) => knownRow(entry, names)))));
  }
  container.replaceChildren(...parts);
}

let subscribed = false;

/** Fill [data-local-entries] and "Cần sửa", and keep them current as the outbox and the network change. */
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

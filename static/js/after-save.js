// After Save on a new entry: the form folds away and says where the entry is — "Đã lưu trên máy",
// then "Đã gửi ✓" once the server has accepted it (the outbox's events) — with "Thêm hoạt động khác"
// (the empty form again) and "Xem" (the entry: on the server once sent, else in the outbox).
import { config } from "./pwa-common.js";

const Outbox = self.BinhdangOutbox;

/** A sentence from the panel's data-text-* attributes. */
function say(panel, key) {
  return panel.dataset[`text${key[0].toUpperCase()}${key.slice(1)}`] || key;
}

/** Where the record stands: sent, photos, rejected, conflict or waiting (with the reason). */
async function where(uuid) {
  const record = await Outbox.record(uuid);
  if (!record) return { state: "sent" };
  if (record.state === "rejected" || record.state === "conflict") return { state: "problem" };
  if (record.state === "photos") return { state: "photos" };
  if (!navigator.onLine || (record.lastError && record.lastError.code === "network")) return { state: "offline" };
  return { state: record.lastError ? "retry" : "sending" };
}

/** Show the panel for the entry just saved; ``onAddAnother`` brings the empty form back. */
export function showAfterSave(form, saved, onAddAnother) {
  const panel = form.querySelector("[data-after-save]");
  const body = form.querySelector("[data-form-body]");
  const status = form.querySelector("[data-form-status]");
  if (!panel) return;
  const view = panel.querySelector("[data-view-entry]");
  const detail = panel.querySelector("[data-after-save-detail]");
  const outboxLink = `${config().urls.newEntry}/${encodeURIComponent(saved.kind)}?outbox=${encodeURIComponent(saved.uuid)}`;
  let stopped = false;
  const update = async () => {
    if (stopped) return;
    const { state } = await where(saved.uuid);
    if (stopped) return;
    panel.dataset.afterSaveState = state;
    const sent = state === "sent" || state === "photos";
    if (status) status.textContent = sent ? say(panel, "sent") : say(panel, "saved");
    detail.textContent = state === "sent" ? "" : say(panel, state);
    view.href = sent ? `/entries/${encodeURIComponent(saved.uuid)}` : outboxLink;
  };
  const unsubscribe = Outbox.subscribe((message) => {
    if (message.type === "changed" || message.type === "done") update();
  });
  const offline = () => update();
  window.addEventListener("online", offline);
  window.addEventListener("offline", offline);
  if (body) body.hidden = true;
  form.querySelectorAll("[data-save]").forEach((button) => { button.hidden = true; });
  panel.hidden = false;
  update();
  const again = panel.querySelector("[data-add-another]");
  const restart = () => {
    stopped = true;
    unsubscribe();
    window.removeEventListener("online", offline);
    window.removeEventListener("offline", offline);
    again.removeEventListener("click", restart);
    panel.hidden = true;
    delete panel.dataset.afterSaveState;
    if (status) status.textContent = "";
    if (body) body.hidden = false;
    form.querySelectorAll("[data-save]").forEach((button) => { button.hidden = false; });
    const fold = form.querySelector("[data-more-details]");
    if (fold) fold.open = false;
    window.scrollTo(0, 0);
    onAddAnother();
  };
  again.addEventListener("click", restart);
  again.focus();
}

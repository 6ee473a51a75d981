// The entry form goes through the outbox, online or offline: one path. Without JS it posts as before
// (photos included, as multipart).
//
// Modes: "new" (a fresh UUID per saved entry, drafts offered), "edit" (the server's edit page, or
// ?edit=<uuid> for an entry known on this device: sent with base_revision), "fix" (?outbox=<uuid>:
// a rejected record with the server's errors, or a conflict shown beside the server's version).
import { config, el, formatDateTime, t, today } from "./pwa-common.js";
import { clearErrors, differenceTable, fillForm, formState, kindSchema, readData, showErrors } from "./form-data.js";
import { checkRules } from "./form-rules.js";
import { preparePhoto } from "./photos.js";
import { showAfterSave } from "./after-save.js";

const Outbox = self.BinhdangOutbox;
const DRAFT_DELAY_MS = 400;
const LEAVE_AFTER_MS = 1500;

/** Where this form starts from: a new entry, an edit, or a record being fixed. */
async function startingPoint(form) {
  const params = new URLSearchParams(location.search);
  const revision = form.elements.namedItem("revision");
  if (revision && form.elements.namedItem("uuid")) {
    return { mode: "edit", uuid: form.elements.namedItem("uuid").value, baseRevision: parseInt(revision.value, 10) };
  }
  const outboxUuid = params.get("outbox") || null;
  const editUuid = params.get("edit") || null;
  const record = outboxUuid || editUuid ? await Outbox.record(outboxUuid || editUuid) : null;
  if (record) {
    return { mode: "fix", uuid: record.uuid, record, baseRevision: record.baseRevision, photos: record.photos || [] };
  }
  if (editUuid) {
    const entry = await Outbox.knownEntry(editUuid);
    if (entry) return { mode: "edit", uuid: entry.uuid, entry, baseRevision: entry.revision };
  }
  return { mode: "new", baseRevision: null, missing: Boolean(outboxUuid || editUuid) };
}

/** A notice at the top of the form. */
function notice(form, ...children) {
  const node = el("div", { class: "notice outbox-notice", "data-outbox-notice": true }, ...children);
  form.prepend(node);
  return node;
}

/** The rejected or conflicting record, shown for the person to fix or to choose. */
function showRecordProblem(form, schema, start, done) {
  const record = start.record;
  if (record.state === "rejected") {
    showErrors(form, record.errors, t("rejected_title"));
  } else if (record.state === "conflict" && record.server) {
    const locked = record.server.status === "approved";
    const take = el("button", { type: "button", class: "btn btn-secondary", "data-take-server": true,
      text: t("take_server") });
    const keep = el("button", { type: "submit", class: "btn", "data-keep-mine": true, disabled: locked,
      text: t("keep_mine") });
    take.addEventListener("click", async () => {
      await Outbox.takeServerVersion(record.uuid);
      done();
    });
    notice(form, el("h2", { text: t("conflict_title") }), el("p", { text: t("conflict_help") }),
      differenceTable(form, schema, record.data, record.server.data || {}),
      locked ? el("p", { text: t("locked_note") }) : null, el("div", { class: "actions" }, keep, take));
    start.baseRevision = record.server.revision;
  }
}

/** A record on its way to the server is not edited mid-flight: Save waits until its answer is in; then
 *  the page reopens on what it became (the server's entry once accepted, or the record to fix). */
function guardInFlight(form, start) {
  if (!start.record || start.record.state !== "sending") return;
  const buttons = () => form.querySelectorAll("button[type=submit]");
  buttons().forEach((button) => { button.disabled = true; });
  const box = notice(form, el("p", { "data-in-flight": true, text: t("in_flight") }));
  const stop = Outbox.subscribe(async (message) => {
    if (message.type !== "changed" && message.type !== "done") return;
    const record = await Outbox.record(start.uuid);
    if (record && record.state === "sending") return;
    stop();
    box.remove();
    const params = new URLSearchParams(location.search);
    params.delete("outbox");
    if (!record) params.set("edit", start.uuid);
    else params.set("outbox", start.uuid);
    location.replace(`${location.pathname}?${params}`);
  });
}

/** Show the photos chosen so far, each with a button to drop it. */
function renderPhotos(form, photos) {
  const list = form.querySelector("[data-photo-list]");
  if (!list) return;
  list.replaceChildren(...photos.map((photo, index) => {
    const remove = el("button", { type: "button", class: "link", text: "×", "aria-label": "×" });
    remove.addEventListener("click", () => {
      photos.splice(index, 1);
      renderPhotos(form, photos);
    });
    const image = el("img", { alt: "", width: "64", height: "64", src: URL.createObjectURL(photo.blob) });
    return el("li", {}, image, remove);
  }));
}

/** Photos go through the outbox too: chosen files are downscaled and kept until the entry is sent. */
function wirePhotoInput(form, photos) {
  const input = form.querySelector("input[type=file][name=photos]");
  if (!input) return;
  let list = form.querySelector("[data-photo-list]");
  if (!list) {
    list = el("ul", { class: "photo-list", "data-photo-list": true });
    input.after(list);
  }
  input.addEventListener("change", async () => {
    const slot = form.querySelector('[data-error-for="photos"]');
    if (slot) slot.hidden = true;
    for (const file of Array.from(input.files || [])) {
      try {
        const photo = await preparePhoto(file);
        if (!photos.some((p) => p.sha256 === photo.sha256)) photos.push(photo);
      } catch (error) {
        if (slot) {
          slot.textContent = t("photo_failed");
          slot.hidden = false;
        }
      }
    }
    input.value = "";
    renderPhotos(form, photos);
  });
  renderPhotos(form, photos);
}

/** A cached form may be days old: today is the latest allowed date, and the default for a new entry. */
function refreshDates(form, isNew) {
  const date = form.elements.namedItem("date");
  const day = today();
  form.querySelectorAll("input[type=date]").forEach((input) => { input.max = day; });
  // An untouched input follows its default value, so this also moves what the form shows.
  if (isNew && date && date.defaultValue && date.defaultValue < day) date.defaultValue = day;
}

/** Keep a half-filled new form as a draft, and offer the draft again. */
async function wireDrafts(form, key) {
  let initial = JSON.stringify(formState(form));
  let timer = null;
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const current = formState(form);
      if (JSON.stringify(current) !== initial) Outbox.saveDraft(key, current);
    }, DRAFT_DELAY_MS);
  });
  const draft = await Outbox.getDraft(key);
  if (draft && JSON.stringify(draft.values) !== initial) {
    const resume = el("button", { type: "button", class: "btn-small", "data-draft-resume": true,
      text: t("draft_resume") });
    const discard = el("button", { type: "button", class: "btn-small btn-secondary", "data-draft-discard": true,
      text: t("draft_discard") });
    const box = notice(form, el("p", { text: t("draft_offer", { time: formatDateTime(draft.savedAt) }) }),
      el("div", { class: "actions" }, resume, discard));
    resume.addEventListener("click", () => { fillForm(form, draft.values); box.remove(); });
    discard.addEventListener("click", () => { Outbox.deleteDraft(key); box.remove(); });
  }
  return { reset() { clearTimeout(timer); initial = JSON.stringify(formState(form)); } };
}

/** Enhance #entry-form: save to the outbox, then sync. */
export async function wireEntryForm(root, actions) {
  const form = root.querySelector("#entry-form");
  const schema = kindSchema();
  const cfg = config();
  if (!form || form.dataset.outbox || !schema || !cfg.user || !self.indexedDB) return;
  form.dataset.outbox = "wiring";
  const kind = form.dataset.kind;
  const start = await startingPoint(form);
  const photos = start.photos ? start.photos.slice() : [];
  const status = form.querySelector("[data-form-status]");
  const draftKey = `${cfg.user}|${kind}`;
  const backToList = () => location.assign(cfg.urls.entries);
  refreshDates(form, start.mode === "new");
  wirePhotoInput(form, photos);
  if (start.record) {
    fillForm(form, start.record.data);
    showRecordProblem(form, schema, start, backToList);
  } else if (start.entry) {
    fillForm(form, start.entry.data);
    const comment = start.entry.review_comment;
    notice(form, el("p", { text: start.entry.status === "returned" ? t("editing_returned")
      : t("editing_entry", { revision: start.entry.revision }) }),
    comment ? el("p", { text: `${t("review_comment")}: ${comment}` }) : null);
  } else if (start.missing) {
    notice(form, el("p", { text: t("not_found_local") }));
  }
  guardInFlight(form, start);
  const drafts = start.mode === "new" ? await wireDrafts(form, draftKey) : null;
  let busy = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    const { data, errors } = readData(form, schema);
    Object.assign(errors, checkRules(form, data, errors));  // the server's rules and messages, before saving
    if (Object.keys(errors).length) {
      showErrors(form, errors);
      return;
    }
    busy = true;
    form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = true; });
    try {
      const uuid = start.mode === "new" ? Outbox.newUuid() : start.uuid;
      const saved = await Outbox.save({ uuid, kind, data, baseRevision: start.baseRevision,
        photos: photos.slice(), owner: cfg.user });
      if (!saved) { // on its way to the server right now: nothing changed, try again in a moment
        if (status) status.textContent = t("in_flight");
        return;
      }
      clearErrors(form);
      if (start.mode === "new") {
        // Emptied before anything says "saved": whoever reads the status finds the form already clear.
        form.reset();
        refreshDates(form, true);
        photos.splice(0, photos.length);
        renderPhotos(form, photos);
        form.dispatchEvent(new Event("input", { bubbles: true }));
        drafts.reset();
      }
      if (status) status.textContent = t("saved");
      if (start.mode === "new") {
        showAfterSave(form, saved, () => {
          const first = form.querySelector("[data-form-body] select, [data-form-body] input:not([type=hidden])");
          if (first) first.focus();
        });
        await Outbox.deleteDraft(draftKey);
      }
      actions.requestPersistence();
      const sending = actions.requestSync();
      if (start.mode !== "new") {
        // Back to the list (the record shows there); the sync goes on in the worker or at next open.
        await Promise.race([sending, new Promise((resolve) => setTimeout(resolve, LEAVE_AFTER_MS))]);
        backToList();
      }
    } finally {
      busy = false;
      form.querySelectorAll("button[type=submit]:not([data-keep-mine][disabled])").forEach((button) => {
        button.disabled = false;
      });
    }
  });
  form.dataset.outbox = "ready";
}

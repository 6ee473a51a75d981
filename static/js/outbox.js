/* The outbox: every entry saved on this device stays here until the server accepts it.
 *
 * Shared by the pages (loaded as a module script) and the service worker (importScripts), so it
 * uses no import/export: it defines self.BinhdangOutbox and needs self.idb (the idb UMD build)
 * loaded before it. Nothing here expires; a record leaves the outbox only in sync.js, when the
 * server answers created / updated / unchanged for its UUID (and its photos are uploaded), or when
 * the person explicitly takes the server's version of a conflict or deletes it before it is sent.
 *
 * Stores: outbox (one record per entry, keyed by the client UUID), entries (what the server said
 * this person may see, for "my entries" offline), drafts (half-filled forms per kind), meta.
 */
(function (scope) {
  "use strict";

  const DB_NAME = "binhdang";
  const DB_VERSION = 1;
  const CHANNEL = "binhdang-outbox";
  const SENDABLE = new Set(["waiting", "sending", "photos"]);
  let dbPromise = null;
  const listeners = new Set();
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
  if (channel) channel.onmessage = (event) => listeners.forEach((fn) => fn(event.data));

  /** Open (once, lazily) the database; a newer version in another tab makes this one step aside. */
  function db() {
    if (!dbPromise) {
      dbPromise = scope.idb.openDB(DB_NAME, DB_VERSION, {
        upgrade(database, oldVersion) {
          if (oldVersion < 1) {
            database.createObjectStore("outbox", { keyPath: "uuid" });
            database.createObjectStore("entries", { keyPath: "uuid" });
            database.createObjectStore("drafts", { keyPath: "key" });
            database.createObjectStore("meta", { keyPath: "key" });
          }
        },
        blocking() {
          const pending = dbPromise;
          dbPromise = null;
          if (pending) pending.then((database) => database.close());
        },
        terminated() {
          dbPromise = null;
        },
      });
    }
    return dbPromise;
  }

  /** Tell this context and every other tab (and the service worker) that something changed. */
  function emit(type, detail) {
    const message = Object.assign({ type }, detail || {});
    listeners.forEach((fn) => fn(message));
    if (channel) channel.postMessage(message);
  }

  /** Listen to outbox events (changed, progress, done) from any context. */
  function subscribe(fn) {
    listeners.add(fn);
    return () => listeners.delete(fn);
  }

  /** Now as an ISO string. */
  function now() {
    return new Date().toISOString();
  }

  /** A fresh client UUID (crypto.randomUUID, or the same from random bytes on older browsers). */
  function newUuid() {
    if (scope.crypto && typeof scope.crypto.randomUUID === "function") return scope.crypto.randomUUID();
    const bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** Save an entry in the outbox (new, or a new version of a record being fixed): it waits to be sent.
   *  fields: {uuid, kind, data, baseRevision, photos, owner}. A record on its way to the server
   *  (state "sending") is not changed: null comes back, and the person saves again once it has arrived. */
  async function save(fields) {
    const database = await db();
    const tx = database.transaction("outbox", "readwrite");
    const existing = await tx.store.get(fields.uuid);
    if (existing && existing.state === "sending") {
      await tx.done;
      return null;
    }
    const stamp = now();
    const record = Object.assign({ photos: [], baseRevision: null, createdAt: stamp }, existing || {}, fields, {
      state: "waiting", errors: null, server: null, attempts: 0, lastError: null, nextAttemptAt: null,
      acceptedRevision: null, updatedAt: stamp, rev: ((existing && existing.rev) || 0) + 1,
    });
    await tx.store.put(record);
    await tx.done;
    emit("changed", { uuid: record.uuid });
    return record;
  }

  /** Change a record in one transaction: ``change(record)`` edits it in place (or returns false to skip). */
  async function update(uuid, change) {
    const database = await db();
    const tx = database.transaction("outbox", "readwrite");
    const record = await tx.store.get(uuid);
    let result = null;
    if (record && change(record) !== false) {
      await tx.store.put(record);
      result = record;
    }
    await tx.done;
    if (result) emit("changed", { uuid });
    return result;
  }

  /** Remove a record. Only sync.js calls this, on the server's acceptance (see the header). */
  async function remove(uuid) {
    const database = await db();
    await database.delete("outbox", uuid);
    emit("changed", { uuid });
  }

  /** The person deletes a record before it is sent (asked to confirm first). Refused (false) while it
   *  is on its way or already accepted with only its photos left: the server has it or soon will. */
  async function discard(uuid) {
    const database = await db();
    const tx = database.transaction("outbox", "readwrite");
    const rec = await tx.store.get(uuid);
    const allowed = Boolean(rec) && rec.state !== "sending" && rec.state !== "photos";
    if (allowed) await tx.store.delete(uuid);
    await tx.done;
    if (allowed) emit("changed", { uuid });
    return allowed;
  }

  /** Every record, oldest first. */
  async function records() {
    const all = await (await db()).getAll("outbox");
    return all.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }

  /** One record, or undefined. */
  async function record(uuid) {
    return (await db()).get("outbox", uuid);
  }

  /** How many entries on this device the server has not accepted yet. */
  async function count() {
    return (await db()).count("outbox");
  }

  /** Conflict: keep my version, sent again on top of the server's current revision. */
  async function keepMine(uuid) {
    return update(uuid, (rec) => {
      if (rec.state !== "conflict" || !rec.server) return false;
      rec.baseRevision = rec.server.revision;
      Object.assign(rec, { state: "waiting", errors: null, server: null, attempts: 0, lastError: null,
        nextAttemptAt: null, updatedAt: now(), rev: (rec.rev || 0) + 1 });
      return true;
    });
  }

  /** Conflict: the person chooses the server's version; theirs is dropped and the server's kept locally. */
  async function takeServerVersion(uuid) {
    const rec = await record(uuid);
    if (!rec || rec.state !== "conflict" || !rec.server) return false;
    await putKnownEntries([rec.server], rec.owner);
    await remove(uuid);
    return true;
  }

  /** Meta values (last sync time, the signed-in person, the pull cursor, ...). */
  async function getMeta(key) {
    const row = await (await db()).get("meta", key);
    return row ? row.value : undefined;
  }

  /** Set a meta value. */
  async function setMeta(key, value) {
    await (await db()).put("meta", { key, value });
  }

  /** Entries the server told us about (read-back), keyed by UUID. */
  async function putKnownEntries(entries, owner) {
    if (!entries.length) return;
    const tx = (await db()).transaction("entries", "readwrite");
    for (const entry of entries) tx.store.put(Object.assign({}, entry, { owner }));
    await tx.done;
    emit("entries", { count: entries.length });
  }

  /** Every entry known on this device for ``owner``. */
  async function knownEntries(owner) {
    const all = await (await db()).getAll("entries");
    return all.filter((entry) => entry.owner === owner);
  }

  /** One known entry. */
  async function knownEntry(uuid) {
    return (await db()).get("entries", uuid);
  }

  /** Forget the read-back entries (another person signed in on this device). Never the outbox. */
  async function clearKnownEntries() {
    await (await db()).clear("entries");
  }

  /** A half-filled form, kept per person and kind. */
  async function saveDraft(key, values) {
    await (await db()).put("drafts", { key, values, savedAt: now() });
  }

  /** The draft for ``key``, or undefined. */
  async function getDraft(key) {
    return (await db()).get("drafts", key);
  }

  /** Drop a draft (the entry was saved, or the person discarded it). */
  async function deleteDraft(key) {
    await (await db()).delete("drafts", key);
  }

  /** Bytes of a Blob as base64 (for the export file). */
  async function blobToBase64(blob) {
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return scope.btoa(binary);
  }

  /** The whole outbox as a JSON-ready object (photos inlined), for the file a broken phone leaves. */
  async function exportAll(user) {
    const entries = [];
    for (const rec of await records()) {
      const photos = [];
      for (const photo of rec.photos || []) {
        photos.push({ sha256: photo.sha256, type: photo.type, uploaded: !!photo.uploaded,
          data_base64: await blobToBase64(photo.blob) });
      }
      entries.push({ uuid: rec.uuid, kind: rec.kind, base_revision: rec.baseRevision, data: rec.data,
        owner: rec.owner, state: rec.state, errors: rec.errors, created_at: rec.createdAt,
        updated_at: rec.updatedAt, photos });
    }
    return { format: "binhdang-outbox", version: 1, exported_at: now(), user, entries };
  }

  scope.BinhdangOutbox = {
    SENDABLE, db, emit, subscribe, newUuid, save, update, remove, discard, records, record, count, keepMine,
    takeServerVersion, getMeta, setMeta, putKnownEntries, knownEntries, knownEntry, clearKnownEntries,
    saveDraft, getDraft, deleteDraft, exportAll, now,
  };
})(self);

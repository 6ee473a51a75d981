/* Sending the outbox to POST /api/v1/sync and reading back GET /api/v1/entries.
 *
 * Shared by the pages and the service worker (Background Sync), like outbox.js; defines
 * self.BinhdangSync. One flush at a time across tabs and the worker (Web Locks, or a lease in
 * IndexedDB where the browser has no Web Locks). A network error, a timeout, a 5xx or a 401 leaves
 * every record waiting (with backoff for the automatic retries, or after the server's Retry-After when
 * it sends one, as it does while its database is down or busy); rejected and conflict results stay,
 * visible, for the person to fix. Only created / updated / unchanged remove a record.
 */
(function (scope) {
  "use strict";

  const API = { me: "/api/v1/me", sync: "/api/v1/sync", entries: "/api/v1/entries" };
  const ACCEPTED = new Set(["created", "updated", "unchanged"]);
  const LOCK = "binhdang-outbox-flush";
  const LEASE_MS = 120000;
  const settings = { timeoutMs: 20000, batchSize: 100, baseDelayMs: 15000, maxDelayMs: 3600000, maxPages: 200,
    locale: null };
  const store = () => scope.BinhdangOutbox;
  let localBusy = false;

  /** A failed request: code is network, timeout, unauthorized, server or refused; a server's answer may
   *  carry how long to wait (retryAfterMs, from Retry-After) and its message for people. */
  class SyncProblem extends Error {
    constructor(code, status, retryAfterMs, message) {
      super(code);
      this.code = code;
      this.status = status || null;
      this.retryAfterMs = retryAfterMs == null ? null : retryAfterMs;
      this.serverMessage = message || null;
    }
  }

  /** Retry-After (seconds, or an HTTP date) in milliseconds from now, or null. */
  function retryAfterMs(header) {
    if (!header) return null;
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, settings.maxDelayMs);
    const when = Date.parse(header);
    return Number.isNaN(when) ? null : Math.min(Math.max(when - Date.now(), 0), settings.maxDelayMs);
  }

  /** Override timeouts and batch size (the page and the worker get them from the server). */
  function configure(options) {
    Object.keys(options || {}).forEach((key) => {
      if (options[key] != null && key in settings) settings[key] = options[key];
    });
  }

  /** One API call with the session cookie, the app's header and a timeout; JSON back. */
  async function request(method, url, body, headers) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
    try {
      const response = await fetch(url, {
        method, body, credentials: "same-origin", cache: "no-store", signal: controller.signal,
        // The server's messages (field errors) in the language the person uses the app in.
        headers: Object.assign({ Accept: "application/json", "X-Binhdang-Client": "1",
          "Accept-Language": settings.locale || "vi" }, headers || {}),
      });
      let payload = null;
      try { payload = await response.json(); } catch (error) { if (error.name === "AbortError") throw error; }
      if (response.status === 401) throw new SyncProblem("unauthorized", 401);
      if (response.status >= 500 || response.status === 429) {
        const message = payload && payload.error ? payload.error.message : null;
        throw new SyncProblem("server", response.status, retryAfterMs(response.headers.get("Retry-After")), message);
      }
      return { status: response.status, ok: response.ok, body: payload };
    } catch (error) {
      if (error instanceof SyncProblem) throw error;
      throw new SyncProblem(error.name === "AbortError" ? "timeout" : "network");
    } finally {
      clearTimeout(timer);
    }
  }

  /** How long the automatic retry waits after ``attempts`` failures (exponential, with jitter). */
  function backoff(attempts) {
    const delay = Math.min(settings.baseDelayMs * 2 ** Math.max(attempts - 1, 0), settings.maxDelayMs);
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }

  /** Run ``fn`` unless another tab or the worker is flushing; answers {status: "busy"} then. */
  async function withLock(fn) {
    const locks = scope.navigator && scope.navigator.locks;
    if (locks && typeof locks.request === "function") {
      return locks.request(LOCK, { ifAvailable: true }, (lock) => (lock ? fn() : { status: "busy" }));
    }
    if (localBusy) return { status: "busy" };
    localBusy = true;
    const owner = store().newUuid();
    try {
      const tx = (await store().db()).transaction("meta", "readwrite");
      const lease = await tx.store.get("flush_lease");
      if (lease && lease.value.until > Date.now()) {
        await tx.done;
        return { status: "busy" };
      }
      await tx.store.put({ key: "flush_lease", value: { owner, until: Date.now() + LEASE_MS } });
      await tx.done;
      try {
        return await fn();
      } finally {
        const release = (await store().db()).transaction("meta", "readwrite");
        const current = await release.store.get("flush_lease");
        if (current && current.value.owner === owner) await release.store.delete("flush_lease");
        await release.done;
      }
    } finally {
      localBusy = false;
    }
  }

  /** Note a failed attempt on every record still in flight: back to waiting, with the reason. */
  async function markAttempt(uuids, problem) {
    const stamp = Date.now();
    for (const uuid of uuids) {
      await store().update(uuid, (rec) => {
        if (!store().SENDABLE.has(rec.state)) return false;
        rec.state = rec.state === "photos" ? "photos" : "waiting";
        rec.attempts = (rec.attempts || 0) + 1;
        rec.lastError = { code: problem.code, status: problem.status };
        // The server said when to come back: then (spread a little, so phones do not return at once).
        const wait = problem.retryAfterMs != null ? Math.round(problem.retryAfterMs * (1 + Math.random() * 0.2))
          : backoff(rec.attempts);
        rec.nextAttemptAt = new Date(stamp + wait).toISOString();
        return true;
      });
    }
  }

  /** The server's answer for one record: remove it when accepted, else keep it with the reason. */
  async function applyResult(sent, result) {
    if (ACCEPTED.has(result.status)) {
      await store().putKnownEntries([{ uuid: sent.uuid, kind: sent.kind, status: "submitted",
        revision: result.revision, data: sent.data, review_comment: "" }], sent.owner);
    }
    let removeIt = false;
    await store().update(sent.uuid, (rec) => {
      if (ACCEPTED.has(result.status)) {
        if (rec.rev !== sent.rev) {
          rec.baseRevision = result.revision; // edited while in flight: the new version goes on top
          rec.state = "waiting";
        } else if ((rec.photos || []).some((photo) => !photo.uploaded)) {
          rec.state = "photos";
          rec.acceptedRevision = result.revision;
        } else {
          removeIt = true;
          return false;
        }
      } else if (rec.rev !== sent.rev) {
        rec.state = "waiting"; // the person changed it meanwhile: send the new version
      } else if (result.status === "conflict") {
        Object.assign(rec, { state: "conflict", server: result.current || null, errors: result.errors || {} });
      } else if (result.status === "rejected" || result.status === "forbidden") {
        Object.assign(rec, { state: "rejected", errors: result.errors || { _form: result.status } });
      } else {
        Object.assign(rec, { state: "waiting", lastError: { code: "refused", status: result.status } });
      }
      rec.updatedAt = store().now();
      return true;
    });
    if (removeIt) await store().remove(sent.uuid);
  }

  /** Upload the photos of an accepted entry (idempotent by content hash); remove it when all are up. */
  async function uploadPhotos(uuid) {
    let rec = await store().record(uuid);
    for (const photo of (rec && rec.photos) || []) {
      if (photo.uploaded) continue;
      const url = `/api/v1/entries/${encodeURIComponent(uuid)}/photos/${photo.sha256}`;
      const answer = await request("PUT", url, photo.blob, { "Content-Type": photo.type || "image/jpeg" });
      rec = await store().update(uuid, (current) => {
        const mine = (current.photos || []).find((p) => p.sha256 === photo.sha256);
        if (!mine) return false;
        if (answer.ok) {
          mine.uploaded = true;
        } else {
          const message = answer.body && answer.body.error ? answer.body.error.message : String(answer.status);
          Object.assign(current, { state: "rejected", errors: { photos: message } });
        }
        return true;
      });
      if (!answer.ok) return;
    }
    if (rec && rec.state === "photos" && rec.photos.every((photo) => photo.uploaded)) await store().remove(uuid);
  }

  /** Send every waiting record of the signed-in person, in batches; report progress. */
  async function flush(me, onProgress) {
    const all = await store().records();
    const mine = all.filter((rec) => store().SENDABLE.has(rec.state) && (!rec.owner || rec.owner === me.username));
    const total = mine.length;
    let done = 0;
    const progress = () => {
      store().emit("progress", { done, total });
      if (onProgress) onProgress(done, total);
    };
    if (total) progress();
    const toSend = mine.filter((rec) => rec.state !== "photos");
    for (let start = 0; start < toSend.length; start += settings.batchSize) {
      // Marked "sending" one by one, each in its own transaction, and sent as marked: a record the
      // person deleted (or that changed state) since the list was read is not sent; one marked
      // "sending" can be neither edited nor deleted until its answer is in (outbox.js).
      const batch = [];
      for (const rec of toSend.slice(start, start + settings.batchSize)) {
        const marked = await store().update(rec.uuid, (current) => {
          if (!store().SENDABLE.has(current.state) || current.state === "photos") return false;
          current.state = "sending";
          return true;
        });
        if (marked) batch.push(marked);
      }
      if (!batch.length) continue;
      let answer;
      try {
        answer = await request("POST", API.sync, JSON.stringify({ entries: batch.map((rec) => ({
          uuid: rec.uuid, kind: rec.kind, base_revision: rec.baseRevision, data: rec.data })) }),
        { "Content-Type": "application/json" });
        if (!answer.ok || !answer.body || !Array.isArray(answer.body.results)) {
          throw new SyncProblem("refused", answer.status);
        }
      } catch (problem) {
        await markAttempt(mine.map((rec) => rec.uuid), problem);
        throw problem;
      }
      for (const [index, result] of answer.body.results.entries()) {
        const resultUuid = String(result.uuid || "").toLowerCase();
        const sent = batch.find((rec) => rec.uuid.toLowerCase() === resultUuid) || batch[index];
        if (sent) await applyResult(sent, result);
        done += 1;
        progress();
      }
    }
    for (const rec of await store().records()) {
      if (rec.state === "photos" && (!rec.owner || rec.owner === me.username)) {
        try {
          await uploadPhotos(rec.uuid);
        } catch (problem) {
          await markAttempt([rec.uuid], problem);
          throw problem;
        }
        if (!toSend.some((sent) => sent.uuid === rec.uuid)) {
          done += 1; // a record whose entry was accepted earlier: only its photos were left
          progress();
        }
      }
    }
    return { sent: done, total };
  }

  /** Read back what changed on the server since the cursor, page after page, into "entries". */
  async function pull(me) {
    if ((await store().getMeta("entries_owner")) !== me.username) {
      await store().clearKnownEntries();
      await store().setMeta("cursor", null);
      await store().setMeta("entries_owner", me.username);
    }
    let cursor = await store().getMeta("cursor");
    for (let page = 0; page < settings.maxPages; page += 1) {
      const url = API.entries + (cursor ? `?updated_since=${encodeURIComponent(cursor)}` : "");
      const answer = await request("GET", url);
      if (!answer.ok || !answer.body) throw new SyncProblem("refused", answer.status);
      const entries = answer.body.entries || [];
      await store().putKnownEntries(entries, me.username);
      const next = answer.body.cursor;
      const moved = next != null && String(next) !== String(cursor);
      if (moved) {
        cursor = next;
        await store().setMeta("cursor", next);
      }
      if (!entries.length || !moved || !answer.body.more) break; // "more": the page was full
    }
  }

  /** Who is signed in (GET /api/v1/me); kept for offline use (unit and village names). */
  async function whoAmI() {
    const answer = await request("GET", API.me);
    if (!answer.ok || !answer.body) throw new SyncProblem("refused", answer.status);
    await store().setMeta("me", answer.body);
    return answer.body;
  }

  /** The whole sync: who am I, send the outbox, read back. Never two at once. */
  async function sync(options) {
    const opts = options || {};
    const outcome = await withLock(async () => {
      try {
        const me = await whoAmI();
        await store().setMeta("auth_required", false);
        const sent = await flush(me, opts.onProgress);
        await store().setMeta("last_sync_at", store().now());
        if (opts.pull !== false) await pull(me);
        return Object.assign({ status: "ok" }, sent);
      } catch (problem) {
        if (!(problem instanceof SyncProblem)) throw problem;
        if (problem.code === "unauthorized") await store().setMeta("auth_required", true);
        await store().setMeta("last_problem", { code: problem.code, status: problem.status,
          message: problem.serverMessage, retryAfterMs: problem.retryAfterMs, at: store().now() });
        return { status: problem.code, code: problem.code, httpStatus: problem.status };
      }
    });
    store().emit("done", outcome);
    return outcome;
  }

  /** When the automatic retry should run next (the earliest waiting record), or null. */
  async function nextRetryAt(owner) {
    const times = (await store().records())
      .filter((rec) => store().SENDABLE.has(rec.state) && rec.owner === owner && rec.nextAttemptAt)
      .map((rec) => Date.parse(rec.nextAttemptAt));
    return times.length ? Math.min.apply(null, times) : null;
  }

  scope.BinhdangSync = { configure, sync, nextRetryAt, backoff, retryAfterMs, SyncProblem };
})(self);

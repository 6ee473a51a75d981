/* Push handlers of the service worker, loaded with importScripts('/static/js/sw-push.js').
 *
 * Contract: a push's data is JSON {title, body, url} (and an optional tag, so a newer
 * notification of the same sort replaces the older one). A push with "type": "clear" takes down the
 * shown notifications of its tag instead (the reviewer's "N entries wait" once nothing waits); when no
 * window of the app is visible, a quiet notification with the push's own title says so, since a push
 * must show something then. Other pushes are shown as a notification; a click
 * focuses an open window of the app and navigates it to `url`, or opens `url` in a new window.
 * Only same-origin URLs are opened. Open pages get a {type: "push"} message (the bell's count).
 */
(() => {
  const DEFAULT_TITLE = "Bình Đẳng";

  /** A same-origin absolute URL for `url`, else the app's start page. */
  function sameOrigin(url) {
    try {
      const parsed = new URL(url || "/", self.location.origin);
      return parsed.origin === self.location.origin ? parsed.href : new URL("/", self.location.origin).href;
    } catch (error) {
      return new URL("/", self.location.origin).href;
    }
  }

  /** The push's JSON data, or a plain-text body if it is not JSON. */
  function readData(event) {
    if (!event.data) return {};
    try {
      return event.data.json();
    } catch (error) {
      return { body: event.data.text() };
    }
  }

  /** Close the shown notifications tagged `tag`; if no app window is visible, say so quietly. */
  async function clearTag(tag, data, url) {
    const shown = await self.registration.getNotifications({ tag });
    shown.forEach((notification) => notification.close());
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    windows.forEach((client) => client.postMessage({ type: "push-clear", tag }));
    if (shown.length && !windows.some((client) => client.visibilityState === "visible")) {
      await self.registration.showNotification(data.title || DEFAULT_TITLE,
        { body: data.body || "", data: { url }, lang: "vi", tag, silent: true });
    }
  }

  self.addEventListener("push", (event) => {
    const data = readData(event);
    const url = sameOrigin(data.url);
    if (data.type === "clear" && data.tag) {
      event.waitUntil(clearTag(String(data.tag), data, url));
      return;
    }
    const options = { body: data.body || "", data: { url }, lang: "vi" };
    if (data.tag) {
      options.tag = String(data.tag);
      options.renotify = true;
    }
    event.waitUntil((async () => {
      await self.registration.showNotification(data.title || DEFAULT_TITLE, options);
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      windows.forEach((client) => client.postMessage({ type: "push", title: data.title || "", url }));
    })());
  });

  self.addEventListener("notificationclick", (event) => {
    event.notification.close();
    const url = sameOrigin(event.notification.data && event.notification.data.url);
    event.waitUntil((async () => {
      const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      for (const client of windows) {
        if (new URL(client.url).origin !== self.location.origin) continue;
        await client.focus();
        try {
          await client.navigate(url);
          return;
        } catch (error) {
          break; // not controlled by this worker: open a window instead
        }
      }
      await self.clients.openWindow(url);
    })());
  });

  self.addEventListener("pushsubscriptionchange", (event) => {
    // The browser renewed the subscription: store the new one for the signed-in person.
    event.waitUntil((async () => {
      const old = event.oldSubscription;
      const fresh = event.newSubscription || (old && await self.registration.pushManager.subscribe(old.options));
      if (!fresh) return;
      const { endpoint, keys } = fresh.toJSON();
      await fetch("/api/v1/push/subscriptions", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-Binhdang-Client": "1" },
        body: JSON.stringify({ endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } }),
      });
    })());
  });
})();

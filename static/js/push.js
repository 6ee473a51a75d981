// "Bật thông báo": subscribe this device to Web Push through the service worker's PushManager,
// store the subscription on the server, or turn it off. Wires every [data-push] section, also
// ones htmx swaps in later. Texts come from the section's data-msg-* attributes (Vietnamese first).

// A [data-push-promo] section is the "Bật thông báo?" banner: shown only while this device can receive
// pushes and has none, until turned on or put off with "Để sau" (remembered on the device).

const JSON_HEADERS = { "Content-Type": "application/json", "X-Binhdang-Client": "1" };
const PROMO_KEY = "binhdang.pushPromo";

/** The banner's answer on this device ("later" or "on"), if any. */
function promoAnswered() {
  try {
    return localStorage.getItem(PROMO_KEY);
  } catch (error) {
    return "later"; // no storage: do not nag at every page
  }
}

/** Remember the banner's answer on this device. */
function rememberPromo(answer) {
  try {
    localStorage.setItem(PROMO_KEY, answer);
  } catch (error) { /* private mode: asked again next time */ }
}

/** The applicationServerKey as bytes, from the server's base64url public key. */
function keyBytes(base64url) {
  const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** Whether a subscription was made with this server key (else it must be renewed). */
function sameKey(subscription, bytes) {
  const used = subscription.options && subscription.options.applicationServerKey;
  if (!used) return true;
  const view = new Uint8Array(used);
  return view.length === bytes.length && view.every((value, i) => value === bytes[i]);
}

/** The service worker registration that receives pushes (registers the app's worker if needed). */
async function registration(section) {
  const existing = await navigator.serviceWorker.getRegistration("/");
  if (!existing) await navigator.serviceWorker.register(section.dataset.swUrl || "/sw.js", { scope: "/" });
  return navigator.serviceWorker.ready;
}

/** Tell the server about this device's subscription (also refreshes it when the app is opened). */
async function save(section, subscription) {
  const { endpoint, keys } = subscription.toJSON();
  const response = await fetch(section.dataset.subscriptionsUrl, {
    method: "POST", credentials: "same-origin", headers: JSON_HEADERS,
    body: JSON.stringify({ endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } }),
  });
  if (response.status !== 201) throw new Error(`HTTP ${response.status}`);
}

/** Show or hide a button (the hidden attribute, which app.css makes beat the .btn class's display). */
function toggle(element, visible) {
  element.hidden = !visible;
  element.style.display = visible ? "" : "none";
}

/** Show the state: which button, which sentence. */
function show(section, state, detail = "") {
  const status = section.querySelector("[data-push-status]");
  const messages = { on: "msgOn", off: "msgOff", working: "msgWorking", denied: "msgDenied",
                     unsupported: "msgUnsupported", error: "msgError" };
  status.textContent = `${section.dataset[messages[state]] || ""} ${detail}`.trim();
  section.dataset.pushState = state;
  if (section.hasAttribute("data-push-promo")) return showPromo(section, state);
  toggle(section.querySelector("[data-push-enable]"), ["off", "denied", "error"].includes(state));
  toggle(section.querySelector("[data-push-disable]"), state === "on");
}

/** The banner: visible while the device is off (or turning on, or failed); "on" is remembered. */
function showPromo(section, state) {
  if (state === "on" && !section.hidden) rememberPromo("on");
  const open = section.dataset.promoOpen === "1";
  if (!open && state === "off" && !promoAnswered()) section.dataset.promoOpen = "1";
  const visible = section.dataset.promoOpen === "1" && state !== "unsupported";
  section.hidden = !visible;
  toggle(section.querySelector("[data-push-disable]"), false);
  toggle(section.querySelector("[data-push-later]"), state !== "on" && state !== "working");
}

/** Ask permission, subscribe through PushManager and store the subscription. */
async function enable(section) {
  show(section, "working");
  try {
    const permission = await Notification.requestPermission();
    if (permission !== "granted") return show(section, "denied");
    const reg = await registration(section);
    const response = await fetch(section.dataset.keyUrl, { credentials: "same-origin" });
    const key = keyBytes((await response.json()).public_key);
    let subscription = await reg.pushManager.getSubscription();
    if (subscription && !sameKey(subscription, key)) {
      await subscription.unsubscribe();
      subscription = null;
    }
    subscription = subscription || await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    await save(section, subscription);
    show(section, "on");
  } catch (error) {
    show(section, "error", `${error.name || ""} ${error.message || error}`.trim());
  }
}

/** Unsubscribe this device and forget it on the server. */
async function disable(section) {
  show(section, "working");
  try {
    const reg = await registration(section);
    const subscription = await reg.pushManager.getSubscription();
    if (subscription) {
      await fetch(section.dataset.subscriptionsUrl, {
        method: "DELETE", credentials: "same-origin", headers: JSON_HEADERS,
        body: JSON.stringify({ endpoint: subscription.endpoint }),
      });
      await subscription.unsubscribe();
    }
    show(section, "off");
  } catch (error) {
    show(section, "error", `${error.name || ""} ${error.message || error}`.trim());
  }
}

/** Find the current state of this device and wire the buttons of one section (once). */
async function wire(section) {
  if (section.dataset.pushWired) return;
  section.dataset.pushWired = "1";
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    return show(section, "unsupported");
  }
  section.querySelector("[data-push-enable]").addEventListener("click", () => enable(section));
  section.querySelector("[data-push-disable]").addEventListener("click", () => disable(section));
  const later = section.querySelector("[data-push-later]");
  if (later) {
    later.addEventListener("click", () => {
      rememberPromo("later");
      section.hidden = true;
      section.dataset.promoOpen = "0";
    });
  }
  if (section.hasAttribute("data-push-promo") && promoAnswered()) return undefined; // asked already
  if (Notification.permission === "denied") return show(section, "denied");
  const reg = await navigator.serviceWorker.getRegistration("/");
  const subscription = reg && Notification.permission === "granted" && await reg.pushManager.getSubscription();
  if (!subscription) return show(section, "off");
  try {
    await save(section, subscription); // the server may have dropped it, or another user used this phone
    show(section, "on");
  } catch (error) {
    show(section, "error", `${error.message || error}`);
  }
}

/** Wire every push section under ``root``. */
function wireAll(root) {
  root.querySelectorAll("[data-push]").forEach((section) => { wire(section); });
}

/** A push arrived while the app is open: raise the bell's count at once. */
function onWorkerMessage(event) {
  if (!event.data || event.data.type !== "push") return;
  document.querySelectorAll("[data-unread-count]").forEach((badge) => {
    badge.textContent = String((parseInt(badge.textContent, 10) || 0) + 1);
    badge.hidden = false;
  });
}

wireAll(document);
document.addEventListener("htmx:load", (event) => wireAll(event.target));
if ("serviceWorker" in navigator) navigator.serviceWorker.addEventListener("message", onWorkerMessage);

/* The review queue: a tapped quick comment ("Bổ sung ảnh", …) is added to the return box of its row.
 * Delegated from the document, so rows that htmx swaps in (filters, pages, a refused decision) work too.
 * Without JavaScript the quick comments stay readable suggestions and the box is typed in. */

/** Add `text` to the textarea's comment, one sentence after another, and put the cursor at the end. */
function addComment(textarea, text) {
  const current = textarea.value.trim();
  if (current.split(/\.\s*/).includes(text)) return;
  textarea.value = current ? `${current.replace(/[.\s]*$/, "")}. ${text}` : text;
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
  textarea.focus();
  textarea.setSelectionRange(textarea.value.length, textarea.value.length);
}

document.addEventListener("click", (event) => {
  const chip = event.target.closest("[data-quick-comment]");
  if (!chip) return;
  const form = chip.closest("form");
  const textarea = form && form.querySelector("textarea[name=comment]");
  if (textarea) addComment(textarea, chip.textContent.trim());
});

/** The queue is on screen: take down the "N entries wait for review" notification (its news is here). */
async function closeWaitingNotifications() {
  if (!("serviceWorker" in navigator) || !document.getElementById("review-list")) return;
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration || !registration.getNotifications) return;
  (await registration.getNotifications({ tag: "review_waiting" })).forEach((notification) => notification.close());
  document.documentElement.dataset.waitingNotificationsClosed = "1";
}

closeWaitingNotifications().catch(() => {});
// A boosted navigation back to the queue does not load this module again: listen for it.
document.addEventListener("htmx:afterSettle", () => { closeWaitingNotifications().catch(() => {}); });

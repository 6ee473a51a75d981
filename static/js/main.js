// Every page's script, bundled and minified at install time (`make assets`: esbuild → static/dist/main.js).
// One file instead of fifteen modules: a phone's first visit downloads one compressed script, and the
// service worker precaches it. Order matters: the outbox needs idb, the pages need the outbox.
// Modules of one page only (the entry list on the phone, settings) stay separate chunks that pwa.js loads
// where their page is; the review queue's script is its own file (templates/review/queue.html).
import "./idb-global.js";
import "./outbox.js";
import "./sync.js";
import "./app.js";
import "./pwa.js";
import "./push.js";
import "./identity-check.js";
import "./gps.js";
import "./form-ux.js";

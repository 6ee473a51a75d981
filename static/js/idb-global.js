// idb (from npm) as self.idb, where outbox.js and sync.js look for it: the service worker gets the same
// name from idb's UMD build (importScripts), the pages from this module inside their bundle.
import * as idb from "idb";

self.idb = idb;

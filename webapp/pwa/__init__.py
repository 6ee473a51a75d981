"""The installable, offline-first app: manifest, service worker, outbox pages and settings."""

"""Web Push and the in-app notification list: an outbox written with the event, sent by a worker."""

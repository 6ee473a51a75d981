"""The JSON API under ``/api/v1`` (tokens, me, sync, read-back, photos, OpenAPI) and "my devices"."""

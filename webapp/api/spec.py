"""The OpenAPI description of this package's endpoints (tokens, me, sync, entries)."""
from __future__ import annotations

from webapp.api.openapi import add_path, add_schema, error_responses, json_body, json_response, ref
from webapp.api.sync import STATUSES

ID_NAME = {"type": "object", "required": ["id", "name"],
           "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}
UUID_PARAM = {"name": "uuid", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}

add_schema("TokenRequest", {
    "type": "object", "required": ["username", "password"],
    "properties": {"username": {"type": "string"}, "password": {"type": "string", "format": "password"},
                   "device_name": {"type": "string", "maxLength": 120,
                                   "description": "Shown on the person's devices page and in the audit trail"}},
})
add_schema("Me", {
    "type": "object", "required": ["username", "roles", "units", "villages", "kinds"],
    "properties": {
        "username": {"type": "string"},
        "roles": {"type": "array", "items": {
            "type": "object", "required": ["role", "unit_id"],
            "properties": {"role": {"type": "string", "enum": ["field_staff", "supervisor", "officer", "admin"]},
                           "unit_id": {"type": "integer"}}}},
        "units": {"type": "array", "items": ID_NAME, "description": "Units this user may log activities for"},
        "villages": {"type": "array", "items": ID_NAME},
        "kinds": {"type": "array", "items": {"type": "string"}},
    },
})
add_schema("SyncRequest", {
    "type": "object", "required": ["entries"],
    "properties": {"entries": {"type": "array", "maxItems": 500, "items": ref("SyncEntry")}},
})
add_schema("SyncResult", {
    "type": "object", "required": ["uuid", "status", "revision", "errors"],
    "properties": {
        "uuid": {"type": "string", "nullable": True, "description": "As sent (null when it was not text)"},
        "status": {"type": "string", "enum": list(STATUSES)},
        "revision": {"type": "integer", "nullable": True, "description": "The server's revision after this call"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"},
                   "description": "Field name (or `_entry` for the whole entry) → message"},
        "current": {"allOf": [ref("Entry")], "description": "The server's version, on conflict"},
    },
})
add_schema("EntriesPage", {
    "type": "object", "required": ["entries", "cursor"],
    "properties": {
        "entries": {"type": "array", "items": ref("Entry")},
        "cursor": {"type": "string", "description": "Pass as updated_since to get what changed after"},
        "more": {"type": "boolean", "description": "A full page: ask again with the cursor"},
    },
})

add_path("/api/v1/tokens", "post", {
    "summary": "Sign a device in: a bearer token for every other call",
    "security": [],
    "requestBody": json_body(ref("TokenRequest")),
    "responses": {"201": json_response("The token (shown once)", {
        "type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}),
        **error_responses(400, 401, 429)},
})
add_path("/api/v1/tokens/current", "delete", {
    "summary": "Revoke the token that signs this request",
    "security": [{"bearerAuth": []}],
    "responses": {"204": {"description": "Revoked; later calls with it get 401"}, **error_responses(400, 401)},
})
add_path("/api/v1/me", "get", {
    "summary": "Who am I: roles, the units I may log for, villages and kinds",
    "responses": {"200": json_response("The signed-in user", ref("Me")), **error_responses(401)},
})
add_path("/api/v1/sync", "post", {
    "summary": "Send entries made on the device; idempotent by UUID",
    "description": "One result per entry, in the same order. The answer is sent after the batch commits.",
    "requestBody": json_body(ref("SyncRequest")),
    "responses": {"200": json_response("One result per entry", {
        "type": "object", "required": ["results"],
        "properties": {"results": {"type": "array", "items": ref("SyncResult")}}}),
        **error_responses(400, 401, 403, 413)},
})
add_path("/api/v1/entries", "get", {
    "summary": "Entries this user may see that changed since the cursor, in change order",
    "parameters": [
        {"name": "updated_since", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "A cursor from an earlier answer; none: from the start"},
        {"name": "limit", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 500}},
    ],
    "responses": {"200": json_response("A page of entries", ref("EntriesPage")), **error_responses(400, 401)},
})
add_path("/api/v1/openapi.json", "get", {
    "summary": "This document",
    "security": [],
    "responses": {"200": json_response("OpenAPI 3.0", {"type": "object"})},
})

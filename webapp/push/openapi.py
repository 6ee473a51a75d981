"""The push endpoints in the OpenAPI document (``/api/v1/openapi.json``)."""
from __future__ import annotations

from webapp.api.openapi import add_path, add_schema, error_responses, json_body, json_response, ref

add_schema("PushSubscription", {
    "type": "object",
    "required": ["endpoint", "keys"],
    "properties": {
        "endpoint": {"type": "string", "format": "uri", "maxLength": 2048,
                     "description": "The push service URL from PushSubscription.toJSON() (https)"},
        "keys": {"type": "object", "required": ["p256dh", "auth"], "properties": {
            "p256dh": {"type": "string", "description": "The browser's P-256 public key, base64url (65 bytes)"},
            "auth": {"type": "string", "description": "The 16-byte auth secret, base64url"}}},
    },
})
add_path("/api/v1/push/key", "get", {
    "summary": "The server's VAPID public key (applicationServerKey)",
    "security": [],
    "responses": {"200": json_response("Base64url of the uncompressed P-256 point", {
        "type": "object", "required": ["public_key"], "properties": {"public_key": {"type": "string"}}})},
})
add_path("/api/v1/push/subscriptions", "post", {
    "summary": "Store this device's push subscription for the signed-in person",
    "description": "Pushes are JSON {title, body, url} (≤ 3 KB, no person's name) and an optional tag. "
                   "Posting the same endpoint again refreshes it (and moves it to the signed-in person).",
    "requestBody": json_body(ref("PushSubscription")),
    "responses": {"201": json_response("Stored", {"type": "object", "properties": {
        "endpoint": {"type": "string"}, "created": {"type": "boolean"}}}), **error_responses(400, 401, 403)},
})
add_path("/api/v1/push/subscriptions", "delete", {
    "summary": "Forget this device's push subscription",
    "requestBody": json_body({"type": "object", "required": ["endpoint"],
                              "properties": {"endpoint": {"type": "string"}}}),
    "responses": {"204": {"description": "Removed (or already gone)"}, **error_responses(400, 401, 403)},
})

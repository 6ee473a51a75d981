"""The OpenAPI description of the photo endpoints."""
from __future__ import annotations

from webapp.api.openapi import add_path, add_schema, error_responses, json_response, ref
from webapp.api.spec import UUID_PARAM

SHA_PARAM = {"name": "sha256", "in": "path", "required": True,
             "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
             "description": "Lower-case hex SHA-256 of the photo's bytes"}

add_schema("Photo", {
    "type": "object", "required": ["sha256", "content_type", "size"],
    "properties": {"sha256": {"type": "string"}, "content_type": {"type": "string"},
                   "size": {"type": "integer"}, "width": {"type": "integer", "nullable": True},
                   "height": {"type": "integer", "nullable": True}, "url": {"type": "string"}},
})

add_path("/api/v1/entries/{uuid}/photos/{sha256}", "put", {
    "summary": "Attach a photo (JPEG, PNG or WebP) to an entry; the same photo again is the same photo",
    "parameters": [UUID_PARAM, SHA_PARAM],
    "requestBody": {"required": True, "content": {
        mime: {"schema": {"type": "string", "format": "binary"}}
        for mime in ("image/jpeg", "image/png", "image/webp")}},
    "responses": {"201": json_response("Stored", ref("Photo")),
                  "200": json_response("Already stored", ref("Photo")),
                  **error_responses(400, 401, 403, 404, 409, 413, 415)},
})
add_path("/api/v1/entries/{uuid}/photos/{sha256}", "get", {
    "summary": "The photo's bytes, for people who may see the entry",
    "parameters": [UUID_PARAM, SHA_PARAM],
    "responses": {"200": {"description": "The image", "content": {
        mime: {"schema": {"type": "string", "format": "binary"}}
        for mime in ("image/jpeg", "image/png", "image/webp")}}, **error_responses(401, 404)},
})

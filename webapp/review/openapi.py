"""The review endpoint in the OpenAPI document (``/api/v1/openapi.json``)."""
from __future__ import annotations

from webapp.api.openapi import add_path, add_schema, error_responses, json_body, json_response, ref

add_schema("ReviewRequest", {
    "type": "object",
    "required": ["action", "revision"],
    "properties": {
        "action": {"type": "string", "enum": ["approve", "return"]},
        "comment": {"type": "string", "maxLength": 2000,
                    "description": "Required to return: what the author must fix (no personal numbers)"},
        "revision": {"type": "integer", "minimum": 1, "description": "The revision the reviewer saw"},
    },
})
add_schema("ReviewResult", {
    "type": "object",
    "required": ["status", "revision"],
    "properties": {"status": {"type": "string", "enum": ["approved", "returned"]},
                   "revision": {"type": "integer", "minimum": 2}},
})
add_path("/api/v1/entries/{uuid}/review", "post", {
    "summary": "Approve an entry, or return it to its author with a comment",
    "description": "Only a supervisor, officer or admin over the entry's unit, never its author. The "
                   "entry must be waiting (submitted), not dated in a closed period, and `revision` must be "
                   "its current revision. A 409 error carries `error.code` `stale`, `locked` or "
                   "`not_waiting` and the entry's current version in `error.current`. Approving locks "
                   "the entry; either action gives it a new revision, read back by devices.",
    "parameters": [{"name": "uuid", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
    "requestBody": json_body(ref("ReviewRequest")),
    "responses": {"200": json_response("The entry's new status and revision", ref("ReviewResult")),
                  **error_responses(400, 401, 403, 404, 409)},
})

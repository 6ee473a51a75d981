"""The OpenAPI 3 document of ``/api/v1``: a registry to which every package adds its own paths.

A package that adds an endpoint describes it next to its view, at import time::

    from webapp.api.openapi import add_path, error_responses, json_body, json_response

    add_path("/api/v1/entries/{uuid}/review", "post", {
        "summary": "Approve or return an entry",
        "requestBody": json_body({"$ref": "#/components/schemas/ReviewRequest"}),
        "responses": {"200": json_response("The new status", {...}), **error_responses(401, 403, 409)},
    })
    add_schema("ReviewRequest", {...})

The per-kind ``data`` schemas are generated from the kind declarations each time the document is
built, so a new kind appears without touching this module.
"""
from __future__ import annotations

import copy
from typing import Any, Callable

from webapp.kinds import all_kinds

API_PREFIX = "/api/v1"
_PATHS: dict[str, dict[str, dict]] = {}
_SCHEMAS: dict[str, dict | Callable[[], dict]] = {}

ERROR_DESCRIPTIONS = {
    400: "The request is not valid (not JSON, wrong shape, bad parameter)",
    401: "Not signed in: no token, or a revoked one",
    403: "Not allowed (role, unit, or a cookie call without X-Binhdang-Client)",
    404: "Not found, or not visible to this user",
    409: "Conflict with the current state (stale revision, locked entry)",
    413: "Too large",
    415: "Unsupported media type",
    429: "Too many attempts",
}


def add_path(path: str, method: str, operation: dict) -> None:
    """Describe ``method`` on ``path`` (a full path starting with ``/api/v1``)."""
    if not path.startswith(API_PREFIX):
        raise ValueError(f"OpenAPI paths start with {API_PREFIX}: {path}")
    _PATHS.setdefault(path, {})[method.lower()] = operation


def add_schema(name: str, schema: dict | Callable[[], dict]) -> None:
    """Add a named schema to ``components.schemas`` (a callable is built with each document)."""
    _SCHEMAS[name] = schema


def ref(name: str) -> dict:
    """A reference to a named schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict, required: bool = True) -> dict:
    """A JSON request body."""
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def json_response(description: str, schema: dict) -> dict:
    """A JSON response."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_responses(*statuses: int) -> dict:
    """The contract's error response for each of ``statuses``."""
    return {str(status): {"description": ERROR_DESCRIPTIONS.get(status, "Error"),
                          "content": {"application/json": {"schema": ref("Error")}}}
            for status in statuses}


def _kind_schemas() -> dict[str, dict]:
    """``Data_<kind>``, ``SyncEntry_<kind>`` and ``Entry_<kind>`` for every kind, and their unions."""
    schemas: dict[str, dict] = {}
    kinds = all_kinds()
    for kind in kinds:
        data = kind.schema()
        data["title"] = str(data.get("title", kind.code))
        data["description"] = f"`data` of a {kind.code} entry: {kind.label}"
        schemas[f"Data_{kind.code}"] = data
        schemas[f"SyncEntry_{kind.code}"] = {
            "type": "object",
            "required": ["uuid", "kind", "data"],
            "properties": {
                "uuid": {"type": "string", "format": "uuid", "description": "Made on the device"},
                "kind": {"type": "string", "enum": [kind.code]},
                "base_revision": {"type": "integer", "minimum": 1, "nullable": True,
                                  "description": "null for a new entry, else the revision it was edited from"},
                "data": ref(f"Data_{kind.code}"),
            },
        }
        schemas[f"Entry_{kind.code}"] = {
            "type": "object",
            "required": ["uuid", "kind", "status", "revision", "data", "review_comment"],
            "properties": {
                "uuid": {"type": "string", "format": "uuid"},
                "kind": {"type": "string", "enum": [kind.code]},
                "status": {"type": "string", "enum": ["submitted", "approved", "returned"]},
                "revision": {"type": "integer", "minimum": 1},
                "data": ref(f"Data_{kind.code}"),
                "review_comment": {"type": "string"},
            },
        }
    for union in ("SyncEntry", "Entry"):
        schemas[union] = {
            "oneOf": [ref(f"{union}_{kind.code}") for kind in kinds],
            "discriminator": {"propertyName": "kind", "mapping": {
                kind.code: f"#/components/schemas/{union}_{kind.code}" for kind in kinds}},
        }
    return schemas


def _error_schema() -> dict:
    """``{"error": {"code", "message"}}``."""
    return {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string",
                                                               "description": "Vietnamese, or English with Accept-Language: en"}},
    }}}


def document() -> dict[str, Any]:
    """The whole OpenAPI 3.0 document, as served at ``/api/v1/openapi.json``."""
    schemas = {"Error": _error_schema(), **_kind_schemas()}
    for name, schema in _SCHEMAS.items():
        schemas[name] = schema() if callable(schema) else copy.deepcopy(schema)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Bình Đẳng API",
            "version": "1",
            "description": "Field reporting of a commune's gender-equality plan. Every call but "
                           "POST /api/v1/tokens and this document sends `Authorization: Bearer <token>`; "
                           "the browser app may use its session cookie with the header `X-Binhdang-Client: 1`.",
        },
        "servers": [{"url": "/"}],
        "paths": {path: copy.deepcopy(operations) for path, operations in sorted(_PATHS.items())},
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "A token from POST /api/v1/tokens"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session",
                               "description": "The browser app's session (state-changing calls also "
                                              "send X-Binhdang-Client: 1 from the same origin)"},
            },
        },
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
    }

"""The report endpoints in the OpenAPI document (``/api/v1/openapi.json``)."""
from __future__ import annotations

from webapp.api.openapi import add_path, add_schema, error_responses, json_response, ref

_COUNTS = {
    "entries": {"type": "integer", "minimum": 0},
    "participants_male": {"type": "integer", "minimum": 0},
    "participants_female": {"type": "integer", "minimum": 0},
    "participants_total": {"type": "integer", "minimum": 0},
    "cost_vnd": {"type": "integer", "minimum": 0},
}
_REQUIRED = list(_COUNTS)
_COLUMN_VALUE = {"oneOf": [{"type": "integer"}, {"type": "string", "enum": ["<5"]}],
                 "description": "A requested kind column (`kind.field`); counts of victims below 5 read \"<5\""}

add_schema("TotalsRow", {
    "type": "object",
    "required": _REQUIRED,
    "description": "One group: its keys (those of `group_by`: `kind` code, `unit`/`village`/`commune` id, "
                   "`month` as YYYY-MM, `campaign` code or null) and its counts",
    "properties": {
        "kind": {"type": "string"}, "unit": {"type": "integer"}, "village": {"type": "integer"},
        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
        "campaign": {"type": "string", "nullable": True}, "commune": {"type": "integer"}, **_COUNTS,
    },
    "additionalProperties": _COLUMN_VALUE,
})
add_schema("Totals", {
    "type": "object",
    "required": ["rows", "totals"],
    "properties": {
        "rows": {"type": "array", "items": ref("TotalsRow")},
        "totals": {"type": "object", "required": _REQUIRED, "properties": _COUNTS,
                   "additionalProperties": _COLUMN_VALUE},
        "labels": {"type": "object", "description": "Names of the group values, by group key then value",
                   "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}}},
        "sensitive": {
            "type": "array",
            "description": "Figures of sensitive kinds (support of victims), left out of rows and totals: per "
                           "commune over its whole reporting year, published only when the window is the annual "
                           "report period of a whole commune or province (else `message` says why); `<5` for "
                           "small cells and for the cells that would reveal them",
            "items": {"type": "object", "required": ["kind", "year", "published", "rows"], "properties": {
                "kind": {"type": "string"}, "year": {"type": "integer"}, "published": {"type": "boolean"},
                "message": {"type": "string", "nullable": True},
                "rows": {"type": "array", "items": {"type": "object", "properties": {"commune": {"type": "integer"}},
                                                    "additionalProperties": _COLUMN_VALUE}},
                "totals": {"type": "object", "nullable": True, "additionalProperties": _COLUMN_VALUE}}},
        },
    },
})
add_schema("ExportJob", {
    "type": "object",
    "required": ["id", "format", "status", "progress"],
    "properties": {
        "id": {"type": "string", "format": "uuid"}, "format": {"type": "string", "enum": ["docx", "xlsx"]},
        "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100}, "message": {"type": "string"},
        "download_url": {"type": "string", "description": "Present when done"},
    },
})


def _query(name: str, description: str, required: bool = False, schema: dict | None = None) -> dict:
    """A query parameter."""
    return {"name": name, "in": "query", "required": required, "description": description,
            "schema": schema or {"type": "string"}}


add_path("/api/v1/reports/totals", "get", {
    "summary": "Totals of entries for a period, grouped",
    "description": "Computed in SQL from the entries the caller may see (supervisor: their units; officer: "
                   "the commune; province officer: every commune of the province, or one with `commune`). "
                   "Field staff get 403. Dates are inclusive. A bad parameter gives 400 with `error.param`.",
    "parameters": [
        _query("from", "First day, YYYY-MM-DD", True, {"type": "string", "format": "date"}),
        _query("to", "Last day, YYYY-MM-DD", True, {"type": "string", "format": "date"}),
        _query("group_by", "Comma list of kind, unit, village, month, campaign, commune"),
        _query("status", "approved (default), submitted, returned, a comma list of them, or all"),
        _query("kind", "Only this kind"), _query("unit", "Only this unit and the units below it (id)"),
        _query("village", "Only this village (id)"), _query("campaign", "Only this campaign (code)"),
        _query("commune", "Only this commune (id), for a province officer"),
        _query("columns", "Comma list of kind report columns to add, e.g. training.days"),
    ],
    "responses": {"200": json_response("Rows and totals", ref("Totals")), **error_responses(400, 401, 403)},
})
add_path("/api/v1/reports/exports/{id}", "get", {
    "summary": "Progress of a background DOCX or XLSX export",
    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}],
    "responses": {"200": json_response("The job", ref("ExportJob")), **error_responses(401, 404)},
})

"""``GET /api/v1/openapi.json``: a valid OpenAPI 3 document with every path and the per-kind schemas."""
import re

from openapi_spec_validator import validate

from webapp.api import openapi
from webapp.kinds import all_kinds

CONTRACT_PATHS = {
    ("/api/v1/tokens", "post"), ("/api/v1/tokens/current", "delete"), ("/api/v1/me", "get"),
    ("/api/v1/sync", "post"), ("/api/v1/entries", "get"),
    ("/api/v1/entries/{uuid}/photos/{sha256}", "put"), ("/api/v1/entries/{uuid}/photos/{sha256}", "get"),
    ("/api/v1/openapi.json", "get"),
}


def _document(client):
    """The served document (no sign-in needed)."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.content_type == "application/json"
    return response.get_json()


def test_document_is_valid_openapi_3(client):
    """The validator finds nothing wrong."""
    document = _document(client)
    assert document["openapi"].startswith("3.0")
    validate(document)


def test_every_endpoint_of_this_package_is_described(client):
    """Each contract endpoint built here has its method described, with responses."""
    paths = _document(client)["paths"]
    described = {(path, method) for path, operations in paths.items() for method in operations}
    assert CONTRACT_PATHS <= described
    for path, method in CONTRACT_PATHS:
        assert paths[path][method]["responses"]


def test_every_api_route_is_in_the_document(app, client):
    """No ``/api/v1`` route of the app is left out (routes of other packages included)."""
    paths = _document(client)["paths"]
    described = {(re.sub(r"\{[^}]*\}", "{}", path), method)
                 for path, operations in paths.items() for method in operations}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = re.sub(r"<[^>]*>", "{}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in described, f"{method} {rule.rule} is not in openapi.json"


def test_each_kind_has_its_data_schema(client):
    """``Data_<kind>`` comes from the kind's declaration; sync and read-back choose it by ``kind``."""
    schemas = _document(client)["components"]["schemas"]
    for kind in all_kinds():
        data = schemas[f"Data_{kind.code}"]
        assert set(data["properties"]) == set(kind.field_names)
        assert set(data["required"]) == {f.name for f in kind.all_fields if f.required}
        assert {"unit_id", "village_id", "date", "participants_male", "participants_female", "cost_vnd",
                "notes"} <= set(data["properties"])
    mapping = schemas["SyncEntry"]["discriminator"]["mapping"]
    assert set(mapping) == {kind.code for kind in all_kinds()}
    assert schemas["SyncEntry_outreach"]["properties"]["data"] == {"$ref": "#/components/schemas/Data_outreach"}
    assert "format" in schemas["Data_outreach"]["required"]
    assert set(schemas["Entry"]["discriminator"]["mapping"]) == set(mapping)


def test_sync_result_statuses_are_the_contracts(client):
    """The RESULT schema lists exactly the contract's statuses."""
    result = _document(client)["components"]["schemas"]["SyncResult"]
    assert set(result["properties"]["status"]["enum"]) == {
        "created", "updated", "unchanged", "conflict", "rejected", "forbidden"}


def test_other_packages_can_add_paths(app, client):
    """``add_path`` and ``add_schema`` put another package's endpoint in the served document."""
    openapi.add_schema("ExampleThing", {"type": "object", "properties": {"n": {"type": "integer"}}})
    openapi.add_path("/api/v1/example-things", "get", {
        "summary": "An example", "responses": {"200": openapi.json_response("ok", openapi.ref("ExampleThing")),
                                               **openapi.error_responses(401)}})
    try:
        document = _document(client)
        assert document["paths"]["/api/v1/example-things"]["get"]["summary"] == "An example"
        assert "ExampleThing" in document["components"]["schemas"]
        validate(document)
    finally:
        openapi._PATHS.pop("/api/v1/example-things")
        openapi._SCHEMAS.pop("ExampleThing")

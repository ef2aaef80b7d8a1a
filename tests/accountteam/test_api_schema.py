"""The OpenAPI schema says what the API answers: the errors each operation can give, ids as
integers, the lists that come whole, and the fields that may be null. (``tests/test_schema_fuzz.py``
holds the API to it with generated requests; these pin what it found.)"""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/", {"format": "json"}).json()


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in {"get", *WRITES}:
                yield f"{method.upper()} {path}", method, operation


def ok_schema(schema, path, method, code="200"):
    return schema["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]


def component(schema, name):
    return schema["components"]["schemas"][name]


def test_every_operation_documents_the_errors_its_shape_can_answer(schema):
    missing = []
    for label, method, operation in operations(schema):
        parameters = operation.get("parameters", [])
        expected = {"401"}  # every operation here but the token sign-in needs a signed-in caller
        if any(p["in"] == "path" for p in parameters):
            expected.add("404")
        if method in WRITES:
            expected.add("403")
        if "requestBody" in operation or any(p["in"] == "query" and p["name"] not in ("page", "format")
                                             for p in parameters):
            expected.add("400")
        if label == "POST /api/v1/auth/token/":
            expected = {"400", "429"}
        if not expected <= set(operation["responses"]):
            missing.append(f"{label}: {sorted(expected - set(operation['responses']))}")
    assert missing == []


def test_ids_in_paths_are_integers(schema):
    not_integers = [
        f"{label} {p['name']}"
        for label, _, operation in operations(schema)
        for p in operation.get("parameters", [])
        if p["in"] == "path" and p["schema"].get("type") != "integer"
    ]
    assert not_integers == []


@pytest.mark.parametrize(
    ("path", "item"),
    [
        ("/api/v1/escalations/{id}/timeline/", "Event"),
        ("/api/v1/postmortems/{id}/versions/", "Version"),
        ("/api/v1/postmortems/{id}/notes/", "Note"),
    ],
)
def test_lists_that_come_whole_are_documented_as_arrays(schema, path, item):
    assert ok_schema(schema, path, "get") == {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}
    # and none of the escalation list's filters apply to an item's timeline
    assert [p["name"] for p in schema["paths"][path]["get"]["parameters"]] == ["id"]


def test_a_postmortems_next_deadline_may_be_null(schema):
    for name in ("PostMortem", "PostMortemDetail"):
        assert component(schema, name)["properties"]["next_deadline_at"]["nullable"] is True


def test_the_draft_is_always_there_and_may_be_null(schema):
    detail = component(schema, "PostMortemDetail")
    assert "draft" in detail["required"]
    draft = detail["properties"]["draft"]
    assert draft["nullable"] is True
    assert set(component(schema, draft["allOf"][0]["$ref"].rsplit("/", 1)[1])["properties"]) == {
        "summary", "root_cause", "restoration", "recommendations", "review_comment",
    }


def test_a_preventive_action_is_documented_as_one(schema):
    one = "/api/v1/postmortems/{id}/preventive-actions/{action_id}/"
    action = {"$ref": "#/components/schemas/PreventiveAction"}
    assert ok_schema(schema, one, "get") == ok_schema(schema, one, "patch") == action
    assert "200" not in schema["paths"][one]["delete"]["responses"]
    assert "204" in schema["paths"][one]["delete"]["responses"]
    many = "/api/v1/postmortems/{id}/preventive-actions/"
    assert "200" not in schema["paths"][many]["post"]["responses"]
    assert ok_schema(schema, many, "post", "201") == action


def test_list_query_parameters_are_documented(schema):
    def names(path):
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"] if p["in"] == "query"}

    assert {"status", "q", "overdue"} <= names("/api/v1/postmortems/")
    assert {"status", "q"} <= names("/api/v1/handoffs/")
    assert "part" in names("/api/v1/accounts/{account_id}/dossier/history/")


def test_a_url_that_routes_nowhere_answers_the_apis_404_under_api_and_the_page_elsewhere(client):
    api = client.get("/api/v1/handoffs/abc/")
    page = client.get("/handoffs/abc/")

    assert (api.status_code, api["Content-Type"], api.json()) == (404, "application/json", {"detail": "Not found."})
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_post_to_nowhere_with_a_body_that_cannot_be_parsed_is_still_a_404(client, tenant):
    client.force_login(tenant.manager_user)
    broken = {"data": b'{"name": "0"}', "content_type": "multipart/form-data"}  # no boundary

    assert client.post("/api/v1/accounts/0.5/dossier/contacts/", **broken).status_code == 404
    assert client.post("/accounts/0.5/dossier/contacts/new/", **broken).status_code == 404

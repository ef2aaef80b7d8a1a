"""GET /api/v1/audit/: the audit trail, read-only, scoped and filtered as on the page; a caller who
may read none gets 404, a parameter it cannot take 400 under its name."""

import pytest

from accountteam.models import AuditAction
from tests.audit.factories import AuditEventFactory
from tests.clients import api_as
from tests.teams.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit/"
# The count and the page of events (a customer: their readable companies first): whatever the rows.
LIST_MAX_QUERIES = 4


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_a_carrier_admin_lists_every_event_with_its_facts(trail, admin):
    response = api_as(admin.user).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert [row["id"] for row in body["results"]][0] == trail["staff_availability"].pk  # newest first
    token = next(row for row in body["results"] if row["id"] == trail["home_token"].pk)
    assert token == {
        "id": trail["home_token"].pk, "at": token["at"], "action": "api_token.created",
        "action_label": "API token made", "actor": trail["home_token"].actor_id, "actor_name": "Home User",
        "ip_address": "192.0.2.10", "user_agent": "Mozilla/5.0 (test)", "company": trail["home_token"].company_id,
        "company_name": "Home Telecom", "target": "", "summary": "API token “Home script” made.",
        "details": {"name": "Home script"},
    }


def test_a_user_manager_lists_their_companys_events_only(trail, tenant):
    response = api_as(tenant.user).get(URL)

    assert ids(response) == {trail["home_sign_in"].pk, trail["home_token"].pk}


def test_a_user_manager_filtering_on_another_company_gets_nothing(trail, tenant, foreign):
    response = api_as(tenant.user).get(URL, {"company": foreign.company.pk})

    assert response.status_code == 200 and response.json()["count"] == 0


def test_a_customer_without_the_right_and_non_admin_staff_get_404(trail, tenant, foreign):
    plain = UserFactory(username="plain.user")
    MembershipFactory(user=plain, company=tenant.company, can_manage_users=False)

    for user in (plain, tenant.manager_user, foreign.manager_user):
        response = api_as(user).get(URL)
        assert response.status_code == 404, user
        assert set(response.json()) == {"detail"}


def test_the_refusal_comes_before_the_parameters_are_read(tenant):
    assert api_as(tenant.manager_user).get(URL, {"date_from": "nonsense"}).status_code == 404


def test_without_credentials_it_is_401(db, client):
    assert client.get(URL).status_code == 401


def test_it_is_read_only(admin):
    client = api_as(admin.user)

    assert client.post(URL, {"action": "sign_in.succeeded"}, format="json").status_code == 405
    event = AuditEventFactory()
    assert client.delete(f"{URL}{event.pk}/").status_code == 404
    assert client.patch(f"{URL}{event.pk}/", {"summary": "x"}, format="json").status_code == 404


def test_filters_by_action_actor_company_and_days(trail, admin, tenant):
    client = api_as(admin.user)
    day = trail["home_sign_in"].at.date().isoformat()

    assert ids(client.get(URL, {"action": "sign_in.failed"})) == {trail["foreign_sign_in"].pk}
    assert ids(client.get(URL, {"actor": "ADA"})) == {trail["home_policy"].pk}
    assert len(ids(client.get(URL, {"company": tenant.company.pk}))) == 3
    assert trail["home_sign_in"].pk in ids(client.get(URL, {"date_from": day, "date_to": day}))
    assert trail["home_sign_in"].pk not in ids(client.get(URL, {"date_from": "2100-12-31"}))


@pytest.mark.parametrize("params, field", [
    ({"date_from": "1999-12-31"}, "date_from"),
    ({"date_to": "2101-01-01"}, "date_to"),
    ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, "date_to"),
    ({"action": "sign_in.whatever"}, "action"),
    ({"actor": "a\x00b"}, "actor"),
    ({"actor": "x" * 201}, "actor"),
    ({"company": "abc"}, "company"),
    ({"company": "0"}, "company"),
])
def test_a_bad_parameter_answers_400_under_its_name(admin, params, field):
    response = api_as(admin.user).get(URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_page_past_the_end_is_404(admin):
    AuditEventFactory()
    assert api_as(admin.user).get(URL, {"page": 9}).status_code == 404


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_stays_within_its_query_budget(admin, tenant, count, django_assert_max_num_queries):
    AuditEventFactory.create_batch(count, company_id=tenant.company.pk, action=AuditAction.API_TOKEN_USED)

    for user in (admin.user, tenant.user):
        client = api_as(user)
        with django_assert_max_num_queries(LIST_MAX_QUERIES):
            assert client.get(URL).status_code == 200


def test_the_schema_documents_the_list_and_its_parameters(db, client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/audit/"]["get"]

    assert {p["name"] for p in operation["parameters"]} >= {"date_from", "date_to", "action", "actor", "company",
                                                            "page"}
    assert {"200", "400", "401", "404"} <= set(operation["responses"])
    assert "post" not in schema["paths"]["/api/v1/audit/"]

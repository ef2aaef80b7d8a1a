"""/api/v1/reports/: compliance per group (JSON and CSV), the group's overdue items, bad
parameters, who may call them, token authentication, the schema and query budgets.

The clock stands still at Fri 16 Jan 2026 12:00 in Denver (MST).
"""

import csv
import io

import pytest
from rest_framework.test import APIClient

from accountteam.tokens import api_token_create
from escalations import services
from tests.conftest import clock_at
from tests.escalations.factories import EscalationFactory, denver, raise_item

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 16, 12, 0)
WEEK = "from=2026-01-12&to=2026-01-16"
# Session, user, memberships and staff profile (4); the reach and the time zone (3); the table and
# the whole (2); on SQLite one more for the percentiles.
COMPLIANCE_MAX_QUERIES = 10
# Session, user, memberships, staff profile (4); the reach (1); the page's count and rows (2).
OVERDUE_MAX_QUERIES = 7


clock = clock_at(NOW, autouse=True)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user) if user else None
    return client


@pytest.fixture
def items(tenant, second, director, foreign, other_director):
    """Home: one answered in 10 min (met both), one answered in 45 min (missed both), one never
    answered (overdue). Second: one voicemail answered in 3 h (met due). Foreign: one overdue."""
    home = tenant.manager_user
    quick = raise_item(tenant, at=denver(2026, 1, 13, 10), subject="Quick")
    services.escalation_respond(actor=home, escalation=quick, now=denver(2026, 1, 13, 10, 10))
    late = raise_item(tenant, at=denver(2026, 1, 13, 11), subject="Late")
    services.escalation_respond(actor=home, escalation=late, now=denver(2026, 1, 13, 11, 45))
    forgotten = raise_item(tenant, at=denver(2026, 1, 14, 9), subject="Forgotten", channel="pager")
    voicemail = raise_item(second, at=denver(2026, 1, 13, 9), channel="voicemail", category="billing", subject="VM")
    services.escalation_respond(actor=second.manager_user, escalation=voicemail, now=denver(2026, 1, 13, 12))
    raise_item(foreign, at=denver(2026, 1, 14, 9), subject="Foreign outage")
    return {"quick": quick, "late": late, "forgotten": forgotten, "voicemail": voicemail}


# --- Compliance ---------------------------------------------------------------------------------------


def test_compliance_per_person(items, director, tenant, second):
    response = api(director.user).get(f"/api/v1/reports/compliance/?group_by=person&{WEEK}")
    assert response.status_code == 200
    body = response.json()
    assert (body["group_by"], body["director"], body["time_zone"]) == ("person", director.pk, "America/Denver")
    assert body["period"] == {"from": "2026-01-12", "to": "2026-01-16"}
    rows = {r["label"]: r for r in body["results"]}
    assert list(rows) == ["Home Manager", "Second Manager"]
    home = rows["Home Manager"]
    assert home["key"] == tenant.manager.pk
    assert {k: home[k] for k in ("items", "with_target", "met_target", "met_due", "missed_due", "escalated")} == {
        "items": 3,
        "with_target": 3,
        "met_target": 1,
        "met_due": 1,
        "missed_due": 2,
        "escalated": 0,
    }
    assert home["met_target_rate"] == pytest.approx(1 / 3)
    assert home["met_due_rate"] == pytest.approx(1 / 3)
    assert home["median_first_response_seconds"] == pytest.approx(1650)  # 600 and 2700
    assert home["p90_first_response_seconds"] == pytest.approx(600 + 0.9 * 2100)
    assert rows["Second Manager"]["met_due_rate"] == 1
    assert rows["Second Manager"]["met_target_rate"] is None
    assert body["total"]["items"] == 4
    assert "Foreign Manager" not in rows


@pytest.mark.parametrize(
    ("group_by", "labels"),
    [
        ("channel", ["Pager", "Voicemail"]),
        ("category", ["Maintenance and repair escalation", "Billing"]),
        ("company", ["Home Telecom", "Second Telecom"]),
        ("person", ["Home Manager", "Second Manager"]),
    ],
)
def test_compliance_groups_by_each_dimension(items, director, group_by, labels):
    body = api(director.user).get(f"/api/v1/reports/compliance/?group_by={group_by}&{WEEK}").json()
    assert [r["label"] for r in body["results"]] == labels
    assert sum(r["items"] for r in body["results"]) == body["total"]["items"] == 4


def test_compliance_as_csv_has_the_same_columns_with_rates_in_percent(items, director):
    response = api(director.user).get(f"/api/v1/reports/compliance/?group_by=channel&{WEEK}&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "compliance-channel-20260112-20260116.csv" in response["Content-Disposition"]
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert reader.fieldnames == [
        "key",
        "label",
        "items",
        "with_target",
        "met_target",
        "missed_target",
        "met_due",
        "missed_due",
        "escalated",
        "met_target_percent",
        "met_due_percent",
        "median_first_response_seconds",
        "p90_first_response_seconds",
    ]
    rows = list(reader)
    assert [(r["key"], r["items"], r["met_due"], r["missed_due"]) for r in rows] == [
        ("pager", "3", "1", "2"),
        ("voicemail", "1", "1", "0"),
    ]
    assert rows[1]["met_target_percent"] == ""  # no target: nothing decided
    assert rows[0]["met_due_percent"] == "33.3"


def test_csv_also_answers_to_the_accept_header(items, director):
    response = api(director.user).get(f"/api/v1/reports/compliance/?{WEEK}", HTTP_ACCEPT="text/csv")
    assert response["Content-Type"].startswith("text/csv")


def test_compliance_defaults_to_the_last_30_days_per_person(items, director):
    body = api(director.user).get("/api/v1/reports/compliance/").json()
    assert body["group_by"] == "person"
    assert body["period"] == {"from": "2025-12-18", "to": "2026-01-16"}
    assert body["total"]["items"] == 4


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("group_by=team", "group_by", "Choose one of person, channel, category, company."),
        ("from=2026-01-16&to=2026-01-12", "to", "The last day is before the first."),
        ("from=yesterday", "from", "“yesterday” is not a date in the form YYYY-MM-DD."),
        ("from=2026-13-01", "from", "“2026-13-01” is not a valid date."),
        ("to=2026-01-12", "from", "Give the first day of the period as well."),
        ("period=365", "period", "Choose 7, 30, 90 days, or give from and to."),
        ("from=2020-01-01&to=2026-01-01", "from", "A period is at most 731 days."),
    ],
)
def test_bad_parameters_are_400_with_messages(director, query, field, message):
    response = api(director.user).get(f"/api/v1/reports/compliance/?{query}")
    assert response.status_code == 400
    assert response.json() == {field: [message]}


def test_bad_parameters_in_csv_are_400_with_the_message_as_csv(director):
    response = api(director.user).get("/api/v1/reports/compliance/?group_by=team&format=csv")
    assert response.status_code == 400
    assert list(csv.reader(io.StringIO(response.content.decode()))) == [
        ["field", "message"],
        ["group_by", "Choose one of person, channel, category, company."],
    ]


@pytest.mark.parametrize("count", [5, 50])
def test_compliance_stays_within_its_query_budget(tenant, director, count, django_assert_max_num_queries):
    EscalationFactory.create_batch(
        count, account=tenant.account, assignee=tenant.manager, received_at=denver(2026, 1, 13, 10)
    )
    client = api(director.user)
    with django_assert_max_num_queries(COMPLIANCE_MAX_QUERIES):
        body = client.get(f"/api/v1/reports/compliance/?{WEEK}").json()
    assert body["total"]["items"] == count


# --- Overdue -------------------------------------------------------------------------------------------


def test_overdue_lists_the_groups_overdue_items_longest_first(items, director, tenant):
    response = api(director.user).get("/api/v1/reports/overdue/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (row,) = body["results"]
    forgotten = items["forgotten"]
    assert row["id"] == forgotten.pk
    assert (row["subject"], row["company"], row["account"], row["channel"], row["assignee"]) == (
        "Forgotten",
        "Home Telecom",
        tenant.account.number,
        "pager",
        "Home Manager",
    )
    assert row["assignee_id"] == tenant.manager.pk
    # Due Wed 14 Jan 09:30; now Fri 16 Jan 12:00: two days and 2 h 30 min of wall-clock time.
    assert row["overdue_by_seconds"] == 2 * 86400 + 2 * 3600 + 30 * 60
    assert row["due_at"] == row["next_deadline_at"]


def test_overdue_as_csv(items, director):
    response = api(director.user).get("/api/v1/reports/overdue/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["subject"], r["overdue_by_seconds"]) for r in rows] == [("Forgotten", str(2 * 86400 + 9000))]


def test_overdue_csv_exports_the_whole_list_not_one_page(tenant, director):
    EscalationFactory.create_batch(60, account=tenant.account, assignee=tenant.manager)
    assert api(director.user).get("/api/v1/reports/overdue/").json()["count"] == 60
    response = api(director.user).get("/api/v1/reports/overdue/?format=csv")
    assert len(list(csv.DictReader(io.StringIO(response.content.decode())))) == 60


def test_carrier_admin_sees_every_groups_overdue_items_or_one_group(items, admin, other_director):
    everyone = api(admin.user).get("/api/v1/reports/overdue/").json()
    assert sorted(r["subject"] for r in everyone["results"]) == ["Foreign outage", "Forgotten"]
    theirs = api(admin.user).get(f"/api/v1/reports/overdue/?director={other_director.pk}").json()
    assert [r["subject"] for r in theirs["results"]] == ["Foreign outage"]


def test_director_cannot_ask_for_another_directors_group(items, director, other_director):
    assert api(director.user).get(f"/api/v1/reports/overdue/?director={other_director.pk}").status_code == 404
    assert api(director.user).get(f"/api/v1/reports/compliance/?director={other_director.pk}").status_code == 404


@pytest.mark.parametrize("count", [5, 50])
def test_overdue_stays_within_its_query_budget(tenant, director, count, django_assert_max_num_queries):
    EscalationFactory.create_batch(count, account=tenant.account, assignee=tenant.manager)
    client = api(director.user)
    with django_assert_max_num_queries(OVERDUE_MAX_QUERIES):
        body = client.get("/api/v1/reports/overdue/").json()
    assert body["count"] == count


# --- Who may call ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/reports/compliance/", "/api/v1/reports/overdue/"])
def test_customers_and_staff_without_reports_get_403_and_strangers_401(tenant, director, path):
    assert api(tenant.user).get(path).status_code == 403
    assert api(tenant.manager_user).get(path).status_code == 403
    assert api(None).get(path).status_code == 401


def test_token_authentication_works_like_the_rest_of_the_api(items, director):
    _, secret = api_token_create(user=director.user, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert client.get("/api/v1/reports/overdue/").json()["count"] == 1


def test_reports_are_documented_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    compliance = schema["paths"]["/api/v1/reports/compliance/"]["get"]
    names = {p["name"] for p in compliance["parameters"]}
    assert {"group_by", "from", "to", "period", "director", "format"} <= names
    group_by = next(p for p in compliance["parameters"] if p["name"] == "group_by")
    assert sorted(group_by["schema"]["enum"]) == ["category", "channel", "company", "person"]
    assert "400" in compliance["responses"]
    assert "/api/v1/reports/overdue/" in schema["paths"]

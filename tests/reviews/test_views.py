"""The review pages: the dashboard (grouping, drill-down, reassignment, CSV), the compliance page
(period parsing, tables, charts, CSV), the digest page, who may open them, and query budgets.

The clock stands still at Tue 13 Jan 2026 10:40 in Denver (MST).
"""

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalations import services
from escalations.models import Escalation, Event
from tests.conftest import clock_at
from tests.escalations.factories import EscalationFactory, denver, raise_item, stored_state
from tests.reviews.conftest import login

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 13, 10, 40)
# Session, user, memberships, staff profile, the bell and the menu's count of mail in quarantine
# (6); the reviewer's reach (1); then the dashboard: by person, by channel, the page's count and
# rows, the people to reassign to (5); the group's open post-mortems and its regular reviews overdue
# (2, the full page only).
DASHBOARD_MAX_QUERIES = 14
# ...the reach, the reviewer's time zone (2); the whole, four tables and the trend (6); on SQLite
# one more for the response-time percentiles (PostgreSQL computes them in the aggregates).
COMPLIANCE_MAX_QUERIES = 16
# ...overdue rows (and their count when the list is cut), last week's whole and per person.
DIGEST_MAX_QUERIES = 12


clock = clock_at(NOW, autouse=True)


@pytest.fixture
def board(tenant, second, foreign, other_director):
    """Open items at Tue 10:40: two overdue, one at risk, one on track, one paused; and a foreign
    overdue item."""
    items = {
        "overdue": raise_item(tenant, at=denver(2026, 1, 13, 10, 0), subject="T1 to Boulder down"),
        "at_risk": raise_item(tenant, at=denver(2026, 1, 13, 10, 20), subject="Order 4471 late"),
        "on_track": raise_item(tenant, at=denver(2026, 1, 13, 9, 0), channel="voicemail", subject="Call me"),
        "second_overdue": raise_item(second, at=denver(2026, 1, 13, 10, 0), subject="DS3 bouncing"),
        "paused": raise_item(tenant, at=denver(2026, 1, 13, 9, 0), subject="Waiting for access"),
        "foreign": raise_item(foreign, at=denver(2026, 1, 13, 10, 0), subject="Foreign outage"),
    }
    services.escalation_wait(actor=tenant.manager_user, escalation=items["paused"], now=denver(2026, 1, 13, 9, 10))
    return items


def rows_of(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def text_of(response) -> str:
    return response.content.decode()


# --- Who may look --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/review/", "/review/compliance/", "/review/digest/"])
def test_service_manager_without_reports_gets_403(tenant, director, path):
    assert login(tenant.manager_user).get(path).status_code == 403


@pytest.mark.parametrize("path", ["/review/", "/review/compliance/", "/review/digest/"])
def test_customer_user_gets_403(tenant, director, path):
    assert login(tenant.user).get(path).status_code == 403


def test_reassigning_is_403_for_customers_and_staff_without_reports(tenant, director, board):
    before = stored_state(board["overdue"])
    for user in (tenant.user, tenant.manager_user):
        response = login(user).post("/review/reassign/", {"escalation": board["overdue"].pk, "assignee": director.pk})
        assert response.status_code == 403
    assert Escalation.objects.get(pk=board["overdue"].pk).assignee == tenant.manager
    assert stored_state(board["overdue"]) == before


@pytest.mark.parametrize("path", ["/review/", "/review/compliance/", "/review/digest/"])
def test_signed_out_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/auth/login/" in response["Location"]


def test_director_cannot_pick_another_directors_group(director_client, other_director):
    assert director_client.get(f"/review/?director={other_director.pk}").status_code == 404
    assert director_client.get("/review/?director=abc").status_code == 404


def test_review_link_in_the_header_only_for_directors_and_carrier_admins(tenant, director, admin):
    assert 'href="/review/"' in text_of(login(director.user).get("/escalations/"))
    assert 'href="/review/"' in text_of(login(admin.user).get("/escalations/"))
    assert 'href="/review/"' not in text_of(login(tenant.manager_user).get("/escalations/"))
    assert 'href="/review/"' not in text_of(login(tenant.user).get("/escalations/"))


# --- Dashboard -------------------------------------------------------------------------------------------


def test_dashboard_groups_overdue_and_at_risk_items_by_person_and_channel(director_client, board, tenant, second):
    response = director_client.get("/review/")
    assert response.status_code == 200
    by_person = {r["label"]: (r["overdue"], r["at_risk"]) for r in response.context["by_person"]}
    assert by_person == {"Home Manager": (1, 1), "Second Manager": (1, 0)}
    by_channel = {r["key"]: (r["overdue"], r["at_risk"]) for r in response.context["by_channel"]}
    assert by_channel == {"pager": (2, 1)}
    assert response.context["totals"] == {"overdue": 2, "at_risk": 1}
    listed = [(i.pk, i.state) for i in response.context["page"]]
    assert listed == [
        (board["overdue"].pk, "overdue"),
        (board["second_overdue"].pk, "overdue"),
        (board["at_risk"].pk, "at_risk"),
    ]
    html = text_of(response)
    assert f'href="/escalations/{board["overdue"].pk}/"' in html
    assert "Foreign outage" not in html
    assert "Waiting for access" not in html  # paused: its clock is stopped
    assert "Call me" not in html  # on track


def test_dashboard_drills_down_to_a_person_or_a_channel(director_client, board, second):
    response = director_client.get(f"/review/?person={second.manager.pk}", HTTP_HX_REQUEST="true")
    assert response.templates[0].name == "reviews/partials/_dashboard.html"
    assert [i.pk for i in response.context["page"]] == [board["second_overdue"].pk]
    assert "Items of Second Manager" in text_of(response)
    response = director_client.get("/review/?channel=voicemail")
    assert list(response.context["page"]) == []
    response = director_client.get("/review/?channel=pager")
    assert len(response.context["page"]) == 3


def test_carrier_admin_sees_every_group_and_can_pick_one(admin_client, board, other_director, director):
    everyone = admin_client.get("/review/")
    assert everyone.context["totals"] == {"overdue": 3, "at_risk": 1}
    assert "Foreign outage" in text_of(everyone)
    assert everyone.context["people"] == []  # pick a group to reassign
    theirs = admin_client.get(f"/review/?director={other_director.pk}")
    assert [i.subject for i in theirs.context["page"]] == ["Foreign outage"]
    ours = admin_client.get(f"/review/?director={director.pk}")
    assert ours.context["totals"] == {"overdue": 2, "at_risk": 1}


def test_director_reassigns_an_item_from_the_dashboard_in_place(director_client, board, second, tenant):
    item = board["overdue"]
    response = director_client.post(
        "/review/reassign/",
        {"escalation": item.pk, "assignee": second.manager.pk, "reason": "Home is swamped"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.templates[0].name == "reviews/partials/_dashboard.html"
    item.refresh_from_db()
    assert item.assignee == second.manager
    event = Event.objects.filter(escalation=item, kind="reassigned").get()
    assert (event.comment, event.data["from"], event.data["to"]) == (
        "Home is swamped",
        "Home Manager",
        "Second Manager",
    )
    html = text_of(response)
    assert "is now with Second Manager" in html
    by_person = {r["label"]: (r["overdue"], r["at_risk"]) for r in response.context["by_person"]}
    assert by_person == {"Home Manager": (0, 1), "Second Manager": (2, 0)}


def test_reassigning_without_htmx_redirects_back_with_a_message(director_client, board, second):
    response = director_client.post(
        "/review/reassign/", {"escalation": board["overdue"].pk, "assignee": second.manager.pk, "channel": "pager"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/review/?channel=pager"
    page = director_client.get(response["Location"])
    assert "is now with Second Manager" in text_of(page)


def test_reassigning_a_closed_item_shows_the_reason(director_client, board, second, tenant):
    item = board["overdue"]
    services.escalation_resolve(actor=tenant.manager_user, escalation=item)
    before = stored_state(item)
    response = director_client.post(
        "/review/reassign/", {"escalation": item.pk, "assignee": second.manager.pk}, HTTP_HX_REQUEST="true"
    )
    assert "An item that is resolved cannot be reassigned." in text_of(response)
    assert Escalation.objects.get(pk=item.pk).assignee_id == item.assignee_id
    assert stored_state(item) == before


def test_reassigning_to_the_current_assignee_shows_the_validation_message(director_client, board, tenant):
    before = stored_state(board["overdue"])
    response = director_client.post(
        "/review/reassign/", {"escalation": board["overdue"].pk, "assignee": tenant.manager.pk}, HTTP_HX_REQUEST="true"
    )
    assert "already assigned to Home Manager" in text_of(response)
    assert stored_state(board["overdue"]) == before


def test_reassigning_outside_the_group_is_refused(director_client, board, foreign, other_director):
    before = [stored_state(board["overdue"]), stored_state(board["foreign"])]
    # Someone outside the group cannot be chosen...
    response = director_client.post(
        "/review/reassign/", {"escalation": board["overdue"].pk, "assignee": foreign.manager.pk}, HTTP_HX_REQUEST="true"
    )
    assert "Choose someone in the group." in text_of(response)
    assert Escalation.objects.get(pk=board["overdue"].pk).assignee.name == "Home Manager"
    # ...and another group's item is not found.
    response = director_client.post(
        "/review/reassign/", {"escalation": board["foreign"].pk, "assignee": foreign.manager.pk}
    )
    assert response.status_code == 404
    assert [stored_state(board["overdue"]), stored_state(board["foreign"])] == before


def test_dashboard_tables_export_as_csv(director_client, board, tenant, second):
    people = director_client.get("/review/?format=csv&table=people")
    assert people["Content-Type"].startswith("text/csv")
    assert "attachment" in people["Content-Disposition"]
    assert rows_of(people) == [
        {"person_id": str(tenant.manager.pk), "person": "Home Manager", "overdue": "1", "at_risk": "1"},
        {"person_id": str(second.manager.pk), "person": "Second Manager", "overdue": "1", "at_risk": "0"},
    ]
    channels = rows_of(director_client.get("/review/?format=csv&table=channels"))
    assert channels == [{"channel": "pager", "label": "Pager", "overdue": "2", "at_risk": "1"}]
    items = rows_of(director_client.get(f"/review/?format=csv&table=items&person={tenant.manager.pk}"))
    assert [(r["id"], r["state"], r["overdue_by_seconds"]) for r in items] == [
        (str(board["overdue"].pk), "overdue", "600"),
        (str(board["at_risk"].pk), "at_risk", ""),
    ]
    assert items[0]["url"] == f"/escalations/{board['overdue'].pk}/"
    assert director_client.get("/review/?format=csv&table=nope").status_code == 400


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(director_client, tenant, director):
    raise_item(tenant, at=denver(2026, 1, 13, 10, 0), subject='=HYPERLINK("http://evil.example")')
    items = rows_of(director_client.get("/review/?format=csv&table=items"))
    assert items[0]["subject"] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize("count", [5, 50])
def test_dashboard_stays_within_its_query_budget(
    director_client, tenant, second, director, count, django_assert_max_num_queries
):
    for n in range(count):
        EscalationFactory(account=tenant.account, assignee=tenant.manager, subject=f"Overdue {n}")
        EscalationFactory(
            account=second.account,
            assignee=second.manager,
            subject=f"Risky {n}",
            target_at=denver(2026, 1, 13, 10, 30),
            due_at=denver(2026, 1, 13, 11, 0),
            next_deadline_at=denver(2026, 1, 13, 11, 0),
        )
    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        response = director_client.get("/review/")
    assert response.context["totals"] == {"overdue": count, "at_risk": count}


def test_dashboard_query_count_does_not_grow_with_items(director_client, tenant, director):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert director_client.get("/review/").status_code == 200
        return len(captured)

    EscalationFactory.create_batch(5, account=tenant.account, assignee=tenant.manager)
    few = queries()
    EscalationFactory.create_batch(45, account=tenant.account, assignee=tenant.manager)
    assert queries() == few


# --- Compliance page ---------------------------------------------------------------------------------------


@pytest.fixture
def answered(tenant, second, director):
    """Three items received on Mon 12 Jan: answered in 10 min, answered in 45 min (late), and one
    of Second Manager's still unanswered past due."""
    home = tenant.manager_user
    quick = raise_item(tenant, at=denver(2026, 1, 12, 9, 0), subject="Quick")
    services.escalation_respond(actor=home, escalation=quick, now=denver(2026, 1, 12, 9, 10))
    late = raise_item(tenant, at=denver(2026, 1, 12, 10, 0), subject="Late")
    services.escalation_respond(actor=home, escalation=late, now=denver(2026, 1, 12, 10, 45))
    raise_item(second, at=denver(2026, 1, 12, 11, 0), subject="Forgotten")


def test_compliance_page_shows_tables_and_charts(director_client, answered):
    response = director_client.get("/review/compliance/?period=7")
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.total.items, report.total.met_due, report.total.missed_due) == (3, 1, 2)
    html = text_of(response)
    assert html.count("<svg") >= 2
    assert 'role="img"' in html and "<title" in html
    assert re.search(r"<desc[^>]*>2026-W03: 33%</desc>", html)
    assert "Home Manager" in html and "Second Manager" in html
    assert "By customer company" in html
    assert "cdn" not in html.lower()


@pytest.mark.parametrize(
    ("query", "first", "last"),
    [
        ("", "2025-12-15", "2026-01-13"),
        ("?period=7", "2026-01-07", "2026-01-13"),
        ("?period=90", "2025-10-16", "2026-01-13"),
        ("?from=2026-01-01&to=2026-01-12", "2026-01-01", "2026-01-12"),
        ("?from=2026-01-05", "2026-01-05", "2026-01-13"),
    ],
)
def test_compliance_period_comes_from_the_query(director_client, query, first, last):
    period = director_client.get(f"/review/compliance/{query}").context["period"]
    assert (period.first.isoformat(), period.last.isoformat()) == (first, last)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?period=14", "Choose 7, 30, 90 days"),
        ("?from=2026-01-12&to=2026-01-01", "The last day is before the first."),
        ("?from=12/01/2026", "is not a date in the form YYYY-MM-DD"),
        ("?from=2026-02-30", "is not a valid date"),
        ("?to=2026-01-12", "Give the first day"),
    ],
)
def test_bad_period_is_400_with_a_message(director_client, query, message):
    response = director_client.get(f"/review/compliance/{query}")
    assert response.status_code == 400
    assert message in text_of(response)


def test_compliance_tables_export_as_csv(director_client, answered):
    response = director_client.get("/review/compliance/?period=7&format=csv&table=person")
    assert response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert [r["label"] for r in rows] == ["Home Manager", "Second Manager"]
    home = rows[0]
    assert (home["items"], home["met_due"], home["missed_due"], home["met_due_percent"]) == ("2", "1", "1", "50.0")
    assert home["median_first_response_seconds"] == "1650"
    trend = rows_of(director_client.get("/review/compliance/?period=7&format=csv&table=trend"))
    assert [(r["week"], r["met_due"], r["missed_due"]) for r in trend] == [
        ("2026-W02", "0", "0"),
        ("2026-W03", "1", "2"),
    ]
    for table in ("channel", "category", "company"):
        assert rows_of(director_client.get(f"/review/compliance/?period=7&format=csv&table={table}"))
    assert director_client.get("/review/compliance/?format=csv&table=nope").status_code == 400


@pytest.mark.parametrize("count", [5, 50])
def test_compliance_page_stays_within_its_query_budget(
    director_client, tenant, second, count, django_assert_max_num_queries
):
    for n in range(count):
        EscalationFactory(
            account=tenant.account, assignee=tenant.manager, first_response_at=denver(2026, 1, 13, 10, n % 30)
        )
        EscalationFactory(account=second.account, assignee=second.manager, channel="voicemail", category="billing")
    with django_assert_max_num_queries(COMPLIANCE_MAX_QUERIES):
        response = director_client.get("/review/compliance/?period=7")
    assert response.context["report"].total.items == 2 * count


# --- Digest page ------------------------------------------------------------------------------------------


def test_digest_page_lists_overdue_items_and_last_weeks_figures(director_client, board, answered):
    response = director_client.get("/review/digest/")
    digest = response.context["digest"]
    assert [i.subject for i in digest.overdue] == ["Forgotten", "T1 to Boulder down", "DS3 bouncing"]
    assert (digest.last_week.period.first.isoformat(), digest.last_week.period.last.isoformat()) == (
        "2026-01-05",
        "2026-01-11",
    )
    html = text_of(response)
    assert "Overdue now: 3" in html
    assert "Foreign outage" not in html


@pytest.mark.parametrize("count", [5, 50])
def test_digest_page_stays_within_its_query_budget(director_client, tenant, count, django_assert_max_num_queries):
    EscalationFactory.create_batch(count, account=tenant.account, assignee=tenant.manager)
    with django_assert_max_num_queries(DIGEST_MAX_QUERIES):
        director_client.get("/review/digest/")


def test_inactive_report_still_shows_their_items_but_cannot_take_new_ones(director_client, board, tenant, director):
    tenant.manager.is_active = False
    tenant.manager.save(update_fields=["is_active"])
    leaver_items = [i for i in director_client.get("/review/").context["page"] if i.assignee_id == tenant.manager.pk]
    assert len(leaver_items) == 2
    people = director_client.get("/review/").context["people"]
    assert tenant.manager not in people and director in people

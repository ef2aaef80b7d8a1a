"""The post-mortems API (/api/v1/postmortems/): requesting, the list's filters, the detail for staff
and for customers, every workspace action with its status codes (400, 403, 404, 409), the
published versions and the PDF, scoping against a second company, and the query budgets.

The clock stands still at Tue 13 Jan 2026 10:00 MST unless a test moves it.
"""

import datetime as dt
import io

import pypdf
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from escalations.models import Escalation
from postmortems import services
from postmortems.models import PostMortem, PreventiveAction
from tests.escalations.factories import denver, utc
from tests.teams.factories import (
    AssignmentFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

from .factories import (
    EVENT_START,
    NOW,
    ROOT_CAUSE,
    PostMortemFactory,
    accepted_postmortem,
    published_postmortem,
    ready_postmortem,
    request_postmortem,
    stored_state,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

URL = "/api/v1/postmortems/"

# Measured: 3 for the list (the caller's staff profile, the count, the page with account,
# company, manager and tracking joined; visibility is a subquery), the same for 3 and 30 rows,
# for a customer and for staff. Bound = measured + 1.
LIST_MAX_QUERIES = 4
# Measured: 5 for the detail (staff profile, the post-mortem with its joins, then notes, actions
# and versions prefetched), the same with 1 or 12 notes and actions and 1 or 3 versions.
DETAIL_MAX_QUERIES = 6


def client(user) -> APIClient:
    """A client for a fresh copy of ``user``, as a request would load it (no memoised profile)."""
    api = APIClient()
    api.force_authenticate(get_user_model().objects.get(pk=user.pk))
    return api


def url(pm, action="") -> str:
    return f"{URL}{pm.pk}/{action}"


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def text_of(response) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)


@pytest.fixture
def make_client():
    """``customer``, ``staff`` and ``director_client`` call the API."""
    return client


REQUEST = {
    "ticket_number": "TT-4471",
    "circuit_id": "DS3 101/T3/DNVR-BLDR",
    "event_start": "2026-01-12T20:00:00-07:00",
    "event_end": "2026-01-13T06:00:00-07:00",
    "impact": "Both Boulder sites lost voice and data.",
    "questions": "Why did the ring not switch over at once?",
}

# --- Request --------------------------------------------------------------------------------------


def test_customer_requests_a_postmortem(tenant, customer):
    response = customer.post(URL, REQUEST | {"account": tenant.account.pk}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    pm = PostMortem.objects.get(pk=body["id"])
    assert (pm.requested_by, pm.manager, pm.status) == (tenant.user, tenant.manager, "requested")
    assert (body["status"], body["duration"], body["below_threshold"]) == ("requested", "10 h 00 min", False)
    assert (body["account"], body["account_number"]) == (tenant.account.pk, tenant.account.number)
    assert (body["company"], body["company_name"]) == (tenant.company.pk, "Home Telecom")
    assert body["manager"]["id"] == tenant.manager.pk
    assert body["tracking_escalation"] == pm.tracking_id
    assert utc(dt.datetime.fromisoformat(body["next_deadline_at"])) == utc(denver(2026, 1, 14, 10, 0))
    assert (body["complexity"], body["due_on"], body["versions"], body["preventive_actions"]) == ("", None, [], [])
    assert body["draft"] is None  # present for everyone, null for customers


def test_a_short_event_is_requested_with_the_eligibility_flag(tenant, customer):
    data = REQUEST | {"account": tenant.account.pk, "event_end": "2026-01-12T21:30:00-07:00"}

    response = customer.post(URL, data, format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["below_threshold"], response.json()["duration"]) == (True, "1 h 30 min")


def test_staff_request_a_postmortem_on_the_customers_behalf(tenant, staff):
    response = staff.post(URL, REQUEST | {"account": tenant.account.pk}, format="json")

    assert response.status_code == 201, response.content
    assert PostMortem.objects.get().requested_by == tenant.manager_user
    assert response.json()["draft"]["root_cause"] == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event_end": "2026-01-12T19:00:00-07:00"}, "event_end"),
        ({"event_end": "2026-01-13T12:00:00-07:00"}, "event_end"),
        ({"event_start": "not a time"}, "event_start"),
        ({"ticket_number": ""}, "ticket_number"),
        ({"impact": "   "}, "impact"),
    ],
)
def test_request_errors_are_400_naming_the_field(tenant, customer, change, field):
    response = customer.post(URL, REQUEST | {"account": tenant.account.pk} | change, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not PostMortem.objects.exists() and not Escalation.objects.exists()


def test_another_companys_account_is_a_400_on_account(tenant, foreign, customer):
    response = customer.post(URL, REQUEST | {"account": foreign.account.pk}, format="json")

    assert response.status_code == 400
    assert "account" in response.json()
    assert not PostMortem.objects.exists() and not Escalation.objects.exists()


def test_customer_without_the_postmortem_right_gets_403(tenant, customer):
    tenant.membership.can_request_postmortem = False
    tenant.membership.save()

    response = customer.post(URL, REQUEST | {"account": tenant.account.pk}, format="json")

    assert response.status_code == 403
    assert not PostMortem.objects.exists() and not Escalation.objects.exists()


def test_anonymous_callers_are_refused(tenant):
    pm = request_postmortem(tenant)

    assert APIClient().get(URL).status_code == 401
    assert APIClient().get(url(pm)).status_code == 401


# --- List ---------------------------------------------------------------------------------------


def test_list_shows_the_callers_postmortems_newest_first(tenant, foreign, customer, staff):
    older = request_postmortem(tenant, now=NOW - dt.timedelta(hours=1))
    newer = request_postmortem(tenant, ticket_number="TT-5000")
    request_postmortem(foreign)

    assert ids(customer.get(URL)) == [newer.pk, older.pk]
    assert ids(staff.get(URL)) == [newer.pk, older.pk]
    row = customer.get(URL).json()["results"][0]
    assert row["ticket_number"] == "TT-5000"
    assert "versions" not in row and "draft" not in row and "notes" not in row


def test_list_filters_by_status(tenant, staff):
    requested = request_postmortem(tenant, ticket_number="TT-1")
    accepted = accepted_postmortem(tenant, ticket_number="TT-2")
    published = published_postmortem(tenant, ticket_number="TT-3")
    declined = request_postmortem(tenant, ticket_number="TT-4")
    services.postmortem_decline(actor=tenant.manager_user, postmortem=declined, reason="Short", now=NOW)

    assert set(ids(staff.get(URL, {"status": "open"}))) == {requested.pk, accepted.pk}
    assert ids(staff.get(URL, {"status": "published"})) == [published.pk]
    assert ids(staff.get(URL, {"status": "declined"})) == [declined.pk]
    assert len(ids(staff.get(URL))) == 4


def test_an_unknown_status_filter_is_a_400(staff):
    response = staff.get(URL, {"status": "overdue"})

    assert response.status_code == 400
    assert "status" in response.json()


def test_list_filters_overdue_postmortems(tenant, staff, clock):
    late = accepted_postmortem(tenant, complexity="low", ticket_number="TT-1")  # due Thu 15 January
    accepted_postmortem(tenant, complexity="high", ticket_number="TT-2")  # due Wed 28 January
    published_postmortem(tenant, complexity="low", ticket_number="TT-3")
    clock.move_to(denver(2026, 1, 16, 9, 0))

    assert ids(staff.get(URL, {"overdue": "1"})) == [late.pk]
    assert ids(staff.get(URL, {"overdue": "true", "status": "open"})) == [late.pk]


def test_a_postmortem_waiting_on_the_customer_is_not_listed_overdue(tenant, staff, clock):
    pm = accepted_postmortem(tenant, complexity="low")  # due Thu 15 January
    services.postmortem_wait(actor=tenant.manager_user, postmortem=pm, comment="Need the CPE logs")
    clock.move_to(denver(2026, 1, 16, 9, 0))

    assert ids(staff.get(URL, {"overdue": "1"})) == []


def test_a_correction_of_an_analysis_published_on_time_is_not_listed_overdue(tenant, staff, clock):
    pm = published_postmortem(tenant, complexity="low")  # published on 13 January, due 15 January
    clock.move_to(denver(2026, 2, 2, 9, 0))
    services.postmortem_correct(actor=tenant.manager_user, postmortem=pm)

    assert ids(staff.get(URL, {"overdue": "1"})) == []


@pytest.mark.parametrize("term", ["tt-44", "dnvr-bldr", "home tel", "9"])
def test_list_searches_ticket_circuit_account_and_company(tenant, staff, term):
    pm = request_postmortem(tenant, ticket_number="TT-4471", circuit_id="DS3 101/T3/DNVR-BLDR")

    assert ids(staff.get(URL, {"q": term})) == [pm.pk]
    assert ids(staff.get(URL, {"q": "no such thing"})) == []


@pytest.mark.parametrize("count", [3, 30])
def test_list_stays_within_its_query_budget(tenant, count, django_assert_max_num_queries):
    PostMortemFactory.create_batch(count, account=tenant.account, manager=tenant.manager)

    for user in (tenant.user, tenant.manager_user):
        api = client(user)
        with django_assert_max_num_queries(LIST_MAX_QUERIES):
            response = api.get(URL)
        assert response.json()["count"] == count


def _queries(user, path) -> int:
    api = client(user)
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path).status_code == 200
    return len(captured)


def test_list_costs_the_same_for_3_and_30_rows(tenant):
    PostMortemFactory.create_batch(3, account=tenant.account, manager=tenant.manager)
    few = [_queries(user, URL) for user in (tenant.user, tenant.manager_user)]
    PostMortemFactory.create_batch(27, account=tenant.account, manager=tenant.manager)
    many = [_queries(user, URL) for user in (tenant.user, tenant.manager_user)]

    assert few == many


def test_detail_stays_within_its_query_budget_however_much_it_holds(tenant, django_assert_max_num_queries):
    pm = published_postmortem(tenant)
    small = [_queries(user, url(pm)) for user in (tenant.user, tenant.manager_user)]
    services.postmortem_correct(actor=tenant.manager_user, postmortem=pm)
    for n in range(11):
        services.postmortem_note_add(
            actor=tenant.manager_user, postmortem=pm, at=EVENT_START, source="field", text=f"Step {n}"
        )
        services.preventive_action_add(
            actor=tenant.manager_user, postmortem=pm, description=f"Fix {n}", owner=PersonFactory(),
            due_on=dt.date(2026, 3, 1),
        )
    for n in (2, 3):
        services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, correction_note=f"v{n}", now=NOW)
        if n == 2:
            services.postmortem_correct(actor=tenant.manager_user, postmortem=pm)

    large = [_queries(user, url(pm)) for user in (tenant.user, tenant.manager_user)]
    assert small == large
    for user in (tenant.user, tenant.manager_user):
        api = client(user)
        with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
            assert api.get(url(pm)).status_code == 200


# --- Detail: staff and customers ------------------------------------------------------------------


def test_staff_detail_has_the_draft_and_every_note(tenant, staff):
    pm = ready_postmortem(tenant)

    body = staff.get(url(pm)).json()

    assert body["draft"]["root_cause"] == ROOT_CAUSE
    assert body["draft"]["review_comment"] == ""
    assert [n["internal"] for n in body["notes"]] == [False, True]
    assert [a["description"] for a in body["preventive_actions"]] == ["Mark the fibre route with the utility locator."]


def test_customer_detail_never_has_the_draft_or_internal_notes(tenant, customer):
    pm = ready_postmortem(tenant)

    response = customer.get(url(pm))

    assert response.status_code == 200
    body = response.json()
    assert body["draft"] is None  # present for everyone, null for customers
    assert all(not n["internal"] for n in body["notes"])
    assert "did not answer the first page" not in response.content.decode()
    assert ROOT_CAUSE not in response.content.decode()
    assert body["preventive_actions"] == []  # shown once published
    assert body["versions"] == []


def test_customer_detail_after_publication_has_the_version_and_the_actions_status(tenant, customer):
    pm = published_postmortem(tenant)
    action = pm.actions.get()
    services.preventive_action_update(actor=tenant.manager_user, action=action, done=True, done_note="Marked")

    body = customer.get(url(pm)).json()

    assert body["draft"] is None  # present for everyone, null for customers
    [version] = body["versions"]
    assert (version["number"], version["root_cause"]) == (1, ROOT_CAUSE)
    assert version["pdf_url"] == f"/api/v1/postmortems/{pm.pk}/pdf/?version=1"
    actions = [(a["id"], a["state"], a["done_note"]) for a in body["preventive_actions"]]
    assert actions == [(action.pk, "done", "Marked")]
    assert "did not answer the first page" not in str(body)


def test_customer_does_not_see_preventive_actions_of_an_unpublished_correction(tenant, customer):
    pm = published_postmortem(tenant)
    services.postmortem_correct(actor=tenant.manager_user, postmortem=pm)
    services.preventive_action_add(
        actor=tenant.manager_user, postmortem=pm, description="Draft: blame the vendor", owner=tenant.manager,
        due_on=dt.date(2026, 3, 1),
    )

    body = customer.get(url(pm)).json()

    assert [a["description"] for a in body["preventive_actions"]] == ["Mark the fibre route with the utility locator."]


# --- Accept and decline ---------------------------------------------------------------------------


def test_accept_sets_complexity_and_due_date(tenant, staff):
    pm = request_postmortem(tenant)

    response = staff.post(url(pm, "accept/"), {"complexity": "medium", "comment": "Vendor involved"}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["complexity"], body["business_days"], body["due_on"]) == (
        "accepted", "medium", 5, "2026-01-21"
    )
    assert utc(dt.datetime.fromisoformat(body["next_deadline_at"])) == utc(denver(2026, 1, 21, 17, 0))


def test_accept_with_an_unknown_complexity_is_a_400(tenant, staff):
    pm = request_postmortem(tenant)
    before = stored_state(pm)

    response = staff.post(url(pm, "accept/"), {"complexity": "extreme"}, format="json")

    assert response.status_code == 400
    assert "complexity" in response.json()
    assert stored_state(pm) == before


def test_customer_calling_accept_gets_403(tenant, customer):
    pm = request_postmortem(tenant)
    before = stored_state(pm)

    response = customer.post(url(pm, "accept/"), {"complexity": "low"}, format="json")

    assert response.status_code == 403
    assert PostMortem.objects.get(pk=pm.pk).status == "requested"
    assert stored_state(pm) == before


def test_other_staff_on_the_account_team_see_the_request_but_cannot_accept_it(tenant):
    sales = PersonFactory(name="Sam Sales", user=UserFactory(username="sam.sales"))
    AssignmentFactory(account=tenant.account, person=sales, role=RoleFactory(code="sales-executive"))
    pm = request_postmortem(tenant)
    api = client(sales.user)
    before = stored_state(pm)

    assert api.get(url(pm)).status_code == 200
    assert api.post(url(pm, "accept/"), {"complexity": "low"}, format="json").status_code == 403
    assert stored_state(pm) == before


def test_accepting_twice_is_a_409(tenant, staff):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    response = staff.post(url(pm, "accept/"), {"complexity": "low"}, format="json")

    assert response.status_code == 409
    assert "accepted" in response.json()["detail"]
    assert stored_state(pm) == before


def test_decline_needs_a_reason(tenant, staff):
    pm = request_postmortem(tenant)
    before = stored_state(pm)

    assert staff.post(url(pm, "decline/"), {"reason": ""}, format="json").status_code == 400
    assert stored_state(pm) == before
    response = staff.post(url(pm, "decline/"), {"reason": "Under 8 hours"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decline_reason"]) == ("declined", "Under 8 hours")


def test_declining_an_accepted_postmortem_is_a_409(tenant, staff):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    assert staff.post(url(pm, "decline/"), {"reason": "Too late"}, format="json").status_code == 409
    assert stored_state(pm) == before


# --- Notes ----------------------------------------------------------------------------------------


def test_staff_log_and_list_notes(tenant, staff):
    pm = accepted_postmortem(tenant)
    note = {"at": "2026-01-12T20:05:00-07:00", "source": "noc", "text": "Ring failed to switch.", "internal": True}

    response = staff.post(url(pm, "notes/"), note, format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["source"], response.json()["internal"], response.json()["author"]) == (
        "noc", True, "home.manager"
    )
    assert [n["text"] for n in staff.get(url(pm, "notes/")).json()] == ["Ring failed to switch."]
    assert PostMortem.objects.get(pk=pm.pk).status == "in_preparation"


def test_customers_read_the_published_timeline_not_the_workspace_notes(tenant, customer):
    pm = ready_postmortem(tenant)

    assert customer.get(url(pm, "notes/")).status_code == 404
    assert customer.get(url(pm, "")).json()["notes"] == []


def test_a_note_in_the_future_is_a_400_and_a_customer_cannot_log_one(tenant, staff, customer):
    pm = accepted_postmortem(tenant)
    note = {"at": "2026-01-13T11:00:00-07:00", "source": "noc", "text": "Later"}
    before = stored_state(pm)

    response = staff.post(url(pm, "notes/"), note, format="json")
    assert response.status_code == 400
    assert "at" in response.json()
    past = note | {"at": "2026-01-13T09:00:00-07:00"}
    assert customer.post(url(pm, "notes/"), past, format="json").status_code == 403
    assert stored_state(pm) == before


def test_notes_on_a_published_postmortem_are_a_409(tenant, staff):
    pm = published_postmortem(tenant)
    before = stored_state(pm)

    response = staff.post(url(pm, "notes/"), {"at": "2026-01-13T09:00:00-07:00", "source": "noc", "text": "x"})

    assert response.status_code == 409
    assert stored_state(pm) == before


# --- Analysis -------------------------------------------------------------------------------------


def test_staff_read_and_write_the_draft_analysis(tenant, staff):
    pm = accepted_postmortem(tenant)

    response = staff.patch(url(pm, "analysis/"), {"root_cause": ROOT_CAUSE, "summary": "Down 10 h"}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["draft"]["root_cause"]) == ("in_preparation", ROOT_CAUSE)
    assert staff.get(url(pm, "analysis/")).json() == {
        "summary": "Down 10 h", "root_cause": ROOT_CAUSE, "restoration": "", "recommendations": ""
    }


def test_writing_the_analysis_before_acceptance_is_a_409(tenant, staff):
    pm = request_postmortem(tenant)
    before = stored_state(pm)

    assert staff.patch(url(pm, "analysis/"), {"root_cause": "Guess"}, format="json").status_code == 409
    assert stored_state(pm) == before


def test_customer_reading_an_unpublished_analysis_gets_404(tenant, customer, staff):
    pm = ready_postmortem(tenant)

    assert customer.get(url(pm, "analysis/")).status_code == 404
    assert customer.get(url(pm, "pdf/")).status_code == 404
    assert staff.get(url(pm, "pdf/")).status_code == 404  # a draft is never printed, for anyone


def test_customer_reads_the_published_analysis_never_the_later_draft(tenant, customer, staff):
    pm = published_postmortem(tenant)
    assert staff.post(url(pm, "correct/")).status_code == 200
    assert staff.patch(url(pm, "analysis/"), {"root_cause": "Draft: a squirrel."}, format="json").status_code == 200

    analysis = customer.get(url(pm, "analysis/"))
    document = customer.get(url(pm, "pdf/"))
    detail = customer.get(url(pm))

    assert analysis.status_code == 200
    assert analysis.json()["root_cause"] == ROOT_CAUSE
    assert document.status_code == 200
    assert ROOT_CAUSE in text_of(document)
    assert "squirrel" not in text_of(document)
    assert "squirrel" not in detail.content.decode()
    assert staff.get(url(pm, "analysis/")).json()["root_cause"] == "Draft: a squirrel."


def test_customer_cannot_write_the_analysis(tenant, customer):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    assert customer.patch(url(pm, "analysis/"), {"root_cause": "Your fault"}, format="json").status_code == 403
    assert stored_state(pm) == before


# --- Preventive actions ---------------------------------------------------------------------------


def test_staff_add_a_preventive_action(tenant, staff):
    pm = accepted_postmortem(tenant)
    data = {"description": "Patrol the route", "owner": tenant.manager.pk, "due_on": "2026-02-02"}

    response = staff.post(url(pm, "preventive-actions/"), data, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["description"], body["owner"], body["owner_name"], body["due_on"], body["state"]) == (
        "Patrol the route", tenant.manager.pk, "Home Manager", "2026-02-02", "open"
    )


def test_a_preventive_action_without_an_owner_is_a_400(tenant, staff):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    response = staff.post(url(pm, "preventive-actions/"), {"description": "x", "due_on": "2026-02-02"}, format="json")

    assert response.status_code == 400
    assert "owner" in response.json()
    assert stored_state(pm) == before


def test_the_owner_marks_the_action_done_after_publication_but_cannot_rewrite_it(tenant):
    owner = PersonFactory(name="Nora NOC", user=UserFactory(username="nora.noc"))  # serves no account
    pm = published_postmortem(tenant, owner=owner)
    action = pm.actions.get()
    api = client(owner.user)
    path = url(pm, f"preventive-actions/{action.pk}/")

    response = api.patch(path, {"done": True, "done_note": "Route marked"}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["done_note"]) == ("done", "Route marked")
    marked = stored_state(pm)
    assert api.patch(path, {"description": "Nothing to do"}, format="json").status_code == 403
    assert api.delete(path).status_code == 403
    assert PreventiveAction.objects.get(pk=action.pk).description == action.description
    assert stored_state(pm) == marked


def test_staff_rewrite_and_delete_actions_while_preparing(tenant, staff):
    pm = ready_postmortem(tenant)
    action = pm.actions.get()
    path = url(pm, f"preventive-actions/{action.pk}/")

    response = staff.patch(path, {"description": "Bury it deeper", "due_on": "2026-03-02"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["description"], response.json()["due_on"]) == ("Bury it deeper", "2026-03-02")

    assert staff.delete(path).status_code == 204
    assert not pm.actions.exists()


def test_rewriting_or_deleting_an_action_after_publication_is_a_409(tenant, staff):
    pm = published_postmortem(tenant)
    path = url(pm, f"preventive-actions/{pm.actions.get().pk}/")
    before = stored_state(pm)

    assert staff.patch(path, {"description": "Rewritten"}, format="json").status_code == 409
    assert staff.delete(path).status_code == 409
    assert stored_state(pm) == before
    assert staff.patch(path, {"done": True}, format="json").status_code == 200


def test_an_action_of_another_postmortem_is_a_404(tenant, staff):
    pm = ready_postmortem(tenant)
    other = ready_postmortem(tenant, ticket_number="TT-2")
    before = [stored_state(pm), stored_state(other)]

    assert staff.patch(url(pm, f"preventive-actions/{other.actions.get().pk}/"), {"done": True}).status_code == 404
    assert staff.delete(url(pm, "preventive-actions/999999/")).status_code == 404
    assert [stored_state(pm), stored_state(other)] == before


# --- Review, publication, corrections -------------------------------------------------------------


def test_submit_for_review_then_the_director_returns_it(tenant, director, staff):
    pm = ready_postmortem(tenant)

    response = staff.post(url(pm, "submit-for-review/"))
    assert response.status_code == 200
    assert response.json()["status"] == "in_review"

    in_review = stored_state(pm)
    assert staff.post(url(pm, "return-to-preparation/"), {"comment": "Mine"}).status_code == 403
    assert stored_state(pm) == in_review
    response = client(director.user).post(url(pm, "return-to-preparation/"), {"comment": "Name the crew"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["draft"]["review_comment"]) == ("in_preparation", "Name the crew")

    returned = stored_state(pm)
    again = client(director.user).post(url(pm, "return-to-preparation/"), {"comment": "Again"})
    assert again.status_code == 409
    assert stored_state(pm) == returned


def test_submit_for_review_without_the_sections_is_a_400(tenant, staff):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    response = staff.post(url(pm, "submit-for-review/"))

    assert response.status_code == 400
    assert "root cause" in response.json()["sections"]
    assert stored_state(pm) == before


def test_publish_creates_version_one(tenant, staff):
    pm = ready_postmortem(tenant)

    response = staff.post(url(pm, "publish/"), {}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["root_cause"], body["correction_note"]) == (1, ROOT_CAUSE, "")
    assert [entry["source"] for entry in body["timeline"]] == ["noc"]
    assert body["pdf_url"] == f"/api/v1/postmortems/{pm.pk}/pdf/?version=1"
    assert staff.get(url(pm)).json()["status"] == "published"


def test_publishing_with_an_empty_root_cause_and_no_action_is_a_400_naming_them(tenant, staff):
    pm = accepted_postmortem(tenant)
    staff.patch(url(pm, "analysis/"), {"summary": "Down", "restoration": "Spliced"}, format="json")
    before = stored_state(pm)

    response = staff.post(url(pm, "publish/"), {}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["sections"] == ["root cause", "at least one preventive action"]
    assert "root cause" in body["missing"][0]
    assert "preventive action" in body["missing"][0]
    assert not pm.versions.exists()
    assert stored_state(pm) == before


def test_publishing_twice_is_a_409(tenant, staff):
    pm = published_postmortem(tenant)
    before = stored_state(pm)

    assert staff.post(url(pm, "publish/"), {"correction_note": "Again"}, format="json").status_code == 409
    assert stored_state(pm) == before


def test_with_director_review_the_manager_publishing_from_preparation_is_a_409(tenant, director, staff, settings):
    settings.POSTMORTEM_DIRECTOR_REVIEW = True
    pm = ready_postmortem(tenant)
    before = stored_state(pm)

    response = staff.post(url(pm, "publish/"), {}, format="json")

    assert response.status_code == 409
    assert "reviewed by the service director first" in response.json()["detail"]
    assert stored_state(pm) == before
    staff.post(url(pm, "submit-for-review/"))
    assert client(director.user).post(url(pm, "publish/"), {}, format="json").status_code == 201


def test_customer_calling_workspace_actions_gets_403(tenant, customer):
    pm = ready_postmortem(tenant)
    before = stored_state(pm)

    assert customer.post(url(pm, "submit-for-review/")).status_code == 403
    assert customer.post(url(pm, "publish/"), {}, format="json").status_code == 403
    assert customer.post(url(pm, "wait-on-customer/"), {}, format="json").status_code == 403
    assert customer.delete(url(pm, f"preventive-actions/{pm.actions.get().pk}/")).status_code == 403
    assert stored_state(pm) == before


def test_a_correction_publishes_version_two_and_keeps_version_one(tenant, staff, customer):
    pm = published_postmortem(tenant)

    response = staff.post(url(pm, "correct/"))
    assert response.status_code == 200
    assert response.json()["status"] == "in_preparation"
    staff.patch(url(pm, "analysis/"), {"root_cause": "A squirrel."}, format="json")
    corrected = stored_state(pm)
    assert staff.post(url(pm, "publish/"), {}, format="json").status_code == 400  # no correction note
    assert stored_state(pm) == corrected
    response = staff.post(url(pm, "publish/"), {"correction_note": "The cause was a squirrel."}, format="json")
    assert response.status_code == 201

    versions = customer.get(url(pm, "versions/")).json()
    assert [(v["number"], v["root_cause"]) for v in versions] == [(2, "A squirrel."), (1, ROOT_CAUSE)]
    assert customer.get(url(pm, "analysis/")).json()["root_cause"] == "A squirrel."
    assert ROOT_CAUSE in text_of(customer.get(url(pm, "pdf/"), {"version": "1"}))
    assert "A squirrel." in text_of(customer.get(url(pm, "pdf/")))


def test_correcting_an_unpublished_postmortem_is_a_409(tenant, staff):
    pm = ready_postmortem(tenant)
    before = stored_state(pm)

    assert staff.post(url(pm, "correct/")).status_code == 409
    assert stored_state(pm) == before


# --- Waiting on the customer ----------------------------------------------------------------------


def test_wait_on_customer_then_resume_moves_the_due_date(tenant, staff, clock):
    pm = accepted_postmortem(tenant)  # due Wed 21 January

    assert staff.post(url(pm, "wait-on-customer/"), {"comment": "Need logs"}, format="json").status_code == 200
    clock.move_to(denver(2026, 1, 15, 10, 0))
    response = staff.post(url(pm, "resume/"), {"comment": "Logs received"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["due_on"] == "2026-01-23"


def test_resume_when_not_waiting_and_wait_when_published_are_409(tenant, staff):
    accepted, published = accepted_postmortem(tenant), published_postmortem(tenant, ticket_number="TT-2")
    before = [stored_state(accepted), stored_state(published)]

    assert staff.post(url(accepted, "resume/"), {}, format="json").status_code == 409
    assert staff.post(url(published, "wait-on-customer/"), {}, format="json").status_code == 409
    assert [stored_state(accepted), stored_state(published)] == before


# --- Versions and the PDF -------------------------------------------------------------------------


def test_the_pdf_is_a_download_of_the_published_version(tenant, customer):
    pm = published_postmortem(tenant)

    response = customer.get(url(pm, "pdf/"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="post-mortem-{tenant.account.number}-TT-4471-v1.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert ROOT_CAUSE in text_of(response)


def test_pdf_of_an_unknown_version_is_a_404_and_a_malformed_one_a_400(tenant, customer):
    pm = published_postmortem(tenant)

    assert customer.get(url(pm, "pdf/"), {"version": "7"}).status_code == 404
    assert customer.get(url(pm, "pdf/"), {"version": "one"}).status_code == 400


def test_versions_of_an_unpublished_postmortem_are_empty(tenant, customer):
    pm = ready_postmortem(tenant)

    response = customer.get(url(pm, "versions/"))

    assert (response.status_code, response.json()) == (200, [])


# --- Scoping ----------------------------------------------------------------------------------------

VALID = {
    "accept/": {"complexity": "low"},
    "decline/": {"reason": "No"},
    "notes/": {"at": "2026-01-13T09:00:00-07:00", "source": "noc", "text": "x"},
    "analysis/": {"root_cause": "x"},
    "preventive-actions/": {"description": "x", "owner": None, "due_on": "2026-02-02"},
    "preventive-actions/{action}/": {"done": True},
    "return-to-preparation/": {"comment": "x"},
    "publish/": {"correction_note": "x"},
}
ENDPOINTS = [
    ("get", ""),
    ("get", "notes/"),
    ("post", "notes/"),
    ("get", "analysis/"),
    ("patch", "analysis/"),
    ("post", "accept/"),
    ("post", "decline/"),
    ("post", "preventive-actions/"),
    ("patch", "preventive-actions/{action}/"),
    ("delete", "preventive-actions/{action}/"),
    ("post", "submit-for-review/"),
    ("post", "return-to-preparation/"),
    ("post", "publish/"),
    ("post", "correct/"),
    ("post", "wait-on-customer/"),
    ("post", "resume/"),
    ("get", "versions/"),
    ("get", "pdf/"),
]


@pytest.fixture
def foreign_pm(foreign):
    return published_postmortem(foreign)


@pytest.mark.parametrize("who", ["home customer", "home manager", "staff serving no account"])
def test_every_postmortem_endpoint_answers_404_for_another_companys_postmortem(tenant, foreign_pm, outsider, who):
    users = {
        "home customer": tenant.user, "home manager": tenant.manager_user, "staff serving no account": outsider.user
    }
    api = client(users[who])
    action = foreign_pm.actions.get()
    before = stored_state(foreign_pm)
    answers = {}
    for method, path in ENDPOINTS:
        body = VALID.get(path, {})
        if path == "preventive-actions/":
            body = body | {"owner": foreign_pm.manager_id}
        target = url(foreign_pm, path.format(action=action.pk))
        answers[(method, path)] = getattr(api, method)(target, body, format="json").status_code

    assert answers == {endpoint: 404 for endpoint in ENDPOINTS}
    assert stored_state(foreign_pm) == before
    assert foreign_pm.pk not in ids(api.get(URL))
    assert client(foreign_pm.manager.user).get(url(foreign_pm)).status_code == 200  # the control


def test_the_pdf_of_a_given_version_is_a_404_for_another_company(tenant, foreign_pm):
    assert client(tenant.user).get(url(foreign_pm, "pdf/"), {"version": "1"}).status_code == 404


def test_customer_of_the_company_with_neither_right_sees_no_postmortem(tenant):
    pm = published_postmortem(tenant)
    escalator = MembershipFactory(
        company=tenant.company, can_escalate=True, can_request_postmortem=False, can_view_team=False
    ).user
    api = client(escalator)

    assert ids(api.get(URL)) == []
    assert api.get(url(pm)).status_code == 404
    assert api.get(url(pm, "pdf/")).status_code == 404


def test_the_managers_director_sees_and_works_the_postmortem(tenant, director):
    pm = request_postmortem(tenant)
    api = client(director.user)

    assert pm.pk in ids(api.get(URL))
    assert api.post(url(pm, "accept/"), {"complexity": "low"}, format="json").status_code == 200


def test_a_customer_reads_a_preventive_action_only_once_it_is_published(tenant, customer, staff):
    draft = ready_postmortem(tenant)
    unpublished = draft.actions.get()
    published = published_postmortem(tenant, ticket_number="TT-4472").actions.get()

    assert customer.get(url(draft, f"preventive-actions/{unpublished.pk}/")).status_code == 404
    assert staff.get(url(draft, f"preventive-actions/{unpublished.pk}/")).status_code == 200
    response = customer.get(url(published.postmortem, f"preventive-actions/{published.pk}/"))
    assert response.status_code == 200 and response.json()["id"] == published.pk

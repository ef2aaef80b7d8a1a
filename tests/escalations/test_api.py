"""The escalations API (/api/v1/escalations/): raising, filters and scoping, every action, the
timeline, error codes (400, 403, 404, 409) and the list's query budget.

The clock stands still at Tue 13 Jan 2026 10:00 in Denver (MST) unless a test moves it.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from escalations.models import Escalation, Event
from tests.clients import api_as as client
from tests.conftest import clock_at
from tests.escalations.factories import EscalationFactory, denver, director_of, raise_item, stored_state, utc
from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/escalations/"
TUE_10 = denver(2026, 1, 13, 10, 0)

# The list costs the same for 3 and for 30 items, for a customer and for staff: measured 3
# (the staff-profile look-up, the count, the page with company, account, assignee and raiser
# joined; the visibility rules are subqueries). Bound = measured + 1.
LIST_MAX_QUERIES = 4


def at(value: str) -> dt.datetime:
    """An ISO 8601 string from the API as an instant (with an explicit offset)."""
    assert isinstance(value, str)
    parsed = dt.datetime.fromisoformat(value)
    assert parsed.utcoffset() is not None, value
    return utc(parsed)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


clock = clock_at(TUE_10, autouse=True)


@pytest.fixture
def make_client():
    """``customer`` and ``staff`` call the API."""
    return client


@pytest.fixture
def item(tenant):
    return raise_item(tenant, at=TUE_10)


@pytest.fixture
def email_item(tenant):
    return raise_item(tenant, at=TUE_10, channel="email", subject="Order 4471 missed its date")


def post(api, item, action, data=None):
    return api.post(f"{URL}{item.pk}/{action}/", data or {}, format="json")


# --- Raising -----------------------------------------------------------------------------------------


def test_customer_raises_an_item_and_gets_its_deadlines_as_iso_8601(tenant, customer):
    response = customer.post(
        URL,
        {"account": tenant.account.pk, "channel": "pager", "category": "repair", "subject": "DS3 bouncing"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["level"], body["channel"], body["category"]) == ("new", 1, "pager", "repair")
    assert body["assignee"]["id"] == tenant.manager.pk
    assert body["assignee"]["name"] == tenant.manager.name
    assert body["account"] == tenant.account.pk
    assert body["account_number"] == tenant.account.number
    assert at(body["received_at"]) == utc(TUE_10)
    assert at(body["target_at"]) == utc(denver(2026, 1, 13, 10, 15))
    assert at(body["due_at"]) == at(body["next_deadline_at"]) == utc(denver(2026, 1, 13, 10, 30))
    assert body["is_overdue"] is False
    stored = Escalation.objects.get(pk=body["id"])
    assert (stored.raised_by, stored.assignee) == (tenant.user, tenant.manager)


def test_sales_category_raised_through_the_api_goes_to_the_sales_executive(tenant, customer):
    sales = PersonFactory(name="Sam Sales")
    AssignmentFactory(account=tenant.account, person=sales, role=RoleFactory(code="sales-executive"))
    response = customer.post(
        URL,
        {"account": tenant.account.pk, "channel": "email", "category": "ica_question", "subject": "EEL pricing"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["assignee"]["id"] == sales.pk
    assert at(response.json()["due_at"]) == utc(denver(2026, 1, 14, 10, 0))  # 1 business day


def test_staff_log_an_earlier_contact_with_the_availability_on_arrival(tenant, staff):
    response = staff.post(
        URL,
        {
            "account": tenant.account.pk,
            "channel": "voicemail",
            "category": "repair",
            "subject": "Voicemail heard late",
            "received_at": "2026-01-13T08:00:00-07:00",
            "availability": "out_of_office",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["availability"] == "out_of_office"
    assert at(body["received_at"]) == utc(denver(2026, 1, 13, 8, 0))
    assert at(body["due_at"]) == utc(denver(2026, 1, 13, 16, 0))  # 8 business hours


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"channel": "carrier_pigeon"}, "channel"),
        ({"category": "gossip"}, "category"),
        ({"subject": None}, "subject"),
        ({"subject": ""}, "subject"),
        ({"received_at": "2026-01-13T07:00:00-07:00"}, "received_at"),
        ({"availability": "out_of_office"}, "availability"),
    ],
)
def test_customer_create_errors_are_400_with_field_messages(tenant, customer, change, field):
    data = {"account": tenant.account.pk, "channel": "pager", "category": "repair", "subject": "Down"} | change
    data = {k: v for k, v in data.items() if v is not None}
    response = customer.post(URL, data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert response.json()[field]
    assert not Escalation.objects.exists()


def test_another_companys_account_is_a_400_on_account(tenant, foreign, customer):
    response = customer.post(
        URL,
        {"account": foreign.account.pk, "channel": "pager", "category": "repair", "subject": "Not mine"},
        format="json",
    )
    assert response.status_code == 400
    assert "account" in response.json()
    assert not Escalation.objects.exists()


def test_time_received_in_the_future_is_a_400_for_staff(tenant, staff):
    response = staff.post(
        URL,
        {
            "account": tenant.account.pk,
            "channel": "pager",
            "category": "repair",
            "subject": "Time travel",
            "received_at": "2026-01-13T10:30:00-07:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "received_at" in response.json()
    assert not Escalation.objects.exists()


def test_customer_without_the_escalation_right_gets_403(tenant, customer):
    tenant.membership.can_escalate = False
    tenant.membership.save()
    response = customer.post(
        URL, {"account": tenant.account.pk, "channel": "pager", "category": "repair", "subject": "x"}, format="json"
    )
    assert response.status_code == 403
    assert not Escalation.objects.exists()


def test_anonymous_requests_are_refused(item):
    before = stored_state(item)
    assert APIClient().get(URL).status_code == 401
    assert APIClient().post(f"{URL}{item.pk}/comment/", {"comment": "hi"}).status_code == 401
    assert stored_state(item) == before


# --- Listing, filters, scoping ----------------------------------------------------------------------


@pytest.fixture
def catalogue(tenant, foreign):
    """Six stored items; the clock is Tue 10:00."""
    olga = PersonFactory(name="Olga Other")
    past, future = denver(2026, 1, 13, 9, 0), denver(2026, 1, 14, 9, 0)
    make = EscalationFactory
    return {
        "overdue": make(account=tenant.account, assignee=tenant.manager, next_deadline_at=past),
        "billing": make(
            account=tenant.account,
            assignee=tenant.manager,
            channel="email",
            category="billing",
            status="acknowledged",
            next_deadline_at=future,
        ),
        "waiting": make(
            account=tenant.account,
            assignee=tenant.manager,
            channel="voicemail",
            status="waiting_on_customer",
            next_deadline_at=past,
        ),
        "resolved": make(account=tenant.account, assignee=tenant.manager, status="resolved", next_deadline_at=None),
        "olga": make(account=tenant.account, assignee=olga, next_deadline_at=denver(2026, 1, 13, 12, 0)),
        "foreign": make(account=foreign.account, assignee=foreign.manager, category="outage", next_deadline_at=past),
    }


@pytest.fixture
def admin_api(admin):
    return client(admin.user)


def pks(catalogue, *names) -> set[int]:
    return {catalogue[n].pk for n in names}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["overdue", "billing", "waiting", "resolved", "olga", "foreign"]),
        ("status=new", ["overdue", "olga", "foreign"]),
        ("status=acknowledged&status=resolved", ["billing", "resolved"]),
        ("channel=email", ["billing"]),
        ("channel=voicemail", ["waiting"]),
        ("category=billing", ["billing"]),
        ("category=outage", ["foreign"]),
        ("overdue=true", ["overdue", "foreign"]),
        ("overdue=false", ["billing", "waiting", "resolved", "olga"]),
        ("due_before=2026-01-13T12:00:00-07:00", ["overdue", "waiting", "foreign"]),
        ("due_before=2026-01-13T12:00:01-07:00", ["overdue", "waiting", "foreign", "olga"]),
    ],
)
def test_list_filters(catalogue, admin_api, query, expected):
    assert ids(admin_api.get(f"{URL}?{query}")) == pks(catalogue, *expected)


def test_list_filters_by_assignee_and_company(tenant, foreign, catalogue, admin_api):
    olga = catalogue["olga"].assignee
    assert ids(admin_api.get(f"{URL}?assignee={olga.pk}")) == pks(catalogue, "olga")
    assert ids(admin_api.get(f"{URL}?company={foreign.company.pk}")) == pks(catalogue, "foreign")
    assert ids(admin_api.get(f"{URL}?company={tenant.company.pk}&overdue=true")) == pks(catalogue, "overdue")


def test_overdue_filter_follows_the_clock(catalogue, admin_api, clock):
    assert catalogue["olga"].pk not in ids(admin_api.get(f"{URL}?overdue=true"))
    clock.move_to(denver(2026, 1, 13, 12, 0))
    assert catalogue["olga"].pk in ids(admin_api.get(f"{URL}?overdue=true"))


def test_customer_lists_only_their_companys_items(catalogue, customer, foreign):
    assert ids(customer.get(URL)) == pks(catalogue, "overdue", "billing", "waiting", "resolved", "olga")
    assert ids(client(foreign.user).get(URL)) == pks(catalogue, "foreign")


def test_customer_without_the_escalation_right_sees_no_items(tenant, catalogue, customer):
    tenant.membership.can_escalate = False
    tenant.membership.save()
    assert ids(customer.get(URL)) == set()


def test_staff_see_the_items_of_the_accounts_they_hold(tenant, catalogue, staff):
    assert ids(staff.get(URL)) == pks(catalogue, "overdue", "billing", "waiting", "resolved", "olga")


def test_detail_shows_one_item(item, customer):
    response = customer.get(f"{URL}{item.pk}/")
    assert response.status_code == 200
    assert response.json()["id"] == item.pk
    assert response.json()["subject"] == "Circuit down"


def test_foreign_items_detail_actions_and_timeline_are_404_for_a_customer(foreign, customer):
    other = raise_item(foreign, at=TUE_10)
    before = stored_state(other)
    assert customer.get(f"{URL}{other.pk}/").status_code == 404
    assert customer.get(f"{URL}{other.pk}/timeline/").status_code == 404
    assert post(customer, other, "comment", {"comment": "Hello?"}).status_code == 404
    assert post(customer, other, "acknowledge").status_code == 404
    assert list(Event.objects.filter(escalation=other).values_list("kind", flat=True)) == ["raised"]
    assert stored_state(other) == before


def test_foreign_items_are_404_for_staff_who_do_not_hold_the_account(foreign, staff):
    other = raise_item(foreign, at=TUE_10)
    before = stored_state(other)
    assert staff.get(f"{URL}{other.pk}/").status_code == 404
    assert post(staff, other, "resolve").status_code == 404
    assert Escalation.objects.get(pk=other.pk).status == "new"
    assert stored_state(other) == before


def test_customer_calling_a_staff_action_on_their_own_item_gets_403(item, customer):
    before = stored_state(item)
    response = post(customer, item, "acknowledge")
    assert response.status_code == 403
    assert Escalation.objects.get(pk=item.pk).status == "new"
    # Escalating and cancelling are the customer's too (tests/escalations/test_customer_actions.py).
    for action in ("respond", "wait-on-customer", "resolve"):
        assert post(customer, item, action).status_code == 403
    assert stored_state(item) == before


# --- Staff actions -----------------------------------------------------------------------------------


def test_acknowledging_an_email_without_follow_up_on_is_400_on_follow_up_on(email_item, staff):
    before = stored_state(email_item)
    response = post(staff, email_item, "acknowledge", {"comment": "Got it"})
    assert response.status_code == 400
    assert list(response.json()) == ["follow_up_on"]
    assert Escalation.objects.get(pk=email_item.pk).status == "new"
    assert stored_state(email_item) == before


def test_acknowledging_with_a_follow_up_date_in_the_past_is_400(email_item, staff):
    before = stored_state(email_item)
    response = post(staff, email_item, "acknowledge", {"follow_up_on": "2026-01-12"})
    assert response.status_code == 400
    assert "follow_up_on" in response.json()
    assert stored_state(email_item) == before


def test_acknowledging_an_email_with_a_follow_up_date_sets_the_next_deadline(email_item, staff):
    response = post(staff, email_item, "acknowledge", {"follow_up_on": "2026-01-15", "comment": "Call Thursday"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["follow_up_on"]) == ("acknowledged", "2026-01-15")
    assert at(body["first_response_at"]) == utc(TUE_10)
    assert at(body["next_deadline_at"]) == utc(denver(2026, 1, 15, 17, 0))


def test_acknowledging_a_pager_contact_needs_no_follow_up(item, staff):
    response = post(staff, item, "acknowledge")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["next_deadline_at"]) == ("acknowledged", None)


def test_respond_records_the_first_response(item, staff, clock):
    clock.move_to(denver(2026, 1, 13, 10, 20))
    response = post(staff, item, "respond", {"comment": "Called back"})
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert at(response.json()["first_response_at"]) == utc(denver(2026, 1, 13, 10, 20))
    assert Event.objects.get(escalation=item, kind="responded").comment == "Called back"


def test_wait_on_customer_then_resume_moves_the_due_time(item, staff, clock):
    clock.move_to(denver(2026, 1, 13, 10, 10))
    waiting = post(staff, item, "wait-on-customer", {"comment": "Need the circuit ID"})
    assert waiting.status_code == 200
    assert waiting.json()["status"] == "waiting_on_customer"
    clock.move_to(denver(2026, 1, 13, 10, 40))
    resumed = post(staff, item, "resume")
    assert resumed.status_code == 200
    assert resumed.json()["status"] == "new"
    assert at(resumed.json()["due_at"]) == utc(denver(2026, 1, 13, 11, 0))  # 10:30 + 30 min waited


def test_resolve_closes_the_item(item, staff):
    response = post(staff, item, "resolve", {"comment": "Restored"})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["next_deadline_at"]) == ("resolved", None)
    assert at(body["resolved_at"]) == utc(TUE_10)


def test_cancel_closes_the_item(item, staff):
    response = post(staff, item, "cancel", {"comment": "Raised twice"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert Event.objects.get(escalation=item, kind="cancelled").comment == "Raised twice"


def test_escalate_hands_the_item_to_the_director_at_level_2(tenant, item, staff):
    director = director_of(tenant.manager)
    response = post(staff, item, "escalate", {"reason": "Third outage this week"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["level"], body["assignee"]["id"], body["escalation_reason"]) == (
        2,
        director.pk,
        "Third outage this week",
    )


def test_escalate_without_a_reason_is_400(tenant, item, staff):
    director_of(tenant.manager)
    before = stored_state(item)
    response = post(staff, item, "escalate", {})
    assert response.status_code == 400
    assert "reason" in response.json()
    assert Escalation.objects.get(pk=item.pk).level == 1
    assert stored_state(item) == before


def test_escalate_without_a_director_is_409(item, staff):
    before = stored_state(item)
    response = post(staff, item, "escalate", {"reason": "Slow"})
    assert response.status_code == 409
    assert "no director" in response.json()["detail"]
    assert stored_state(item) == before


def test_reassign_hands_the_item_over_and_keeps_the_history(tenant, item, staff):
    olga = PersonFactory(name="Olga Other")
    response = post(staff, item, "reassign", {"assignee": olga.pk, "reason": "Vacation"})
    assert response.status_code == 200, response.content
    assert response.json()["assignee"]["id"] == olga.pk
    event = Event.objects.get(escalation=item, kind="reassigned")
    assert (event.data["from"], event.data["to"]) == (tenant.manager.name, "Olga Other")


def test_reassign_needs_a_known_assignee(item, staff):
    before = stored_state(item)
    assert post(staff, item, "reassign", {}).status_code == 400
    assert post(staff, item, "reassign", {"assignee": 999999}).status_code == 400
    response = post(staff, item, "reassign", {"assignee": item.assignee_id})
    assert response.status_code == 400
    assert "assignee" in response.json()
    assert stored_state(item) == before


def test_staff_internal_note_is_hidden_from_the_customers_timeline(item, staff, customer):
    note = post(staff, item, "comment", {"comment": "Tech was late", "internal": True})
    assert note.status_code == 201
    assert (note.json()["kind"], note.json()["internal"]) == ("note", True)
    assert post(staff, item, "comment", {"comment": "Tech on site"}).status_code == 201
    customer_comments = [e["comment"] for e in customer.get(f"{URL}{item.pk}/timeline/").json()]
    staff_comments = [e["comment"] for e in staff.get(f"{URL}{item.pk}/timeline/").json()]
    assert "Tech on site" in customer_comments
    assert "Tech was late" not in customer_comments
    assert "Tech was late" in staff_comments


def test_customer_may_comment_but_not_write_an_internal_note(item, customer):
    assert post(customer, item, "comment", {"comment": "Any news?"}).status_code == 201
    before = stored_state(item)
    response = post(customer, item, "comment", {"comment": "psst", "internal": True})
    assert response.status_code == 403
    assert not Event.objects.filter(escalation=item, comment="psst").exists()
    assert stored_state(item) == before


def test_empty_comment_is_400(item, customer):
    before = stored_state(item)
    assert post(customer, item, "comment", {"comment": ""}).status_code == 400
    assert stored_state(item) == before


@pytest.mark.parametrize(
    ("setup", "action", "message"),
    [
        ([], "resume", "An item that is new cannot be resumed."),
        (["acknowledge"], "acknowledge", "An item that is acknowledged cannot be acknowledged."),
        (["resolve"], "resolve", "An item that is resolved cannot be resolved."),
        (["cancel"], "respond", "An item that is cancelled cannot be responded to."),
        (["wait-on-customer"], "wait-on-customer", "An item that is waiting on customer cannot be put to waiting"),
    ],
)
def test_invalid_transition_is_409_with_a_message(item, staff, setup, action, message):
    for step in setup:
        assert post(staff, item, step).status_code == 200
    before = stored_state(item)
    response = post(staff, item, action)
    assert response.status_code == 409
    assert response.json()["detail"].startswith(message)
    assert stored_state(item) == before


def test_timeline_returns_the_events_in_order(tenant, item, staff, customer, clock):
    steps = [("acknowledge", {}), ("wait-on-customer", {}), ("resume", {}), ("respond", {}), ("resolve", {})]
    for minute, (action, data) in enumerate(steps, start=1):
        clock.move_to(TUE_10 + dt.timedelta(minutes=minute))
        assert post(staff, item, action, data).status_code == 200
    clock.move_to(TUE_10 + dt.timedelta(minutes=10))
    assert post(customer, item, "comment", {"comment": "Thanks"}).status_code == 201
    events = customer.get(f"{URL}{item.pk}/timeline/").json()
    assert [e["kind"] for e in events] == [
        "raised",
        "acknowledged",
        "waiting",
        "resumed",
        "responded",
        "resolved",
        "comment",
    ]
    instants = [at(e["at"]) for e in events]
    assert instants == sorted(instants)
    assert events[1]["actor_name"] == tenant.manager.name


# --- Query budget ------------------------------------------------------------------------------------


def _list_queries(user) -> list[str]:
    """The queries of one list request by ``user``, loaded afresh (nothing memoised on it)."""
    api = client(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(URL)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("count", [3, 30])
def test_list_stays_within_its_query_budget(tenant, count, django_assert_max_num_queries):
    EscalationFactory.create_batch(count, account=tenant.account, assignee=tenant.manager)
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = client(tenant.user).get(URL)
    assert response.json()["count"] == count
    assert len(response.json()["results"]) == count


def test_list_query_count_is_the_same_for_3_and_30_items(tenant):
    EscalationFactory.create_batch(3, account=tenant.account, assignee=tenant.manager)
    few = [len(_list_queries(u)) for u in (tenant.user, tenant.manager_user)]
    EscalationFactory.create_batch(27, account=tenant.account, assignee=PersonFactory())
    many = [_list_queries(u) for u in (tenant.user, tenant.manager_user)]
    assert few == [len(qs) for qs in many]
    assert max(few) <= LIST_MAX_QUERIES

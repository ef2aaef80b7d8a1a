"""The service manager's queue: whose items it holds, their order and state, the filters and tab
counts (selectors, page and API alike), pagination, the in-place row actions, the bulk bar and
the query budgets of the page and the API.

Instants are Denver wall clock in January 2026 (MST): Tue 13, Wed 14, Thu 15. Items are raised
through ``services.escalation_create`` at fixed instants; selectors get ``now=``; the pages and
the API see the clock stand still at Tue 13 Jan 11:00.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from escalations import rules, selectors, services
from escalations.models import Escalation, Event
from tests.clients import api_as as api_client
from tests.clients import signed_in as login
from tests.conftest import clock_at
from tests.escalations.factories import EscalationFactory, denver, director_of, raise_item, stored_state, utc
from tests.teams.factories import (
    AccountFactory,
    AssignmentFactory,
    CompanyFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 13, 11, 0)
API = "/api/v1/queue/"
QUEUE = "/queue/"

# Query budgets, measured on SQLite and PostgreSQL alike and the same for 5 and for 50 items
# (bound = measured + 1). The page, 14: session, user, membership (active company), staff
# profile, the people backed up (twice: once for the rows, once for the tab counts), the
# paginator's count, the tab counts (one aggregate), unread notices, the menu's count of mail in
# quarantine, the companies and the
# people of the filter and bulk bars, the page of rows with company, account and assignee joined,
# and the absences of the people backed up (the page's notice of whom it covers); then the line of
# regular reviews due at the top (one COUNT: touchpoints' context processor), 15.
PAGE_MAX_QUERIES = 16
# The API, 4 with a fresh user per request as token authentication gives: staff profile, the
# people backed up, the count, the page of rows.
API_MAX_QUERIES = 5



def fresh_api(user) -> APIClient:
    """A client whose user is loaded anew (nothing memoised on it), like a token-authenticated request."""
    return api_client(type(user).objects.get(pk=user.pk))


def page_ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return [item.pk for item in response.context["page"].object_list]


def api_ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return [row["id"] for row in response.json()["results"]]


def queue_ids(user, now=NOW, **filters) -> list[int]:
    return list(selectors.queue_list(user=user, filters=filters, now=now).values_list("pk", flat=True))


def reload(item) -> Escalation:
    return Escalation.objects.get(pk=item.pk)


def kinds(item) -> list[str]:
    return list(Event.objects.filter(escalation=item).order_by("at", "pk").values_list("kind", flat=True))


def staff_user(person, username):
    person.user = UserFactory(username=username)
    person.save(update_fields=["user"])
    return person.user


clock = clock_at(NOW)


@pytest.fixture
def colleague(tenant, foreign):
    """The foreign tenant's manager names the home manager as backup; in the office by default."""
    foreign.manager.backup = tenant.manager
    foreign.manager.save(update_fields=["backup"])
    return foreign.manager


def out_of_office(person, until):
    person.availability = "out_of_office"
    person.availability_until = until
    person.save(update_fields=["availability", "availability_until"])


class World:
    """The home manager's queue at Tue 11:00, one item per situation, and items that are not in it.

    =========  ============================================  ========================  =========
    name       what                                          next deadline             at 11:00
    =========  ============================================  ========================  =========
    overdue    pager repair, raised 10:00                    due 10:30                 overdue
    at_risk    pager repair, raised 10:40                    target 10:55, due 11:10   at_risk
    covered    the colleague's (out of office) pager item    due Wed 09:50 (8 b.h.)    on_track
    level2     voicemail billing, Other Telecom, raised      due 12:00                 on_track
               08:00, escalated and handed back (level 2)
    paused     voicemail order escalation, raised 09:00,     due 13:00 (clock stopped) paused
               waiting on the customer since 09:30
    on_track   voicemail expedite, raised 10:30              due 14:30                 on_track
    promised   email, acknowledged 09:20, follow-up Thu 15   Thu 17:00                 on_track
    call       conference call requested 08:30, to be        Wed 08:30 (1 b.d.)        on_track
               scheduled within a business day
    answered   pager repair, called back 08:45               none                      on_track
    =========  ============================================  ========================  =========

    Not in it: a resolved item, a cancelled one, and an item of a manager nobody backs up.
    """

    ORDER = ["overdue", "at_risk", "level2", "paused", "on_track", "call", "covered", "promised", "answered"]

    def __init__(self, tenant, foreign, colleague):
        self.tenant, self.foreign = tenant, foreign
        manager = tenant.manager_user
        # A second customer company on the home manager's book.
        self.other_account = AccountFactory(company=CompanyFactory(name="Other Telecom"), number="5555-0001")
        AssignmentFactory(account=self.other_account, person=tenant.manager, role=RoleFactory(code="service-manager"))
        self.director = director_of(tenant.manager)
        self.director_user = staff_user(self.director, "dana.director")

        def at(hour, minute=0, day=13):
            return denver(2026, 1, day, hour, minute)

        items = {}
        items["overdue"] = raise_item(tenant, at=at(10), subject="DS3 to Boulder bouncing")
        items["at_risk"] = raise_item(tenant, at=at(10, 40), subject="T1 to Golden down")
        out_of_office(colleague, until=at(17, day=14))
        items["covered"] = raise_item(foreign, at=at(10, 50), subject="Foreign loop down")
        level2 = raise_item(
            tenant,
            at=at(8),
            actor=manager,
            account=self.other_account,
            channel="voicemail",
            category="billing",
            subject="Billing credit dispute",
        )
        services.escalation_escalate(actor=manager, escalation=level2, reason="Customer asked", now=at(8, 10))
        items["level2"] = services.escalation_reassign(
            actor=self.director_user, escalation=level2, assignee=tenant.manager, reason="Back to you", now=at(8, 20)
        )
        paused = raise_item(tenant, at=at(9), channel="voicemail", category="order_escalation", subject="Order 4471")
        items["paused"] = services.escalation_wait(actor=manager, escalation=paused, now=at(9, 30))
        items["on_track"] = raise_item(
            tenant, at=at(10, 30), channel="voicemail", category="expedite", subject="Expedite 12 loops"
        )
        promised = raise_item(tenant, at=at(9), channel="email", category="delayed_order", subject="Letter 88")
        items["promised"] = services.escalation_acknowledge(
            actor=manager, escalation=promised, follow_up_on=dt.date(2026, 1, 15), now=at(9, 20)
        )
        items["call"] = raise_item(
            tenant,
            at=at(8, 30),
            channel="conference_call",
            category="outage",
            subject="Outage review call",
            requested_start=at(10, day=15),
            requested_minutes=60,
        )
        answered = raise_item(tenant, at=at(8, 40), subject="Loop bounced once")
        items["answered"] = services.escalation_respond(actor=manager, escalation=answered, now=at(8, 45))
        self.items = {name: reload(item) for name, item in items.items()}

        resolved = raise_item(tenant, at=at(9, 5), subject="Fixed already")
        self.resolved = services.escalation_resolve(actor=manager, escalation=resolved, now=at(9, 10))
        cancelled = raise_item(tenant, at=at(9, 6), subject="Raised by mistake")
        self.cancelled = services.escalation_cancel(actor=manager, escalation=cancelled, now=at(9, 7))
        # A manager nobody here backs up, on an account the home manager's director also sees.
        self.stranger = PersonFactory(name="Sam Stranger", reports_to=self.director)
        stranger_account = AccountFactory(company=CompanyFactory(name="Stranger Telecom"))
        AssignmentFactory(account=stranger_account, person=self.stranger, role=RoleFactory(code="service-manager"))
        self.strangers_item = raise_item(tenant, at=at(10), actor=self.director_user, account=stranger_account)

    def __getitem__(self, name) -> Escalation:
        return self.items[name]

    def ids(self, *names) -> list[int]:
        return [self.items[n].pk for n in names]

    def names(self, ids) -> list[str]:
        by_pk = {item.pk: name for name, item in self.items.items()}
        return [by_pk.get(pk, f"#{pk}") for pk in ids]


@pytest.fixture
def world(tenant, foreign, colleague):
    return World(tenant, foreign, colleague)


# --- Whose items, in which order ---------------------------------------------------------------------


def test_queue_people_are_me_and_whom_i_back_up_while_they_are_out(tenant, colleague):
    me = tenant.manager
    assert selectors.queue_people(me, NOW) == [me.pk]  # the colleague is in the office
    out_of_office(colleague, until=NOW + dt.timedelta(hours=1))
    assert selectors.queue_people(me, NOW) == [me.pk, colleague.pk]
    assert selectors.queue_people(me, NOW + dt.timedelta(hours=1)) == [me.pk]  # the until has passed
    out_of_office(colleague, until=None)  # out until further notice
    assert selectors.queue_people(me, NOW + dt.timedelta(days=30)) == [me.pk, colleague.pk]
    assert selectors.queue_people(colleague, NOW) == [colleague.pk]  # backing up is one way


def test_queue_is_ordered_by_next_deadline_with_items_without_one_last(world, manager):
    assert world.names(queue_ids(manager)) == World.ORDER
    deadlines = [i.next_deadline_at for i in selectors.queue_list(user=manager, now=NOW)]
    assert deadlines[-1] is None and None not in deadlines[:-1]
    assert deadlines[:-1] == sorted(deadlines[:-1])


def test_items_without_a_deadline_come_last_oldest_first(tenant, manager):
    # Answered without a follow-up promised: nothing is due any more, but the item is open.
    later = raise_item(tenant, at=denver(2026, 1, 13, 9), subject="Second")
    earlier = raise_item(tenant, at=denver(2026, 1, 13, 8), subject="First")
    for item in (later, earlier):
        services.escalation_respond(actor=tenant.manager_user, escalation=item, now=denver(2026, 1, 13, 9, 5))
    later, earlier = reload(later), reload(earlier)
    due = raise_item(tenant, at=denver(2026, 1, 13, 10))
    assert (later.next_deadline_at, earlier.next_deadline_at) == (None, None)
    assert queue_ids(manager) == [due.pk, earlier.pk, later.pk]


def test_queue_holds_own_and_backed_up_open_items_only(world, manager):
    held = set(queue_ids(manager))
    assert held == set(world.ids(*World.ORDER))
    assert world["covered"].assignee == world.foreign.manager
    assert world.resolved.pk not in held and world.cancelled.pk not in held
    assert world.strangers_item.pk not in held


def test_backed_up_items_leave_the_queue_when_the_out_of_office_until_passes(world, manager):
    covered = world["covered"].pk
    assert covered in queue_ids(manager, now=denver(2026, 1, 14, 16, 59))
    assert covered not in queue_ids(manager, now=denver(2026, 1, 14, 17, 0))
    assert covered not in queue_ids(manager, now=denver(2026, 1, 15, 9, 0))


def test_backed_up_items_are_absent_while_the_colleague_is_in_the_office(world, manager, colleague):
    colleague.availability, colleague.availability_until = "in_office", None
    colleague.save()
    assert world["covered"].pk not in queue_ids(manager)


def test_the_colleague_sees_their_own_items_and_never_mine(world, foreign):
    assert queue_ids(foreign.manager_user) == world.ids("covered")


def test_a_director_sees_only_items_assigned_to_them_not_their_reports(world, tenant, manager):
    # The director can see the reports' accounts (and open their items), but the queue is theirs.
    assert Escalation.objects.visible_to(world.director_user).filter(pk=world["overdue"].pk).exists()
    assert queue_ids(world.director_user) == []
    escalated = services.escalation_escalate(
        actor=manager, escalation=world["on_track"], reason="Repeat miss", now=denver(2026, 1, 13, 10, 45)
    )
    assert queue_ids(world.director_user) == [escalated.pk]
    assert escalated.pk not in queue_ids(manager)


def test_a_manager_never_sees_another_managers_items_even_when_both_serve_the_account(tenant, manager):
    other = PersonFactory(name="Second Manager")
    other_user = staff_user(other, "second.manager")
    AssignmentFactory(account=tenant.account, person=other, role=RoleFactory(code="service-manager"))
    theirs = raise_item(tenant, at=denver(2026, 1, 13, 10), actor=manager, assignee=other, subject="Theirs")
    mine = raise_item(tenant, at=denver(2026, 1, 13, 10), actor=manager, assignee=tenant.manager, subject="Mine")
    assert Escalation.objects.visible_to(manager).count() == 2  # both can open both items
    assert queue_ids(manager) == [mine.pk]
    assert queue_ids(other_user) == [theirs.pk]


def test_customers_have_no_queue(world, tenant):
    assert list(selectors.queue_list(user=tenant.user, now=NOW)) == []


def test_queue_counts_for_a_customer_are_zero(world, tenant):
    assert selectors.queue_counts(user=tenant.user, now=NOW)["all"] == 0
    assert list(selectors.queue_list(user=tenant.user, filters={"state": "overdue"}, now=NOW)) == []


# --- States --------------------------------------------------------------------------------------------


def states(user, now) -> dict[int, str]:
    return dict(selectors.queue_list(user=user, now=now).values_list("pk", "queue_state"))


def test_states_of_the_world_at_eleven(world, manager):
    by_name = dict(zip(World.ORDER, [states(manager, NOW)[pk] for pk in world.ids(*World.ORDER)], strict=True))
    assert by_name == {
        "overdue": "overdue",
        "at_risk": "at_risk",
        "level2": "at_risk",  # a voicemail due 12:00 is warned at 75% of its 4 h: 11:00
        "paused": "paused",
        "on_track": "on_track",
        "call": "on_track",
        "covered": "on_track",
        "promised": "on_track",
        "answered": "on_track",
    }


@pytest.mark.parametrize(
    "minute, state",
    [(0, "on_track"), (14, "on_track"), (15, "at_risk"), (29, "at_risk"), (30, "overdue"), (120, "overdue")],
)
def test_a_pager_item_is_on_track_then_at_risk_past_its_target_then_overdue_past_due(tenant, manager, minute, state):
    item = raise_item(tenant, at=denver(2026, 1, 13, 10))  # target 10:15, due 10:30
    assert states(manager, denver(2026, 1, 13, 10) + dt.timedelta(minutes=minute)) == {item.pk: state}


def test_a_voicemail_is_at_risk_from_75_percent_of_its_interval_then_overdue(tenant, manager):
    item = raise_item(tenant, at=denver(2026, 1, 13, 10), channel="voicemail")  # due 14:00, warned 13:00
    assert states(manager, denver(2026, 1, 13, 12, 59)) == {item.pk: "on_track"}
    assert states(manager, denver(2026, 1, 13, 13, 0)) == {item.pk: "at_risk"}
    assert states(manager, denver(2026, 1, 13, 14, 0)) == {item.pk: "overdue"}


def test_a_promised_follow_up_is_at_risk_from_its_days_opening_and_overdue_after_its_close(world, manager):
    promised = world["promised"].pk
    assert states(manager, denver(2026, 1, 15, 7, 59))[promised] == "on_track"
    assert states(manager, denver(2026, 1, 15, 8, 0))[promised] == "at_risk"
    assert states(manager, denver(2026, 1, 15, 17, 0))[promised] == "overdue"


def test_waiting_on_the_customer_is_paused_however_late_and_resuming_restarts_the_clock(world, manager):
    paused = world["paused"]
    assert states(manager, denver(2026, 1, 20, 9))[paused.pk] == "paused"
    resumed = services.escalation_resume(actor=manager, escalation=paused, now=denver(2026, 1, 13, 10, 30))
    # Waited one business hour: due 13:00 → 14:00, and the warning 12:00 → 13:00.
    assert utc(resumed.next_deadline_at) == utc(denver(2026, 1, 13, 14))
    assert states(manager, denver(2026, 1, 13, 12, 59))[paused.pk] == "on_track"
    assert states(manager, denver(2026, 1, 13, 13))[paused.pk] == "at_risk"
    assert states(manager, denver(2026, 1, 13, 14))[paused.pk] == "overdue"


def test_answering_an_item_puts_it_back_on_track_without_a_deadline(tenant, manager):
    item = raise_item(tenant, at=denver(2026, 1, 13, 10))
    assert states(manager, NOW) == {item.pk: "overdue"}
    services.escalation_respond(actor=manager, escalation=item, now=NOW)
    assert states(manager, NOW) == {item.pk: "on_track"}
    assert reload(item).next_deadline_at is None


# --- Filters and tab counts: selectors, page and API agree ------------------------------------------

FILTER_CASES = {
    "none": ({}, World.ORDER),
    "status new": ({"status": "new"}, ["overdue", "at_risk", "level2", "on_track", "call", "covered"]),
    "status waiting": ({"status": "waiting_on_customer"}, ["paused"]),
    "status acknowledged": ({"status": "acknowledged"}, ["promised"]),
    "channel pager": ({"channel": "pager"}, ["overdue", "at_risk", "covered", "answered"]),
    "channel email": ({"channel": "email"}, ["promised"]),
    "category billing": ({"category": "billing"}, ["level2"]),
    "company other": ({"company": "other"}, ["level2"]),
    "company foreign": ({"company": "foreign"}, ["covered"]),
    "level 2": ({"level": "2"}, ["level2"]),
    "level 1": ({"level": "1"}, [n for n in World.ORDER if n != "level2"]),
    "state overdue": ({"state": "overdue"}, ["overdue"]),
    "state at_risk": ({"state": "at_risk"}, ["at_risk", "level2"]),
    "state paused": ({"state": "paused"}, ["paused"]),
    "state on_track": ({"state": "on_track"}, ["on_track", "call", "covered", "promised", "answered"]),
    "q subject": ({"q": "boulder"}, ["overdue"]),
    "q account number": ({"q": "5555-0001"}, ["level2"]),
    "q company name": ({"q": "Foreign Tele"}, ["covered"]),
    "pager and overdue": ({"channel": "pager", "state": "overdue"}, ["overdue"]),
    "pager and on track": ({"channel": "pager", "state": "on_track"}, ["covered", "answered"]),
    "nothing": ({"channel": "meeting"}, []),
}


def resolve_filters(world, filters) -> dict:
    companies = {"other": world.other_account.company_id, "foreign": world.foreign.company.pk}
    return {k: (str(companies[v]) if k == "company" else v) for k, v in filters.items()}


@pytest.mark.parametrize("case", list(FILTER_CASES))
def test_filters_give_the_same_rows_in_the_same_order_on_page_and_api(world, manager, clock, case):
    filters, expected = FILTER_CASES[case]
    filters = resolve_filters(world, filters)
    assert world.names(queue_ids(manager, **filters)) == expected
    assert world.names(page_ids(login(manager).get(QUEUE, filters))) == expected
    assert world.names(api_ids(api_client(manager).get(API, filters))) == expected


def test_tab_counts_per_state_in_one_query(world, manager):
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.queue_counts(user=manager, now=NOW)
    assert counts == {"all": 9, "on_track": 5, "at_risk": 2, "overdue": 1, "paused": 1}
    # One aggregate (plus the look-up of whom the manager backs up).
    assert len([q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]) == 1


def test_tab_counts_ignore_the_state_filter_but_follow_the_others(world, manager):
    unfiltered = selectors.queue_counts(user=manager, now=NOW)
    for state in rules.QUEUE_STATES:
        assert selectors.queue_counts(user=manager, filters={"state": state}, now=NOW) == unfiltered
    assert selectors.queue_counts(user=manager, filters={"channel": "pager", "state": "paused"}, now=NOW) == {
        "all": 4,
        "on_track": 2,
        "at_risk": 1,
        "overdue": 1,
        "paused": 0,
    }


def test_tab_counts_move_with_time(world, manager):
    # Wed 14 10:00: every Tuesday deadline has passed; the colleague is still out, the paused
    # item stays paused, the call was not scheduled by Wed 08:30; the promised follow-up and the
    # answered item stay on track.
    assert selectors.queue_counts(user=manager, now=denver(2026, 1, 14, 10)) == {
        "all": 9,
        "on_track": 2,
        "at_risk": 0,
        "overdue": 6,
        "paused": 1,
    }


def test_page_tabs_show_the_counts_and_mark_the_active_state(world, manager, clock):
    response = login(manager).get(QUEUE, {"state": "overdue", "channel": "pager"})
    assert response.context["counts"] == {"all": 4, "on_track": 2, "at_risk": 1, "overdue": 1, "paused": 0}
    html = response.content.decode()
    assert '<span class="badge" data-count="all">4</span>' in html
    assert '<span class="badge" data-count="overdue">1</span>' in html
    assert '<span class="badge" data-count="paused">0</span>' in html
    assert 'class="tab active tab-overdue" aria-current="page"' in html
    # The tab links keep the other filters and drop the state.
    assert 'href="?channel=pager&state=at_risk"' in html


def test_page_rows_show_state_time_left_and_whose_item(world, manager, clock):
    html = login(manager).get(QUEUE).content.decode()
    overdue, covered, paused = world["overdue"], world["covered"], world["paused"]
    assert f'id="row-{overdue.pk}" class="q-row state-overdue"' in html
    assert "overdue by 30 min" in html  # due 10:30, now 11:00
    assert f'id="row-{paused.pk}" class="q-row state-paused"' in html
    assert "clock stopped" in html
    assert f"for {covered.assignee.name}" in html  # a backed-up colleague's item says whose it is
    assert "no deadline" in html  # the answered item


def test_api_rows_carry_state_and_time_left(world, manager, clock):
    rows = {row["id"]: row for row in api_client(manager).get(API).json()["results"]}
    overdue, at_risk, scheduled = rows[world["overdue"].pk], rows[world["at_risk"].pk], rows[world["answered"].pk]
    assert (overdue["state"], overdue["time_left"], overdue["is_overdue"]) == ("overdue", "overdue by 30 min", True)
    assert (at_risk["state"], at_risk["time_left"]) == ("at_risk", "10 min left")
    assert (scheduled["state"], scheduled["time_left"], scheduled["next_deadline_at"]) == ("on_track", "", None)
    assert rows[world["paused"].pk]["state"] == "paused"


# --- Pagination --------------------------------------------------------------------------------------


@pytest.fixture
def many(tenant):
    """120 of the manager's items, one minute apart in deadline."""
    start = denver(2026, 1, 13, 9)
    return [
        EscalationFactory(
            account=tenant.account,
            assignee=tenant.manager,
            received_at=start + dt.timedelta(minutes=i),
            subject=f"Bulk item {i:03d}",
        )
        for i in range(120)
    ]


def test_the_page_shows_fifty_rows_a_page(many, manager, clock):
    client = login(manager)
    first, third = client.get(QUEUE), client.get(QUEUE, {"page": 3})
    assert page_ids(first) == [i.pk for i in many[:50]]
    assert page_ids(third) == [i.pk for i in many[100:]]
    assert first.context["page"].paginator.num_pages == 3
    html = first.content.decode()
    assert "Page 1 of 3" in html
    assert 'href="?page=2"' in html
    # Filters travel with the page links.
    assert 'href="?channel=pager&page=2"' in client.get(QUEUE, {"channel": "pager"}).content.decode()
    assert page_ids(client.get(QUEUE, {"page": 99})) == [i.pk for i in many[100:]]  # past the end: the last


def test_the_api_pages_by_fifty_in_the_same_order(many, manager, clock):
    api = api_client(manager)
    first = api.get(API).json()
    assert first["count"] == 120
    assert [r["id"] for r in first["results"]] == [i.pk for i in many[:50]]
    assert api_ids(api.get(API, {"page": 3})) == [i.pk for i in many[100:]]
    assert "page=2" in first["next"]


# --- The page ----------------------------------------------------------------------------------------


def test_queue_page_for_staff(world, manager, clock):
    response = login(manager).get(QUEUE)
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["escalations/queue.html", "base.html"]
    html = response.content.decode()
    assert "<html" in html and 'id="queue-body"' in html
    # queue.js skips a refresh while someone types or selects; an Undo refreshes it at once.
    assert 'hx-trigger="every 30s, queue-changed from:body"' in html
    assert "js/queue.js" in html and "css/queue.css" in html
    assert 'id="queue-panel"' in html and 'id="queue-feedback"' in html


def test_queue_page_is_404_for_customers_and_asks_anonymous_users_to_sign_in(world, tenant):
    assert login(tenant.user).get(QUEUE).status_code == 404
    response = Client().get(QUEUE)
    assert response.status_code == 302 and "/auth/login/" in response["Location"]


def test_htmx_request_for_the_queue_body_returns_only_the_body(world, manager, clock):
    response = login(manager).get(QUEUE, {"state": "overdue"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-body")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<body" not in html
    assert [t.name for t in response.templates][0] == "escalations/partials/_queue_body.html"
    assert '<input type="hidden" id="queue-state" name="state" value="overdue">' in html
    assert page_ids(response) == world.ids("overdue")


@pytest.mark.parametrize("params", [{"level": "abc"}, {"company": "abc"}])
def test_queue_page_survives_a_malformed_filter(world, manager, clock, params):
    """A filter value of the wrong type is ignored: the whole queue, not an error."""
    assert page_ids(login(manager).get(QUEUE, params)) == world.ids(*World.ORDER)


def test_queue_page_ignores_filter_values_that_are_not_valid(world, manager, clock):
    """A stale or hand-edited bookmark shows the unfiltered queue instead of failing."""
    client = login(manager)
    everything = page_ids(client.get(QUEUE))
    assert everything
    assert page_ids(client.get(QUEUE, {"state": "bogus"})) == everything
    assert page_ids(client.get(QUEUE, {"status": "resolved"})) == everything
    assert page_ids(client.get(QUEUE, {"page": "x"})) == everything
    assert page_ids(client.get(QUEUE, {"state": "bogus", "channel": "pager"})) == page_ids(
        client.get(QUEUE, {"channel": "pager"})
    )


def test_htmx_request_for_another_target_gets_the_whole_page(world, manager, clock):
    response = login(manager).get(QUEUE, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main")
    assert "<html" in response.content.decode()


def test_timeline_opens_in_place_with_internal_notes_for_staff_only(world, manager, tenant):
    item = world["paused"]
    services.escalation_comment(actor=manager, escalation=item, comment="Vendor ticket 8812", internal=True)
    staff_html = login(manager).get(f"/escalations/{item.pk}/timeline/").content.decode()
    assert "<html" not in staff_html
    waited = "stopped the clock to wait on the customer"
    assert "Raised by" in staff_html and waited in staff_html and "Vendor ticket 8812" in staff_html
    customer_html = login(tenant.user).get(f"/escalations/{item.pk}/timeline/").content.decode()
    assert waited in customer_html and "Vendor ticket 8812" not in customer_html


# --- Row actions -------------------------------------------------------------------------------------


def act(client, item, action, data=None):
    url = f"/queue/{item.pk}/{action}/"
    return client.post(url, data or {}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"row-{item.pk}")


FEEDBACK_OOB = '<template><div id="queue-feedback" hx-swap-oob="innerHTML">'


def row_result(response) -> tuple[str, str]:
    """A row's action answers the row again (or a note that it left the queue) and, out of band,
    the sentence for the queue's feedback line: (the row, the sentence)."""
    assert response.status_code == 200, response.content[:500]
    assert [t.name for t in response.templates][0] == "escalations/partials/_queue_row_result.html"
    html = response.content.decode()
    assert "<html" not in html
    row, oob, feedback = html.partition(FEEDBACK_OOB)
    assert oob, "no sentence for the feedback line"
    return row, feedback


@pytest.fixture
def email_item(tenant):
    return raise_item(tenant, at=denver(2026, 1, 13, 10, 30), channel="email", subject="Letter about order 4471")


@pytest.fixture
def pager_item(tenant):
    return raise_item(tenant, at=denver(2026, 1, 13, 10, 50), subject="Pager T1 down")


def test_acknowledging_an_email_without_a_follow_up_date_returns_the_row_with_the_reason(email_item, staff, clock):
    before = stored_state(email_item)
    row, feedback = row_result(act(staff, email_item, "acknowledge"))
    assert f'id="row-{email_item.pk}"' in row
    assert 'role="alert"' in feedback and "must name the date" in feedback
    # The row's menu opens the side panel's form, which asks for the date.
    assert f"/queue/{email_item.pk}/panel/?act=acknowledge" in row
    stored = reload(email_item)
    assert (stored.status, stored.first_response_at, stored.follow_up_on) == ("new", None, None)
    assert kinds(email_item) == ["raised"]
    assert stored_state(email_item) == before


def test_acknowledging_an_email_with_a_follow_up_date_updates_the_row(email_item, staff, clock):
    row, feedback = row_result(act(staff, email_item, "acknowledge", {"follow_up_on": "2026-01-15"}))
    assert '<span class="status status-acknowledged">Acknowledged</span>' in row
    told = "the customer was told you will reply by Thursday 15 January."
    assert f"Escalation #{email_item.pk} acknowledged; {told}" in feedback
    assert "Due Thu 15 Jan 17:00" in row  # the promised follow-up is the next deadline
    assert f"/queue/{email_item.pk}/acknowledge/" not in row and "act=acknowledge" not in row  # once only
    stored = reload(email_item)
    assert (stored.status, stored.follow_up_on) == ("acknowledged", dt.date(2026, 1, 15))
    assert kinds(email_item) == ["raised", "acknowledged"]


def test_a_pager_item_is_acknowledged_straight_from_the_rows_menu(pager_item, staff, clock):
    html = login_html(staff)
    assert f'hx-post="/queue/{pager_item.pk}/acknowledge/"' in html  # nothing to ask: it posts
    row, feedback = row_result(act(staff, pager_item, "acknowledge"))
    assert f"Escalation #{pager_item.pk} acknowledged." in feedback
    assert reload(pager_item).status == "acknowledged"


def login_html(client) -> str:
    response = client.get(QUEUE)
    assert response.status_code == 200
    return response.content.decode()


def test_a_follow_up_date_in_the_past_is_refused_in_the_row(email_item, staff, clock):
    before = stored_state(email_item)
    row, feedback = row_result(act(staff, email_item, "acknowledge", {"follow_up_on": "2026-01-12"}))
    assert "The follow-up date is in the past." in feedback
    assert reload(email_item).status == "new"
    assert stored_state(email_item) == before


def test_respond_wait_and_resume_from_the_row(pager_item, staff, clock):
    row, feedback = row_result(act(staff, pager_item, "respond", {"comment": "Called back"}))
    assert '<span class="status status-in_progress">In progress</span>' in row
    assert f"Response to escalation #{pager_item.pk} recorded." in feedback
    row, feedback = row_result(act(staff, pager_item, "wait"))
    assert 'class="q-row state-paused"' in row and "clock stopped" in row
    assert "Paused" in row  # the state in words (and a symbol), not only a colour
    assert f"Escalation #{pager_item.pk} is waiting on the customer; its clock is stopped." in feedback
    assert f"/queue/{pager_item.pk}/resume/" in row and f"/queue/{pager_item.pk}/wait/" not in row
    row, feedback = row_result(act(staff, pager_item, "resume"))
    assert '<span class="status status-in_progress">In progress</span>' in row
    assert f"Escalation #{pager_item.pk} resumed; its clock runs again." in feedback
    assert kinds(pager_item) == ["raised", "responded", "waiting", "resumed"]
    assert Event.objects.get(escalation=pager_item, kind="responded").comment == "Called back"


def test_resolving_from_the_row_replaces_it_with_a_note_that_it_left_the_queue(pager_item, staff, clock):
    page = login_html(staff)
    # The menu asks before it resolves.
    assert f'data-confirm="Resolve escalation #{pager_item.pk}? The customer is told it is resolved."' in page
    row, feedback = row_result(act(staff, pager_item, "resolve"))
    assert f'<tr id="row-{pager_item.pk}" class="q-row gone">' in row
    assert f"#{pager_item.pk} “{pager_item.subject}” has left your queue." in row
    assert f"Escalation #{pager_item.pk} resolved." in feedback
    # ... with its Undo, which answers the feedback line (and the list refreshes).
    assert f'hx-post="/queue/{pager_item.pk}/undo-resolve/" hx-target="#queue-feedback"' in feedback
    assert reload(pager_item).status == "resolved"
    assert pager_item.pk not in queue_ids(staff_user_of(pager_item))


def staff_user_of(item):
    return reload(item).assignee.user


def test_a_note_from_the_row_is_an_internal_note(pager_item, staff, tenant, clock):
    row, feedback = row_result(act(staff, pager_item, "comment", {"comment": "Vendor ticket 8812", "internal": ""}))
    assert f"Internal note added to escalation #{pager_item.pk}." in feedback
    note = Event.objects.get(escalation=pager_item, kind="note")
    assert (note.comment, note.internal, note.actor) == ("Vendor ticket 8812", True, tenant.manager_user)
    assert reload(pager_item).status == "new"  # a note changes nothing else


def test_an_empty_note_is_refused_in_the_row(pager_item, staff, clock):
    before = stored_state(pager_item)
    row, feedback = row_result(act(staff, pager_item, "comment", {"comment": "  "}))
    assert "Write something first." in feedback
    assert kinds(pager_item) == ["raised"]
    assert stored_state(pager_item) == before


def test_a_refused_transition_returns_the_row_with_the_reason(pager_item, staff, clock):
    before = stored_state(pager_item)
    row, feedback = row_result(act(staff, pager_item, "resume"))
    assert f'id="row-{pager_item.pk}"' in row
    assert "An item that is new cannot be resumed." in feedback
    assert kinds(pager_item) == ["raised"]
    assert stored_state(pager_item) == before


def test_unknown_row_actions_are_404_and_reassigning_needs_someone(pager_item, staff, clock):
    before = stored_state(pager_item)
    assert staff.post(f"/queue/{pager_item.pk}/explode/").status_code == 404
    assert staff.get(f"/queue/{pager_item.pk}/respond/").status_code == 405
    row, feedback = row_result(act(staff, pager_item, "reassign"))
    assert "Choose who takes the item over." in feedback
    row, feedback = row_result(act(staff, pager_item, "escalate", {"reason": "Repeat outage"}))
    assert "has no director to escalate to" in feedback
    assert kinds(pager_item) == ["raised"]
    assert stored_state(pager_item) == before


def test_row_actions_are_404_for_customers_and_for_items_out_of_reach(pager_item, tenant, foreign, staff):
    theirs = raise_item(foreign, at=denver(2026, 1, 13, 10))
    before = [stored_state(pager_item), stored_state(theirs)]
    assert login(tenant.user).post(f"/queue/{pager_item.pk}/respond/").status_code == 404
    assert staff.post(f"/queue/{theirs.pk}/respond/").status_code == 404
    assert kinds(pager_item) == ["raised"] and kinds(theirs) == ["raised"]
    assert [stored_state(pager_item), stored_state(theirs)] == before


def test_a_refused_action_on_an_item_already_gone_shows_the_reason_not_done(pager_item, staff, clock):
    row_result(act(staff, pager_item, "resolve"))
    before = stored_state(pager_item)
    row, feedback = row_result(act(staff, pager_item, "resolve"))  # e.g. a second tab still showing the row
    assert "An item that is resolved cannot be resolved." in feedback
    assert f"Escalation #{pager_item.pk} resolved." not in feedback and "undo-resolve" not in feedback
    assert stored_state(pager_item) == before


def test_a_row_action_without_script_comes_back_to_the_items_panel_page(pager_item, staff, clock):
    response = staff.post(f"/queue/{pager_item.pk}/respond/", {"comment": "Called back"})
    assert response.status_code == 302 and response["Location"] == f"/queue/{pager_item.pk}/panel/"
    page = staff.get(response["Location"])
    assert [t.name for t in page.templates][:2] == ["escalations/queue_item.html", "base.html"]
    assert f"Response to escalation #{pager_item.pk} recorded." in page.content.decode()
    assert reload(pager_item).status == "in_progress"


# --- Bulk --------------------------------------------------------------------------------------------


def bulk(client, ids, action, **data):
    return client.post("/queue/bulk/", {"ids": [str(i) for i in ids], "action": action, **data}, HTTP_HX_REQUEST="true")


def stored_states(items) -> list[dict]:
    return [stored_state(item) for item in items]


def body_html(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert [t.name for t in response.templates][0] == "escalations/partials/_queue_body.html"
    html = response.content.decode()
    assert "<html" not in html
    return html


@pytest.fixture
def pagers(tenant):
    return [raise_item(tenant, at=denver(2026, 1, 13, 10, 40 + i), subject=f"Pager {i}") for i in range(3)]


def test_bulk_acknowledge_several(pagers, staff, clock):
    html = body_html(bulk(staff, [p.pk for p in pagers], "acknowledge"))
    assert "3 items acknowledged." in html
    assert [reload(p).status for p in pagers] == ["acknowledged"] * 3
    assert all(kinds(p) == ["raised", "acknowledged"] for p in pagers)
    assert '<span class="badge" data-count="all">3</span>' in html  # the body comes back fresh


def test_bulk_acknowledge_is_all_or_nothing_and_names_the_item_that_refuses(pagers, email_item, staff, clock):
    ids = [pagers[0].pk, email_item.pk, pagers[1].pk]
    before = stored_states([*pagers, email_item])
    html = body_html(bulk(staff, ids, "acknowledge"))
    assert "Nothing was changed." in html
    assert f"#{email_item.pk}: An acknowledgement of written correspondence must name the date" in html
    assert f"#{pagers[0].pk}:" not in html and f"#{pagers[1].pk}:" not in html
    assert [reload(i).status for i in (pagers[0], email_item, pagers[1])] == ["new"] * 3
    assert Event.objects.filter(escalation_id__in=ids).exclude(kind="raised").count() == 0
    assert stored_states([*pagers, email_item]) == before


def test_bulk_acknowledge_with_a_follow_up_date_takes_the_email_too(pagers, email_item, staff, clock):
    html = body_html(bulk(staff, [pagers[0].pk, email_item.pk], "acknowledge", follow_up_on="2026-01-15"))
    assert "2 items acknowledged." in html
    assert reload(email_item).follow_up_on == dt.date(2026, 1, 15)
    assert reload(pagers[0]).status == "acknowledged"


def test_bulk_acknowledge_refuses_items_already_acknowledged_and_changes_nothing(pagers, staff, manager, clock):
    services.escalation_acknowledge(actor=manager, escalation=pagers[1], now=NOW)
    before = stored_states(pagers)
    html = body_html(bulk(staff, [p.pk for p in pagers], "acknowledge"))
    assert f"#{pagers[1].pk}: An item that is acknowledged cannot be acknowledged." in html
    assert [reload(p).status for p in pagers] == ["new", "acknowledged", "new"]
    assert stored_states(pagers) == before


def test_bulk_reassign_several_to_another_person(pagers, tenant, staff, clock):
    other = PersonFactory(name="Olga Other")
    ids = [p.pk for p in pagers[:2]]
    html = body_html(bulk(staff, ids, "reassign", assignee=str(other.pk), reason="Holiday cover"))
    assert "2 items reassigned to Olga Other." in html
    assert [reload(p).assignee for p in pagers] == [other, other, tenant.manager]
    for item in pagers[:2]:
        event = Event.objects.get(escalation=item, kind="reassigned")
        assert (event.comment, event.data["from"], event.data["to"]) == (
            "Holiday cover",
            tenant.manager.name,
            other.name,
        )
        assert event.actor == tenant.manager_user
    # They have left the queue that came back.
    assert f'id="row-{pagers[0].pk}"' not in html and f'id="row-{pagers[2].pk}"' in html


def test_bulk_reassign_without_anyone_chosen_changes_nothing(pagers, tenant, staff, clock):
    before = stored_states(pagers)
    html = body_html(bulk(staff, [p.pk for p in pagers], "reassign"))
    assert "Choose who takes the selected items over." in html
    assert {reload(p).assignee for p in pagers} == {tenant.manager}
    assert stored_states(pagers) == before


def test_bulk_reassign_to_the_current_assignee_is_all_or_nothing(pagers, tenant, staff, clock):
    other = PersonFactory(name="Olga Other")
    services.escalation_reassign(actor=tenant.manager_user, escalation=pagers[0], assignee=other, now=NOW)
    before = stored_states(pagers)
    html = body_html(bulk(staff, [p.pk for p in pagers], "reassign", assignee=str(other.pk)))
    assert f"#{pagers[0].pk}: The item is already assigned to Olga Other." in html
    assert [reload(p).assignee for p in pagers] == [other, tenant.manager, tenant.manager]
    assert Event.objects.filter(escalation__in=pagers[1:], kind="reassigned").count() == 0
    assert stored_states(pagers) == before


def test_bulk_with_nothing_selected_or_an_unknown_action_changes_nothing(pagers, staff, clock):
    before = stored_states(pagers)
    assert "Select at least one item." in body_html(bulk(staff, [], "acknowledge"))
    assert "is not offered" in body_html(bulk(staff, [pagers[0].pk], "resolve"))
    assert reload(pagers[0]).status == "new"
    assert stored_states(pagers) == before


def test_bulk_keeps_the_filters_of_the_view(pagers, email_item, staff, clock):
    html = body_html(bulk(staff, [pagers[0].pk], "acknowledge", channel="email"))
    assert '<input type="hidden" name="channel" value="email">' in html
    assert f'id="row-{email_item.pk}"' in html and f'id="row-{pagers[1].pk}"' not in html


def test_bulk_is_404_for_customers(pagers, tenant):
    before = stored_states(pagers)
    assert login(tenant.user).post("/queue/bulk/", {"ids": [pagers[0].pk], "action": "acknowledge"}).status_code == 404
    assert reload(pagers[0]).status == "new"
    assert stored_states(pagers) == before


# --- The API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"state": "bogus"}, {"level": "9"}, {"level": "0"}, {"level": "x"}, {"status": "resolved"}, {"channel": "fax"},
     {"category": "gossip"}, {"company": "abc"}],
)  # fmt: skip
def test_api_refuses_bad_parameters_with_400(world, manager, clock, params):
    response = api_client(manager).get(API, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_api_is_403_for_customers_and_401_without_credentials(world, tenant):
    response = api_client(tenant.user).get(API)
    assert response.status_code == 403
    assert response.json() == {"detail": "The queue is for the carrier's staff."}
    assert APIClient().get(API).status_code == 401


def test_api_gives_the_backup_the_colleagues_items_until_the_until_passes(world, manager, clock):
    assert world["covered"].pk in api_ids(api_client(manager).get(API))
    clock.move_to(denver(2026, 1, 14, 17, 1))
    assert world["covered"].pk not in api_ids(api_client(manager).get(API))


def test_api_time_left_of_a_paused_item_says_the_clock_is_stopped(world, manager, clock):
    clock.move_to(denver(2026, 1, 13, 16))  # past the paused item's (stopped) 13:00 deadline
    row = next(r for r in api_client(manager).get(API).json()["results"] if r["id"] == world["paused"].pk)
    assert row["state"] == "paused"
    assert "overdue" not in row["time_left"]


def test_api_blank_search_is_no_filter(world, manager, clock):
    assert world.names(api_ids(api_client(manager).get(API, {"q": ""}))) == World.ORDER


# --- Query budgets -----------------------------------------------------------------------------------


def fill(tenant, n):
    """``n`` of the manager's items in every state, with a second company and a backed-up colleague's."""
    other = AccountFactory()
    AssignmentFactory(account=other, person=tenant.manager, role=RoleFactory(code="service-manager"))
    start = denver(2026, 1, 13, 9)
    for i in range(n):
        EscalationFactory(
            account=other if i % 3 == 0 else tenant.account,
            assignee=tenant.manager,
            received_at=start + dt.timedelta(minutes=3 * i),
            status=["new", "acknowledged", "waiting_on_customer", "in_progress"][i % 4],
            channel=["pager", "email", "voicemail"][i % 3],
            level=1 + i % 2,
        )


@pytest.mark.parametrize("n", [5, 50])
def test_page_query_budget(tenant, manager, clock, django_assert_max_num_queries, n):
    fill(tenant, n)
    client = login(manager)
    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        response = client.get(QUEUE)
    assert len(page_ids(response)) == min(n, 50)
    with django_assert_max_num_queries(PAGE_MAX_QUERIES):
        body = client.get(QUEUE, {"state": "overdue"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-body")
    assert body.status_code == 200


@pytest.mark.parametrize("n", [5, 50])
def test_api_query_budget(tenant, manager, clock, django_assert_max_num_queries, n):
    fill(tenant, n)
    with django_assert_max_num_queries(API_MAX_QUERIES):
        response = fresh_api(manager).get(API)
    assert len(api_ids(response)) == min(n, 50)
    with django_assert_max_num_queries(API_MAX_QUERIES):
        assert fresh_api(manager).get(API, {"channel": "pager", "state": "overdue", "q": "Item"}).status_code == 200


def test_query_counts_do_not_grow_with_the_queue(tenant, manager, clock):
    """The measurement behind the budgets above: the same count for 5 and for 50 items."""
    measured = {}
    client = login(manager)
    for n, more in ((5, 5), (50, 45)):
        fill(tenant, more)
        with CaptureQueriesContext(connection) as page_ctx:
            assert len(page_ids(client.get(QUEUE))) == n
        api = fresh_api(manager)
        with CaptureQueriesContext(connection) as api_ctx:
            assert len(api_ids(api.get(API))) == n
        measured[n] = (len(page_ctx), len(api_ctx))
    assert measured[5] == measured[50] == (PAGE_MAX_QUERIES - 1, API_MAX_QUERIES - 1), measured

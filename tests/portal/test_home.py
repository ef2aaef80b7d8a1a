"""The home page says what needs the person now: for a service manager, counts of their queue's
tabs, of what falls due before they close today, of their handoffs and post-mortems, each a link
to the page that lists them; for a director also their group's figures (the review's own) and
what waits for them; for a customer, their company's open items with the next promised date.

Instants are Denver wall clock in January 2026 (MST, UTC−7) on the "Denver office" calendar
(Mon–Fri 08:00–17:00): Tue 13, Wed 14, Thu 15. The clock stands still at Tue 13 Jan 11:00.
"""

import datetime as dt
import re

import pytest

from escalations import scheduling, services
from escalations.models import ResponsePolicy, RoutingRule
from escalations.policies import seed_guidelines, seed_routing
from handoffs.checklist import seed_checklist
from handoffs.models import ChecklistTemplateItem
from portal.selectors import CUSTOMER_ITEMS, end_of_business_day
from postmortems import services as postmortem_services
from postmortems.models import ComplexityPolicy
from postmortems.rules import DEFAULT_BUSINESS_DAYS
from tests.clients import signed_in
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item
from tests.handoffs.factories import ready_to_complete, start_handoff
from tests.postmortems.factories import accepted_postmortem, ready_postmortem
from tests.teams.factories import (
    AccountFactory,
    AssignmentFactory,
    CompanyFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)
from tests.teams.test_views import HOME_MAX_QUERIES

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 13, 11, 0)
TODAY = dt.date(2026, 1, 13)

clock = clock_at(NOW, autouse=True)

# Query budgets of the home page (bound = measured + 1), the same for a small and a larger book.
# A service manager, measured 15: session, user, memberships (tenancy), staff profile; the queue's
# tab counts (the people they back up, one aggregate), their calendar and its closures (the end of
# their business day), what is due before it (the people they back up again, one aggregate), the
# handoffs and the post-mortems (one aggregate each), whether they review a group (the directors in
# their reach); the bell's unread count and the accounts they hold.
STAFF_HOME_MAX_QUERIES = 16
# A director, measured 16: the same, and their group's overdue and at-risk items (the review's
# count by person). The customer's home: HOME_MAX_QUERIES in tests/teams/test_views.py.
DIRECTOR_HOME_MAX_QUERIES = 17


def at(hour, minute=0, day=13):
    return denver(2026, 1, day, hour, minute)


@pytest.fixture(autouse=True)
def _seeded(db, settings):
    """The guidelines, the routing, the handoff checklist and the post-mortem complexity table come
    from data migrations, which a transactional test's flush may have undone: seed what is missing."""
    seed_guidelines(ResponsePolicy)
    seed_routing(RoutingRule)
    seed_checklist(ChecklistTemplateItem)
    for complexity, days in DEFAULT_BUSINESS_DAYS.items():
        ComplexityPolicy.objects.get_or_create(complexity=complexity, defaults={"business_days": days})
    settings.ESCALATION_GRACE_MINUTES = None


def text(response) -> str:
    """The page's text, tags dropped and white space folded (to read the sentences)."""
    assert response.status_code == 200, response.content[:500]
    words = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    return re.sub(r" ([.,;:])", r"\1", words)


def link(response, testid) -> str:
    """The ``href`` of the link marked ``data-testid=testid``."""
    match = re.search(rf'<a href="([^"]*)" data-testid="{testid}"', response.content.decode())
    assert match, f"no link {testid}"
    return match.group(1).replace("&amp;", "&")


def has_link(response, testid) -> bool:
    return f'data-testid="{testid}"' in response.content.decode()


class Book:
    """The home manager's queue at Tue 11:00, one item per situation, and what is not theirs.

    ==========  ==========================================  =========================  ==========
    name        what                                        next deadline              at 11:00
    ==========  ==========================================  =========================  ==========
    overdue     pager repair, raised 10:00                  due 10:30                  overdue
    at_risk     pager repair, raised 10:40                  target 10:55, due 11:10    at risk, due today
    paused      voicemail order escalation, raised 09:00,   (clock stopped)            waiting
                waiting on the customer since 09:30
    on_track    voicemail expedite, raised 10:30            due 14:30                  due today
    promised    email, acknowledged 09:20, follow-up Thu    Thu 15 17:00               on track
    call        conference call for Thu 10:00, scheduled    the meeting, Thu 15        on track
    ==========  ==========================================  =========================  ==========

    Not counted: a resolved item, the foreign manager's items (overdue), a handoff between other
    people. The manager gives one handoff (to Ivan, started by the director) and writes one
    accepted post-mortem (due Wed 21 Jan: 5 business days, Mon 19 Jan a holiday), whose tracking
    item is on track.
    """

    def __init__(self, tenant, foreign, director):
        self.tenant = tenant
        manager = tenant.manager_user
        items = {}
        items["overdue"] = raise_item(tenant, at=at(10), subject="DS3 to Boulder bouncing")
        items["at_risk"] = raise_item(tenant, at=at(10, 40), subject="T1 to Golden down")
        paused = raise_item(tenant, at=at(9), channel="voicemail", category="order_escalation", subject="Order 4471")
        items["paused"] = services.escalation_wait(actor=manager, escalation=paused, now=at(9, 30))
        items["on_track"] = raise_item(
            tenant, at=at(10, 30), channel="voicemail", category="expedite", subject="Expedite 12 loops"
        )
        promised = raise_item(tenant, at=at(9), channel="email", category="delayed_order", subject="Letter 88")
        items["promised"] = services.escalation_acknowledge(
            actor=manager, escalation=promised, follow_up_on=dt.date(2026, 1, 15), now=at(9, 20)
        )
        call = raise_item(
            tenant,
            at=at(8, 30),
            channel="conference_call",
            category="outage",
            subject="Outage review call",
            requested_start=at(10, day=15),
            requested_minutes=60,
        )
        items["call"] = scheduling.escalation_schedule(
            actor=manager, escalation=call, starts_at=at(10, day=15), duration_minutes=60, now=at(8, 45)
        )
        resolved = raise_item(tenant, at=at(9, 5), subject="Fixed already")
        services.escalation_resolve(actor=manager, escalation=resolved, now=at(9, 10))
        self.items = items
        self.foreign_item = raise_item(foreign, at=at(9), subject="Foreign loop down")  # overdue, not ours

        role = RoleFactory(code="service-manager")
        self.incoming = PersonFactory(name="Ivan Incoming", reports_to=director, user=UserFactory(username="ivan"))
        self.handoff = start_handoff(
            actor=director.user,
            outgoing=tenant.manager,
            incoming=self.incoming,
            role=role,
            accounts=[tenant.account],
            effective_date=dt.date(2026, 2, 2),
        )
        admin = PersonFactory(name="Ada Admin", is_carrier_admin=True, user=UserFactory(username="ada"))
        start_handoff(
            actor=admin.user,
            outgoing=foreign.manager,
            incoming=PersonFactory(name="Fay Foreign"),
            role=role,
            accounts=[foreign.account],
            effective_date=dt.date(2026, 2, 2),
        )
        self.postmortem = accepted_postmortem(tenant, now=at(9, 30))


@pytest.fixture
def book(tenant, foreign, director):
    return Book(tenant, foreign, director)


# --- The service manager ---------------------------------------------------------------------------


def test_staff_home_counts_the_queue_tabs_due_today_handoffs_and_postmortems(book, manager):
    response = signed_in(manager).get("/")

    page = text(response)
    assert "1 item is overdue." in page
    assert "1 item is at risk: past the target, not yet due." in page
    assert "1 item is waiting on the customer." in page
    assert "2 items fall due before you close today at 17:00 MST." in page
    assert "1 handoff that you give, receive or started is in progress." in page
    assert "You have 1 open post-mortem; the nearest is due on Wednesday 21 January." in page
    assert "Nothing needs you now" not in page
    # A service manager without reports reviews no group.
    assert not has_link(response, "home-group")


def test_staff_home_counts_link_to_the_queue_tabs_handoffs_and_postmortems(book, manager):
    client = signed_in(manager)
    response = client.get("/")

    assert link(response, "home-overdue") == "/queue/?state=overdue"
    assert link(response, "home-at-risk") == "/queue/?state=at_risk"
    assert link(response, "home-waiting") == "/queue/?state=paused"
    assert link(response, "home-due-today") == "/queue/"
    assert link(response, "home-handoffs") == "/handoffs/"
    assert link(response, "home-postmortems") == "/postmortems/?status=open"
    # Each tab lists the items the home page counted.
    for testid, names in (("home-overdue", ["overdue"]), ("home-at-risk", ["at_risk"]), ("home-waiting", ["paused"])):
        tab = client.get(link(response, testid))
        assert [i.pk for i in tab.context["page"].object_list] == [book.items[n].pk for n in names]
    handoffs = client.get(link(response, "home-handoffs"))
    assert [h.pk for h in handoffs.context["page"].object_list] == [book.handoff.pk]
    postmortems = client.get(link(response, "home-postmortems"))
    assert [pm.pk for pm in postmortems.context["page"].object_list] == [book.postmortem.pk]


def test_due_today_ends_at_the_close_of_the_persons_business_day(book, manager, clock):
    # At 14:00 the item due at 11:10 is overdue; the one due at 14:30 is still due today.
    clock.move_to(at(14))
    page = text(signed_in(manager).get("/"))
    assert "1 item falls due before you close today at 17:00 MST." in page  # 14:30; 11:10 is overdue
    assert "2 items are overdue." in page


def test_due_today_follows_the_persons_own_calendar(book, tenant, manager):
    # Closing at 11:05 today: the item due 11:10 and the one due 14:30 are no longer due "today".
    calendar = tenant.manager.calendar
    calendar.weekly_hours = {**calendar.weekly_hours, "tue": [["08:00", "11:05"]]}
    calendar.save()

    page = text(signed_in(manager).get("/"))

    assert "0 items fall due before you close today at 11:05 MST." in page


def test_due_today_on_a_closed_day_runs_to_midnight(tenant, manager, clock):
    saturday = denver(2026, 1, 17, 11, 0)
    clock.move_to(saturday)
    # Raised on Saturday: due on Tuesday 20 (Monday 19 is a holiday), not today. Friday's is overdue.
    raise_item(tenant, at=denver(2026, 1, 17, 10, 0), subject="Weekend outage")
    raise_item(tenant, at=denver(2026, 1, 16, 10, 0), subject="Friday outage")

    page = text(signed_in(manager).get("/"))

    assert "1 item is overdue." in page
    assert "0 items fall due today (your office is closed today)." in page
    assert end_of_business_day(tenant.manager, saturday) == (denver(2026, 1, 18, 0, 0), None)
    assert end_of_business_day(tenant.manager, NOW) == (at(17), at(17))


def test_staff_home_says_nothing_needs_them_when_all_is_clear(tenant, manager):
    response = signed_in(manager).get("/")

    page = text(response)
    assert "Nothing needs you now. Your queue is clear." in page
    assert not has_link(response, "home-overdue")


def test_staff_home_counts_nothing_of_a_foreign_book(book, foreign):
    # The foreign manager holds one overdue item and gives a handoff; nothing of the home book.
    page = text(signed_in(foreign.manager_user).get("/"))

    assert "1 item is overdue." in page
    assert "0 items are at risk" in page and "0 items are waiting on the customer." in page
    assert "1 handoff that you give, receive or started is in progress." in page
    assert "open post-mortem" not in page


# --- The director ------------------------------------------------------------------------------------


@pytest.fixture
def group(book, tenant, director, settings):
    """Besides the book: an item escalated to the director, a post-mortem in review and a handoff
    the director started that is ready to complete (between two other members of the group)."""
    settings.POSTMORTEM_DIRECTOR_REVIEW = True
    escalated = raise_item(tenant, at=at(10, 45), subject="Customer wants the director")
    book.escalated = services.escalation_escalate(
        actor=tenant.manager_user, escalation=escalated, reason="Customer asked", now=at(10, 50)
    )
    reviewed = ready_postmortem(tenant, now=at(9, 40), ticket_number="TT-5001")
    book.in_review = postmortem_services.postmortem_submit_for_review(actor=tenant.manager_user, postmortem=reviewed)
    outgoing = PersonFactory(name="Olly Outgoing", reports_to=director)
    account = AccountFactory(company=CompanyFactory(name="Olly Telecom"))
    AssignmentFactory(account=account, person=outgoing, role=RoleFactory(code="service-manager"))
    ready = start_handoff(
        actor=director.user,
        outgoing=outgoing,
        incoming=book.incoming,
        role=RoleFactory(code="service-manager"),
        accounts=[account],
        effective_date=TODAY,
    )
    book.ready = ready_to_complete(ready, actor=director.user)
    return book


def test_director_home_shows_the_group_figures_of_the_review_and_what_waits_for_them(group, director):
    client = signed_in(director.user)
    response = client.get("/")

    page = text(response)
    review = client.get(link(response, "home-group"))
    totals = review.context["totals"]
    assert f"Your group has {totals['overdue']} overdue item" in page
    assert f"and {totals['at_risk']} at risk." in page
    # Overdue: the home manager's item (the foreign manager's is another group's). At risk: the home
    # manager's item and the one escalated to the director, past its new target at 11:00.
    assert (totals["overdue"], totals["at_risk"]) == (1, 2)
    assert "1 item escalated to you is open." in page
    assert "1 post-mortem of your reports waits for your review." in page
    assert "1 handoff you started is confirmed, checked off and effective: ready to complete." in page
    assert link(response, "home-group") == "/review/"
    assert link(response, "home-escalated") == "/queue/?level=2"
    assert link(response, "home-to-review") == "/postmortems/?status=in_review"
    assert link(response, "home-handoffs-ready") == "/handoffs/"
    queue = client.get(link(response, "home-escalated"))
    assert [i.pk for i in queue.context["page"].object_list] == [group.escalated.pk]
    in_review = client.get(link(response, "home-to-review"))
    assert [pm.pk for pm in in_review.context["page"].object_list] == [group.in_review.pk]


def test_carrier_admin_home_shows_every_groups_figures_as_the_review_does(book, admin):
    client = signed_in(admin.user)
    response = client.get("/")

    page = text(response)
    totals = client.get(link(response, "home-group")).context["totals"]
    assert (totals["overdue"], totals["at_risk"]) == (2, 1)  # the home and the foreign manager's
    assert "Every group has 2 overdue items and 1 at risk." in page


def test_director_home_with_a_quiet_group_says_so_in_figures(tenant, director):
    response = signed_in(director.user).get("/")

    page = text(response)
    assert "Nothing needs you now. Your queue is clear." in page
    assert "Your group has 0 overdue items and 0 at risk." in page


# --- The customer -----------------------------------------------------------------------------------


def test_customer_home_lists_open_items_most_urgent_first_with_the_next_promised_date(book, customer):
    response = customer.get("/")

    page = text(response)
    sentences = [
        ("DS3 to Boulder bouncing", "An answer is due by Tuesday 13 January, 10:30 MST."),
        ("T1 to Golden down", "An answer is due by Tuesday 13 January, 11:10 MST."),
        ("Expedite 12 loops", "An answer is due by Tuesday 13 January, 14:30 MST."),
        ("Order 4471", "Waiting on you."),
        ("Outage review call", "Meeting on Thursday 15 January, 10:00 MST."),
        ("Letter 88", "You will be contacted by Thursday 15 January."),
    ]
    for subject, sentence in sentences:
        assert re.search(re.escape(subject) + r" Account \S+ · [^.]*? " + re.escape(sentence), page), subject
    order = [page.index(subject) for subject, _ in sentences if subject in page]
    assert page.index("DS3 to Boulder bouncing") == min(order)  # overdue first
    assert "Fixed already" not in page
    assert "Foreign loop down" not in page
    assert 'href="/escalations/">All your escalations' in response.content.decode()


def test_customer_home_shows_the_items_in_the_list_order(book, customer):
    home = customer.get("/")
    listed = customer.get("/escalations/")

    ids = [int(i) for i in re.findall(r'id="open-item-(\d+)"', home.content.decode())]
    assert ids == [i.pk for i in listed.context["page"].object_list if i.is_open][: len(ids)]


def test_customer_home_shows_at_most_ten_items(tenant, customer):
    for n in range(CUSTOMER_ITEMS + 2):
        raise_item(tenant, at=at(10, n), subject=f"Loop {n:02d}")

    html = customer.get("/").content.decode()

    assert html.count('id="open-item-') == CUSTOMER_ITEMS
    assert "Loop 00" in html  # the first due
    assert "Loop 11" not in html


def test_customer_home_lists_the_active_companys_items_only(book, tenant, foreign):
    MembershipFactory(user=tenant.user, company=foreign.company, is_default=False)

    page = text(signed_in(tenant.user).get("/"))

    assert "DS3 to Boulder bouncing" in page
    assert "Foreign loop down" not in page


def test_customer_home_without_open_items_says_how_to_raise_one(tenant, customer):
    response = customer.get("/")

    assert "You have no open escalations. Raise one from your team page." in text(response)
    assert 'href="#your-team"' in response.content.decode()
    assert 'id="your-team"' in response.content.decode()


def test_customer_without_the_escalation_right_sees_the_team_and_no_items(book, tenant, customer):
    tenant.membership.can_escalate = False
    tenant.membership.save()

    page = text(customer.get("/"))

    assert "Your open escalations" not in page
    assert "DS3 to Boulder bouncing" not in page
    assert tenant.manager.name in page


# --- Query budgets --------------------------------------------------------------------------------------


def more_of_everything(tenant, director, n=10):
    """``n`` more accounts, items, post-mortems and handoffs on the home manager's book."""
    for i in range(n):
        account = AccountFactory(company=tenant.company)
        AssignmentFactory(account=account, person=tenant.manager, role=RoleFactory(code="service-manager"))
        raise_item(tenant, at=at(10, i), account=account, subject=f"Extra {i}")
        accepted_postmortem(tenant, now=at(9, 30), account=account, ticket_number=f"TT-9{i:03d}")


@pytest.mark.parametrize("more", [False, True], ids=["book", "larger-book"])
def test_staff_home_query_budget(book, tenant, director, manager, more, django_assert_max_num_queries):
    if more:
        more_of_everything(tenant, director)
    client = signed_in(manager)

    with django_assert_max_num_queries(STAFF_HOME_MAX_QUERIES):
        response = client.get("/")

    assert response.status_code == 200


@pytest.mark.parametrize("more", [False, True], ids=["group", "larger-group"])
def test_director_home_query_budget(group, tenant, director, more, django_assert_max_num_queries):
    if more:
        more_of_everything(tenant, director)
    client = signed_in(director.user)

    with django_assert_max_num_queries(DIRECTOR_HOME_MAX_QUERIES):
        response = client.get("/")

    assert response.status_code == 200
    assert has_link(response, "home-group")


def test_customer_home_query_budget_does_not_grow_with_items(tenant, customer, django_assert_max_num_queries):
    for n in range(CUSTOMER_ITEMS + 2):
        raise_item(tenant, at=at(10, n), subject=f"Loop {n:02d}")

    with django_assert_max_num_queries(HOME_MAX_QUERIES):
        response = customer.get("/")

    assert response.content.decode().count('id="open-item-') == CUSTOMER_ITEMS

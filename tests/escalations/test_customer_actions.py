"""The customer acts on their company's items: takes an open item to the director, cancels an item
they raised by mistake, reopens a resolved item within the reopening window (on a fresh clock);
the customer's list sorted by urgency and by column; the same through the API.

The clock stands still at Tue 13 Jan 2026 10:00 in Denver (MST) unless a test moves it. The
assignee's calendar is the Denver office (Mon–Fri 08:00–17:00, US holidays: Mon 19 Jan 2026 is
Martin Luther King Jr. Day).
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from accountteam.calendar import CalendarSpec
from accountteam.models import Notification
from demo.teams import CALENDARS
from escalations import customer_actions, reopening, selectors, services
from escalations.models import Escalation, Event, Follow, ResponsePolicy
from escalations.rules import TransitionError
from tests.clients import api_as, signed_in
from tests.conftest import clock_at
from tests.escalations.factories import EscalationFactory, denver, raise_item, stored_state, utc
from tests.teams.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MIN = dt.timedelta(minutes=1)
TUE_10 = denver(2026, 1, 13, 10, 0)
API = "/api/v1/escalations/"

clock = clock_at(TUE_10, autouse=True)


def reload(item) -> Escalation:
    return Escalation.objects.get(pk=item.pk)


def kinds(item) -> list[str]:
    return list(Event.objects.filter(escalation=item).order_by("at", "pk").values_list("kind", flat=True))


def messages_text(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def carla(tenant):
    """The home tenant's customer user, with a name (she raises the items)."""
    tenant.user.first_name, tenant.user.last_name = "Carla", "Ruiz"
    tenant.user.save(update_fields=["first_name", "last_name"])
    return tenant.user


@pytest.fixture
def ben(tenant):
    """Another user of the home company with the escalation right; he did not raise the items."""
    user = UserFactory(username="ben.colleague", first_name="Ben", last_name="Colleague")
    MembershipFactory(user=user, company=tenant.company)
    return user


@pytest.fixture
def item(tenant, carla):
    return raise_item(tenant, at=TUE_10, subject="T1 to Boulder down")


def resolved(item, manager, at):
    return services.escalation_resolve(actor=manager, escalation=item, comment="Card swapped", now=at)


# --- Taking an item to the director ---------------------------------------------------------------


def test_customer_takes_an_open_item_to_the_director_who_reads_who_asked_and_why(tenant, carla, ben, director, item):
    Follow.objects.create(escalation=item, user=ben)
    now = TUE_10 + 20 * MIN
    customer_actions.escalation_customer_escalate(actor=carla, escalation=item, reason="Nobody called back", now=now)

    item = reload(item)
    assert (item.level, item.assignee, item.status) == (2, director, "new")
    assert item.escalation_reason == "Nobody called back"
    assert utc(item.escalated_at) == utc(now)
    event = Event.objects.get(escalation=item, kind="escalated")
    asked = "Carla Ruiz of Home Telecom took it to the director: Nobody called back"
    assert (event.actor, event.actor_name, event.comment, event.internal) == (carla, "Carla Ruiz", asked, False)
    # The customer's own reason is public: their timeline reads it.
    shown = [e for e in selectors.timeline(user=carla, escalation=item) if e.kind == "escalated"]
    assert shown[0].comment == f"Your item is now with {director.name}, Director.\n{asked}"

    to_director = Notification.objects.get(kind="escalated")
    assert (to_director.email, to_director.recipient) == (director.email, director.user)
    assert asked in to_director.body
    assert f"It was with {tenant.manager.name}." in to_director.body
    # The other followers hear it, with the reason; the one who asked does not.
    follower = Notification.objects.get(kind="customer_escalated")
    assert follower.recipient == ben
    assert "Nobody called back" in follower.body
    assert not Notification.objects.filter(recipient=carla).exists()


def test_deadlines_carry_over_to_the_director_as_when_staff_escalate(tenant, carla, director, item):
    before = reload(item)
    now = TUE_10 + 5 * MIN
    item = customer_actions.escalation_customer_escalate(actor=carla, escalation=item, reason="Urgent", now=now)
    # Same calendar: the business time left is the same, so the deadlines stay where they were.
    assert utc(item.due_at) == utc(before.due_at)
    assert utc(reload(item).next_deadline_at) == utc(before.due_at)


def test_customer_takes_an_item_to_the_director_once_then_it_is_already_there(carla, director, item):
    customer_actions.escalation_customer_escalate(actor=carla, escalation=item, reason="Slow", now=TUE_10 + MIN)
    before = stored_state(item)
    with pytest.raises(TransitionError, match="already with the director"):
        customer_actions.escalation_customer_escalate(
            actor=carla, escalation=item, reason="Still slow", now=TUE_10 + 2 * MIN
        )
    assert kinds(item).count("escalated") == 1
    assert stored_state(item) == before


def test_an_item_staff_took_to_the_director_cannot_be_taken_there_again(manager, carla, director, item):
    services.escalation_escalate(actor=manager, escalation=item, reason="Outage", now=TUE_10 + MIN)
    with pytest.raises(TransitionError, match="already with the director"):
        customer_actions.escalation_customer_escalate(actor=carla, escalation=item, reason="Me too", now=TUE_10)


@pytest.mark.parametrize("reason", ["", "   "])
def test_taking_an_item_to_the_director_needs_a_reason(carla, director, item, reason):
    before = stored_state(item)
    with pytest.raises(ValidationError) as raised:
        customer_actions.escalation_customer_escalate(actor=carla, escalation=item, reason=reason, now=TUE_10)
    assert raised.value.message_dict == {"reason": ["Say why the item should go to the director."]}
    assert stored_state(item) == before


def test_a_reason_longer_than_a_comment_is_refused_under_reason(carla, director, item):
    with pytest.raises(ValidationError) as raised:
        customer_actions.escalation_customer_escalate(actor=carla, escalation=item, reason="x" * 4001, now=TUE_10)
    assert list(raised.value.message_dict) == ["reason"]
    assert reload(item).level == 1


def test_without_a_director_the_customer_is_told_nobody_is_there(carla, item):
    with pytest.raises(TransitionError, match="no director"):
        customer_actions.escalation_customer_escalate(actor=carla, escalation=item, reason="Slow", now=TUE_10)


def test_a_closed_item_is_not_taken_to_the_director(manager, carla, director, item):
    resolved(item, manager, TUE_10 + MIN)
    with pytest.raises(TransitionError, match="resolved cannot be escalated"):
        customer_actions.escalation_customer_escalate(actor=carla, escalation=item, reason="Slow", now=TUE_10)


def test_a_user_without_the_escalation_right_cannot_take_an_item_to_the_director(tenant, carla, director, item):
    tenant.membership.can_escalate = False
    tenant.membership.save(update_fields=["can_escalate"])
    with pytest.raises(PermissionDenied, match="right to raise and follow escalations"):
        customer_actions.escalation_customer_escalate(actor=carla, escalation=item, reason="Slow", now=TUE_10)
    assert reload(item).level == 1


def test_staff_do_not_use_the_customers_escalation(manager, director, item):
    with pytest.raises(PermissionDenied, match="customer's users"):
        customer_actions.escalation_customer_escalate(actor=manager, escalation=item, reason="Slow", now=TUE_10)


# --- Cancelling -------------------------------------------------------------------------------------


def test_the_raiser_cancels_an_item_raised_by_mistake_and_the_assignee_is_told(tenant, carla, item):
    now = TUE_10 + 3 * MIN
    customer_actions.escalation_customer_cancel(actor=carla, escalation=item, reason="Wrong circuit", now=now)
    item = reload(item)
    assert (item.status, item.next_deadline_at, item.next_action_at) == ("cancelled", None, None)
    assert utc(item.resolved_at) == utc(now)
    event = Event.objects.get(escalation=item, kind="cancelled")
    assert (event.actor_name, event.comment, event.internal) == ("Carla Ruiz", "Wrong circuit", False)
    notice = Notification.objects.get(kind="cancelled")
    assert notice.email == tenant.manager.email
    assert "Carla Ruiz of Home Telecom cancelled it: Wrong circuit" in notice.body


def test_only_the_raiser_cancels_a_colleague_is_refused(carla, ben, item):
    before = stored_state(item)
    with pytest.raises(PermissionDenied, match="Only the person who raised this item can cancel it"):
        customer_actions.escalation_customer_cancel(actor=ben, escalation=item, reason="Not needed", now=TUE_10)
    assert stored_state(item) == before


def test_cancelling_needs_a_reason_and_an_open_item(manager, carla, item):
    with pytest.raises(ValidationError) as raised:
        customer_actions.escalation_customer_cancel(actor=carla, escalation=item, reason=" ", now=TUE_10)
    assert raised.value.message_dict == {"reason": ["Say why you cancel the item."]}
    resolved(item, manager, TUE_10 + MIN)
    with pytest.raises(TransitionError, match="resolved cannot be cancelled"):
        customer_actions.escalation_customer_cancel(actor=carla, escalation=item, reason="Oops", now=TUE_10)


# --- Reopening --------------------------------------------------------------------------------------


def test_reopening_within_the_window_starts_a_fresh_clock_with_the_frozen_policy(tenant, manager, carla, ben):
    item = raise_item(tenant, at=TUE_10, channel="email", category="delayed_order", subject="Order 4471")
    services.escalation_acknowledge(
        actor=manager, escalation=item, follow_up_on=dt.date(2026, 1, 14), now=TUE_10 + 10 * MIN
    )
    services.escalation_respond(actor=manager, escalation=item, comment="Shipped", now=denver(2026, 1, 14, 9))
    resolved(item, manager, denver(2026, 1, 14, 10))
    Follow.objects.create(escalation=item, user=ben)
    now = denver(2026, 1, 15, 9, 0)

    customer_actions.escalation_reopen(actor=carla, escalation=item, reason="Still not delivered", now=now)

    item = reload(item)
    assert (item.status, item.level, item.assignee) == ("new", 1, tenant.manager)
    assert (item.resolved_at, item.first_response_at) == (None, None)
    assert (item.follow_up_on, item.follow_up_due_at, item.follow_up_done_at) == (None, None, None)
    assert utc(item.reopened_at) == utc(now)
    # Email: one business day to acknowledge, warned at 75% of it (6 h 45 of 9 business hours).
    assert utc(item.due_at) == utc(denver(2026, 1, 16, 9, 0))
    assert utc(item.target_at) == utc(denver(2026, 1, 15, 15, 45))
    assert utc(item.next_deadline_at) == utc(item.due_at)
    assert utc(item.next_action_at) == utc(item.target_at)
    event = Event.objects.get(escalation=item, kind="reopened")
    assert (event.actor_name, event.comment, event.internal) == ("Carla Ruiz", "Still not delivered", False)

    to_assignee = Notification.objects.get(kind="reopened")
    assert to_assignee.email == tenant.manager.email
    assert "Carla Ruiz of Home Telecom reopened it: Still not delivered" in to_assignee.body
    follower = Notification.objects.get(kind="customer_reopened")
    assert follower.recipient == ben
    assert "Home Manager will answer by Friday 16 January, 09:00 MST" in follower.body


def test_a_reopened_item_is_answered_like_a_new_one(tenant, manager, carla, item):
    resolved(item, manager, TUE_10 + 20 * MIN)
    now = TUE_10 + 60 * MIN
    customer_actions.escalation_reopen(actor=carla, escalation=item, reason="Down again", now=now)
    item = services.escalation_acknowledge(actor=manager, escalation=item, now=now + 5 * MIN)
    assert item.status == "acknowledged"
    assert kinds(item) == ["raised", "resolved", "reopened", "acknowledged"]


def test_reopening_keeps_the_level_and_the_warning_share_the_item_arrived_with(tenant, manager, carla, director):
    item = raise_item(tenant, at=TUE_10, channel="email", category="delayed_order")
    services.escalation_escalate(actor=manager, escalation=item, reason="VIP", now=TUE_10 + MIN)
    resolved(item, director.user, TUE_10 + 2 * MIN)
    ResponsePolicy.objects.filter(pk=reload(item).policy_id).update(warn_percent=50)
    now = denver(2026, 1, 13, 12, 0)
    item = customer_actions.escalation_reopen(actor=carla, escalation=item, reason="Not fixed", now=now)
    assert (item.level, item.assignee) == (2, director)
    assert utc(item.due_at) == utc(denver(2026, 1, 14, 12, 0))
    # 75% of the 9 business hours from Tue 12:00, as frozen on arrival (the policy's 50% since is for
    # new items): 5 h Tuesday, 1 h 45 Wednesday.
    assert utc(item.target_at) == utc(denver(2026, 1, 14, 9, 45))


def test_reopening_an_item_whose_policy_row_is_gone_keeps_its_frozen_share(tenant, manager, carla):
    item = raise_item(tenant, at=TUE_10, channel="email", category="delayed_order")
    resolved(item, manager, TUE_10 + MIN)
    Escalation.objects.filter(pk=item.pk).update(policy=None)
    now = denver(2026, 1, 15, 9, 0)
    item = customer_actions.escalation_reopen(actor=carla, escalation=item, reason="Not fixed", now=now)
    assert utc(item.target_at) == utc(denver(2026, 1, 15, 15, 45))


def test_a_colleague_with_the_escalation_right_may_reopen(manager, ben, item):
    resolved(item, manager, TUE_10 + MIN)
    customer_actions.escalation_reopen(actor=ben, escalation=item, reason="Not fixed", now=TUE_10 + 5 * MIN)
    assert reload(item).status == "new"


def test_reopening_after_the_window_is_refused_and_says_to_raise_a_new_item(manager, carla, item):
    # Resolved Tue 13 Jan 10:20; ten business days on the Denver calendar (Mon 19 Jan is a
    # holiday) end on Wed 28 Jan at 10:20.
    resolved(item, manager, TUE_10 + 20 * MIN)
    before = stored_state(item)
    with pytest.raises(TransitionError, match="Raise a new item") as raised:
        customer_actions.escalation_reopen(
            actor=carla, escalation=item, reason="Back again", now=denver(2026, 1, 28, 10, 21)
        )
    assert "Wednesday 28 January, 10:20 MST" in str(raised.value)
    assert stored_state(item) == before
    customer_actions.escalation_reopen(
        actor=carla, escalation=item, reason="Back again", now=denver(2026, 1, 28, 10, 20)
    )
    assert reload(item).status == "new"


@override_settings(ESCALATION_REOPEN_BUSINESS_DAYS=1)
def test_the_window_is_the_setting_in_business_days(manager, carla, item):
    resolved(item, manager, denver(2026, 1, 16, 15, 0))  # a Friday; Monday is a holiday
    with pytest.raises(TransitionError, match="the 1 business day after"):
        customer_actions.escalation_reopen(actor=carla, escalation=item, reason="Late", now=denver(2026, 1, 20, 15, 1))
    customer_actions.escalation_reopen(actor=carla, escalation=item, reason="Late", now=denver(2026, 1, 20, 15, 0))


def test_only_a_resolved_item_is_reopened(carla, item):
    with pytest.raises(TransitionError, match="Only a resolved item can be reopened; this one is new"):
        customer_actions.escalation_reopen(actor=carla, escalation=item, reason="Hm", now=TUE_10)
    customer_actions.escalation_customer_cancel(actor=carla, escalation=item, reason="Mistake", now=TUE_10)
    with pytest.raises(TransitionError, match="this one is cancelled"):
        customer_actions.escalation_reopen(actor=carla, escalation=item, reason="Hm", now=TUE_10 + MIN)


def test_reopening_needs_a_reason_and_is_the_customers(manager, carla, item):
    resolved(item, manager, TUE_10 + MIN)
    with pytest.raises(ValidationError) as raised:
        customer_actions.escalation_reopen(actor=carla, escalation=item, reason="", now=TUE_10 + 2 * MIN)
    assert raised.value.message_dict == {"reason": ["Say what is still not solved."]}
    with pytest.raises(PermissionDenied):
        customer_actions.escalation_reopen(actor=manager, escalation=item, reason="Hm", now=TUE_10 + 2 * MIN)
    assert reload(item).status == "resolved"


# --- The reopening window (pure) ------------------------------------------------------------------


def demo_calendar(name: str) -> CalendarSpec:
    zone, hours, country, subdivision = CALENDARS[name]
    return CalendarSpec(time_zone=zone, weekly_hours=hours, holiday_country=country, holiday_subdivision=subdivision)


BUENOS_AIRES = dt.timezone(dt.timedelta(hours=-3))


@pytest.mark.parametrize(
    "calendar, resolved_at, days, now, is_open",
    [
        # Resolved on a Friday: the weekend and Martin Luther King Jr. Day (Mon 19 Jan) do not count.
        ("US Mountain", denver(2026, 1, 16, 15, 0), 1, denver(2026, 1, 19, 12, 0), True),
        ("US Mountain", denver(2026, 1, 16, 15, 0), 1, denver(2026, 1, 20, 15, 0), True),
        ("US Mountain", denver(2026, 1, 16, 15, 0), 1, denver(2026, 1, 20, 15, 1), False),
        ("US Mountain", denver(2026, 1, 16, 15, 0), 10, denver(2026, 2, 2, 14, 59), True),
        ("US Mountain", denver(2026, 1, 16, 15, 0), 10, denver(2026, 2, 2, 15, 1), False),
        # Resolved on a Saturday: the clock starts at the next opening, Tue 20 Jan 08:00.
        ("US Mountain", denver(2026, 1, 17, 11, 0), 1, denver(2026, 1, 21, 7, 59), True),
        ("US Mountain", denver(2026, 1, 17, 11, 0), 1, denver(2026, 1, 21, 8, 1), False),
        # Christmas Day is closed.
        ("US Mountain", denver(2025, 12, 24, 16, 0), 1, denver(2025, 12, 26, 16, 0), True),
        ("US Mountain", denver(2025, 12, 24, 16, 0), 1, denver(2025, 12, 26, 16, 1), False),
        # Martin Luther King Jr. Day is a working day in Buenos Aires: Fri 15:00 + 1 is Mon 15:00.
        (
            "Argentina",
            dt.datetime(2026, 1, 16, 15, 0, tzinfo=BUENOS_AIRES),
            1,
            dt.datetime(2026, 1, 19, 15, 0, tzinfo=BUENOS_AIRES),
            True,
        ),
        (
            "Argentina",
            dt.datetime(2026, 1, 16, 15, 0, tzinfo=BUENOS_AIRES),
            1,
            dt.datetime(2026, 1, 19, 15, 1, tzinfo=BUENOS_AIRES),
            False,
        ),
        # The window opens at the resolution.
        ("US Mountain", denver(2026, 1, 13, 10, 0), 10, denver(2026, 1, 13, 10, 0), True),
    ],
)
def test_the_reopen_window_counts_business_days_on_the_calendar(calendar, resolved_at, days, now, is_open):
    spec = demo_calendar(calendar)
    assert reopening.reopen_window_open(resolved_at=resolved_at, now=now, calendar=spec, business_days=days) is is_open


def test_an_item_without_a_resolution_time_has_no_window():
    spec = demo_calendar("US Mountain")
    assert reopening.reopen_window_open(resolved_at=None, now=TUE_10, calendar=spec, business_days=10) is False


# --- The item page ------------------------------------------------------------------------------------


def test_the_raiser_sees_take_to_the_director_and_cancel_with_a_confirmation(carla, director, item):
    html = signed_in(carla).get(f"/escalations/{item.pk}/").content.decode()
    assert "Take to the director" in html
    assert "Cancel this item" in html
    assert f'action="/escalations/{item.pk}/escalate/"' in html
    assert f'action="/escalations/{item.pk}/cancel/"' in html
    assert f'data-confirm="Take escalation #{item.pk} to {director.name}?"' in html
    assert 'name="reason" rows="3" required maxlength="4000"' in html
    assert ">Reopen</button>" not in html
    assert "<script>" not in html


def test_a_colleague_sees_no_cancel_and_nobody_sees_the_director_without_one(ben, item):
    html = signed_in(ben).get(f"/escalations/{item.pk}/").content.decode()
    assert "Cancel this item" not in html
    assert "Take to the director" not in html  # the manager has no director


def test_a_resolved_item_offers_reopen_until_the_window_closes(manager, carla, director, item, clock):
    resolved(item, manager, TUE_10)
    html = signed_in(carla).get(f"/escalations/{item.pk}/").content.decode()
    assert ">Reopen</button>" in html
    assert "until Wednesday 28 January, 10:00 MST" in html
    assert "Take to the director" not in html and "Cancel this item" not in html
    clock.move_to(denver(2026, 1, 28, 10, 1))
    assert ">Reopen</button>" not in signed_in(carla).get(f"/escalations/{item.pk}/").content.decode()


def test_customer_takes_the_item_to_the_director_from_its_page(carla, director, item):
    response = signed_in(carla).post(f"/escalations/{item.pk}/escalate/", {"reason": "No call back"}, follow=True)
    assert messages_text(response) == f"Escalation #{item.pk} is now with Home Director, Director."
    assert (reload(item).level, reload(item).assignee) == (2, director)


def test_customer_cancels_from_the_page(carla, item):
    response = signed_in(carla).post(f"/escalations/{item.pk}/cancel/", {"reason": "Raised twice"}, follow=True)
    assert messages_text(response) == f"Escalation #{item.pk} was cancelled."
    assert reload(item).status == "cancelled"


def test_customer_reopens_from_the_page_and_reads_when_the_answer_is_due(manager, carla, item, clock):
    resolved(item, manager, TUE_10)
    clock.move_to(denver(2026, 1, 14, 9, 0))
    response = signed_in(carla).post(f"/escalations/{item.pk}/reopen/", {"reason": "Down again"}, follow=True)
    assert messages_text(response) == (
        f"Escalation #{item.pk} is open again; Home Manager will answer by Wednesday 14 January, 09:30 MST."
    )
    assert reload(item).status == "new"


def test_a_page_action_without_a_reason_says_so_and_changes_nothing(carla, director, item):
    before = stored_state(item)
    response = signed_in(carla).post(f"/escalations/{item.pk}/escalate/", {"reason": "  "}, follow=True)
    assert messages_text(response) == "Say why the item should go to the director."
    assert stored_state(item) == before


def test_a_refused_page_action_shows_the_services_message(manager, carla, item):
    resolved(item, manager, TUE_10)
    response = signed_in(carla).post(f"/escalations/{item.pk}/cancel/", {"reason": "Oops"}, follow=True)
    assert messages_text(response) == "An item that is resolved cannot be cancelled."


def test_a_colleague_cancelling_from_the_page_gets_403(ben, item):
    before = stored_state(item)
    assert signed_in(ben).post(f"/escalations/{item.pk}/cancel/", {"reason": "No"}).status_code == 403
    assert signed_in(ben).post(f"/escalations/{item.pk}/cancel/", {}).status_code == 403
    assert stored_state(item) == before


def test_without_the_escalation_right_or_in_another_company_the_item_is_404(tenant, foreign, carla, director, item):
    other = raise_item(foreign, at=TUE_10)
    for action in ("escalate", "cancel", "reopen"):
        assert signed_in(carla).post(f"/escalations/{other.pk}/{action}/", {"reason": "Hi"}).status_code == 404
    tenant.membership.can_escalate = False
    tenant.membership.save(update_fields=["can_escalate"])
    before = stored_state(item)
    assert signed_in(carla).post(f"/escalations/{item.pk}/escalate/", {"reason": "Hi"}).status_code == 404
    assert stored_state(item) == before
    assert reload(other).level == 1


def test_staff_keep_their_own_escalate_and_cannot_reopen(tenant, manager, staff, director, item):
    response = staff.post(f"/escalations/{item.pk}/escalate/", {"reason": "Outage"})
    assert response.status_code == 302
    assert Event.objects.get(escalation=item, kind="escalated").comment == "Outage"
    resolved(item, manager, TUE_10)
    assert staff.post(f"/escalations/{item.pk}/reopen/", {"reason": "Hm"}).status_code == 403
    assert reload(item).status == "resolved"


# --- The customer's list -----------------------------------------------------------------------------


@pytest.fixture
def listed(tenant):
    """Items of every kind of urgency, by name."""
    make = lambda subject, **kw: EscalationFactory(  # noqa: E731
        account=tenant.account, assignee=tenant.manager, subject=subject, **kw
    )
    return {
        "late": make("Charlie late", received_at=denver(2026, 1, 12, 9), due_at=denver(2026, 1, 12, 10)),
        "later": make("Alpha later", received_at=denver(2026, 1, 13, 9), due_at=denver(2026, 1, 13, 16)),
        "soon": make("Echo soon", received_at=denver(2026, 1, 12, 8), due_at=denver(2026, 1, 13, 11)),
        # Past its deadline but waiting on the customer: the clock is stopped, so not overdue.
        "paused": make(
            "Bravo paused",
            status="waiting_on_customer",
            received_at=denver(2026, 1, 9, 9),
            due_at=denver(2026, 1, 9, 10),
        ),
        "done_old": make(
            "Delta done", status="resolved", received_at=denver(2026, 1, 5, 9), due_at=None, next_deadline_at=None
        ),
        "done_new": make(
            "Foxtrot done", status="resolved", received_at=denver(2026, 1, 13, 8), due_at=None, next_deadline_at=None
        ),
    }


def order(listed, names) -> list[int]:
    return [listed[n].pk for n in names]


def page_ids(response) -> list[int]:
    assert response.status_code == 200
    return [row.pk for row in response.context["page"].object_list]


def test_the_list_puts_the_most_urgent_first(carla, listed):
    response = signed_in(carla).get("/escalations/")
    assert page_ids(response) == order(listed, ["late", "paused", "soon", "later", "done_new", "done_old"])
    assert "most urgent first" in response.content.decode()


@pytest.mark.parametrize(
    "sort, names",
    [
        ("subject", ["later", "paused", "late", "done_old", "soon", "done_new"]),
        ("-subject", ["done_new", "soon", "done_old", "late", "paused", "later"]),
        ("received", ["done_old", "paused", "soon", "late", "done_new", "later"]),
        ("-received", ["later", "done_new", "late", "soon", "paused", "done_old"]),
        ("deadline", ["paused", "late", "soon", "later", "done_new", "done_old"]),
        # By status as the life cycle goes (new, …, waiting, resolved), newest first within one.
        ("status", ["later", "late", "soon", "paused", "done_new", "done_old"]),
    ],
)
def test_the_list_sorts_by_a_column(carla, listed, sort, names):
    assert page_ids(signed_in(carla).get(f"/escalations/?sort={sort}")) == order(listed, names)


def test_column_links_keep_the_filters_and_turn_the_order_round(carla, listed):
    html = signed_in(carla).get("/escalations/?status=new&sort=subject").content.decode()
    assert 'href="?status=new&amp;sort=-subject"' in html
    assert 'href="?status=new&amp;sort=received"' not in html  # received starts newest first
    assert 'href="?status=new&amp;sort=-received"' in html
    assert 'aria-sort="ascending"' in html
    assert '<input type="hidden" name="sort" value="subject">' in html


def test_the_filters_apply_on_change_and_answer_the_rows_only(carla, listed):
    page = signed_in(carla).get("/escalations/").content.decode()
    assert 'hx-get="/escalations/"' in page and 'hx-trigger="change' in page and 'hx-target="#rows"' in page
    rows = signed_in(carla).get("/escalations/?status=resolved&sort=-subject", HTTP_HX_REQUEST="true")
    assert [t.name for t in rows.templates][0] == "escalations/partials/_rows.html"
    assert page_ids(rows) == order(listed, ["done_new", "done_old"])


def test_an_unknown_sort_is_ignored_and_said(carla, listed):
    response = signed_in(carla).get("/escalations/?sort=password")
    assert page_ids(response) == order(listed, ["late", "paused", "soon", "later", "done_new", "done_old"])
    assert "Sort:" in response.content.decode()


# --- The API ---------------------------------------------------------------------------------------


def post(user, item, action, data=None):
    return api_as(user).post(f"{API}{item.pk}/{action}/", data or {}, format="json")


def test_api_customer_takes_an_item_to_the_director_once(carla, director, item):
    response = post(carla, item, "escalate", {"reason": "No call back"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["level"], body["assignee"]["id"], body["escalation_reason"]) == (2, director.pk, "")
    again = post(carla, item, "escalate", {"reason": "Still"})
    assert again.status_code == 409
    assert "already with the director" in again.json()["detail"]


def test_api_escalate_without_a_reason_is_400_under_reason(carla, director, item):
    response = post(carla, item, "escalate", {})
    assert response.status_code == 400
    assert list(response.json()) == ["reason"]
    assert post(carla, item, "escalate", {"reason": "x" * 4001}).status_code == 400
    assert reload(item).level == 1


def test_api_customer_actions_on_another_companys_item_are_404(foreign, carla):
    other = raise_item(foreign, at=TUE_10)
    for action in ("escalate", "cancel", "reopen"):
        assert post(carla, other, action, {"reason": "Hi"}).status_code == 404


def test_api_the_raiser_cancels_a_colleague_gets_403_before_the_body_is_read(carla, ben, item):
    refused = post(ben, item, "cancel", {"reason": "x" * 5000})
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("Only the person who raised this item can cancel it")
    assert post(carla, item, "cancel", {}).json() == {"reason": ["Say why you cancel the item."]}
    response = post(carla, item, "cancel", {"reason": "Raised twice"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert post(carla, item, "cancel", {"reason": "Again"}).status_code == 409


def test_api_staff_still_cancel_and_escalate_as_before(manager, director, item):
    response = post(manager, item, "escalate", {"reason": "Outage", "tell_customer": False})
    assert response.status_code == 200
    assert response.json()["escalation_reason"] == "Outage"
    assert post(manager, item, "cancel", {"comment": "Duplicate"}).json()["status"] == "cancelled"


def test_api_reopen_starts_a_fresh_clock_within_the_window(tenant, manager, carla, item, clock):
    resolved(item, manager, TUE_10)
    assert post(carla, item, "reopen", {}).json() == {"reason": ["This field is required."]}
    clock.move_to(denver(2026, 1, 14, 9, 0))
    response = post(carla, item, "reopen", {"reason": "Down again"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["resolved_at"], body["first_response_at"]) == ("new", None, None)
    assert utc(dt.datetime.fromisoformat(body["due_at"])) == utc(denver(2026, 1, 14, 9, 30))
    assert Notification.objects.filter(kind="reopened", email=tenant.manager.email).exists()


def test_api_reopen_after_the_window_or_of_an_open_item_is_409(manager, carla, item, clock):
    assert post(carla, item, "reopen", {"reason": "Hm"}).status_code == 409
    resolved(item, manager, TUE_10)
    clock.move_to(denver(2026, 2, 2, 9, 0))
    response = post(carla, item, "reopen", {"reason": "Back"})
    assert response.status_code == 409
    assert "Raise a new item" in response.json()["detail"]


def test_api_staff_cannot_reopen(manager, carla, item):
    resolved(item, manager, TUE_10)
    response = post(manager, item, "reopen", {})
    assert response.status_code == 403
    assert reload(item).status == "resolved"


def test_api_list_is_most_urgent_first_and_takes_ordering(carla, listed):
    api = api_as(carla)
    rows = api.get(API).json()["results"]
    assert [r["id"] for r in rows] == order(listed, ["late", "paused", "soon", "later", "done_new", "done_old"])
    rows = api.get(API, {"ordering": "subject"}).json()["results"]
    assert [r["id"] for r in rows] == order(listed, ["later", "paused", "late", "done_old", "soon", "done_new"])


def test_api_schema_documents_the_customer_actions():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    reopen = paths["/api/v1/escalations/{id}/reopen/"]["post"]
    assert {"200", "400", "403", "404", "409"} <= set(reopen["responses"])
    assert "ESCALATION_REOPEN_BUSINESS_DAYS" in reopen["description"]
    assert "raised it" in paths["/api/v1/escalations/{id}/cancel/"]["post"]["description"]


def test_customer_options_follow_the_state(manager, carla, ben, director, item):
    options = customer_actions.customer_options(user=carla, escalation=selectors.escalation_get(user=carla, pk=item.pk))
    assert (options.escalate, options.cancel, options.reopen, options.director) == (True, True, False, director)
    assert customer_actions.customer_options(user=ben, escalation=item).cancel is False
    assert customer_actions.customer_options(user=manager, escalation=item).any is False
    resolved(item, manager, TUE_10)
    options = customer_actions.customer_options(user=carla, escalation=reload(item), now=TUE_10 + MIN)
    assert (options.escalate, options.cancel, options.reopen) == (False, False, True)

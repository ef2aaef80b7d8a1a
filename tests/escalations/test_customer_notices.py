"""What the customer is told about their items (``escalations.customer_notices``): a notice under
the bell and by e-mail to the raiser and the company's followers, for each change the carrier's
staff make, in words a customer reads: people and dates named, internal notes and reasons never.

The clock stands still at Tue 1 Dec 2026 10:00 in Denver (MST, UTC−7).
"""

import datetime as dt

import pytest
from django.core import mail

from accountteam.models import Notification, UserSettings
from escalations import services
from escalations.customer_notices import KINDS, local_time, notify_customers
from escalations.following import escalation_follow
from escalations.models import Follow
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item
from tests.teams.factories import MembershipFactory, PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

TUE_10 = denver(2026, 12, 1, 10, 0)
FRIDAY = dt.date(2026, 12, 4)
SECRET = "INTERNAL-ONLY"

clock = clock_at(TUE_10, autouse=True)


@pytest.fixture
def letter(tenant):
    """An e-mail raised by the tenant's customer user: its acknowledgement names a date."""
    return raise_item(tenant, at=TUE_10, channel="email", category="order_escalation", subject="Order 4471 late")


@pytest.fixture
def item(tenant):
    return raise_item(tenant, at=TUE_10)


@pytest.fixture
def colleague(tenant):
    """Another user of the home company, with the escalation right."""
    user = UserFactory(username="home.colleague")
    MembershipFactory(user=user, company=tenant.company)
    return user


def told(user, kind: str | None = None) -> list[Notification]:
    """The customer notices ``user`` got (of ``kind``), oldest first."""
    rows = Notification.objects.filter(recipient=user, kind__startswith="customer_").exclude(kind="customer_comment")
    if kind is not None:
        rows = rows.filter(kind=f"customer_{kind}")
    return list(rows.order_by("created_at", "pk"))


def customer_bodies() -> list[str]:
    rows = Notification.objects.filter(kind__in=[f"customer_{kind}" for kind in KINDS])
    return [f"{n.subject}\n{n.body}" for n in rows]


def later(minutes: int) -> dt.datetime:
    return TUE_10 + dt.timedelta(minutes=minutes)


# --- What the raiser is told ---------------------------------------------------------------------------


def test_raiser_is_told_of_the_acknowledgement_with_the_follow_up_date_in_words(tenant, letter):
    services.escalation_acknowledge(
        actor=tenant.manager_user,
        escalation=letter,
        follow_up_on=FRIDAY,
        comment="Provisioning is on it.",
        now=later(5),
    )

    [notice] = told(tenant.user, "acknowledged")
    assert notice.subject == f"#{letter.pk} Acknowledged"
    assert "You will be contacted by Friday 4 December." in notice.body
    assert f"{tenant.manager.name} acknowledged it." in notice.body
    assert "Provisioning is on it." in notice.body
    assert "“Order 4471 late”" in notice.body
    assert notice.url == f"/escalations/{letter.pk}/"
    assert (notice.in_app, notice.email_due, notice.email) == (True, True, tenant.user.email)


def test_the_acknowledgement_email_names_the_date(tenant, letter, eager_tasks, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.escalation_acknowledge(actor=tenant.manager_user, escalation=letter, follow_up_on=FRIDAY, now=later(5))

    [message] = [m for m in mail.outbox if m.to == [tenant.user.email]]
    assert message.subject.endswith(f"#{letter.pk} Acknowledged")
    assert "You will be contacted by Friday 4 December." in message.body
    assert f"/escalations/{letter.pk}/" in message.body
    assert not told(tenant.user, "acknowledged")[0].email_due  # sent


def test_raiser_is_told_of_a_reply_and_of_a_public_comment_but_not_of_an_internal_note(tenant, item):
    services.escalation_respond(
        actor=tenant.manager_user, escalation=item, comment="A technician is on the way.", now=later(5)
    )
    services.escalation_comment(
        actor=tenant.manager_user, escalation=item, comment="The card was replaced.", now=later(20)
    )
    services.escalation_comment(
        actor=tenant.manager_user,
        escalation=item,
        comment=f"{SECRET}: the vendor is slow",
        internal=True,
        now=later(30),
    )

    reply, comment = told(tenant.user, "reply")
    assert reply.subject == f"#{item.pk} A reply from your team"
    assert f"{tenant.manager.name} replied." in reply.body and "A technician is on the way." in reply.body
    assert comment.subject == f"#{item.pk} A comment from your team"
    assert "The card was replaced." in comment.body
    assert len(told(tenant.user)) == 2
    assert not any(SECRET in body for body in customer_bodies())


def test_raiser_is_told_the_item_waits_on_them_and_what_is_needed(tenant, item):
    services.escalation_respond(actor=tenant.manager_user, escalation=item, now=later(5))
    services.escalation_wait(
        actor=tenant.manager_user, escalation=item, comment="The circuit ID at your end, please.", now=later(10)
    )

    [notice] = told(tenant.user, "waiting")
    assert notice.subject == f"#{item.pk} Waiting on you"
    assert "needs something from you" in notice.body
    assert "What is needed:\nThe circuit ID at your end, please." in notice.body


@pytest.mark.parametrize("tell_customer", [False, True], ids=["reason internal", "reason shared"])
def test_raiser_is_told_who_has_the_item_after_an_escalation(tenant, item, director, tell_customer):
    services.escalation_escalate(
        actor=tenant.manager_user,
        escalation=item,
        reason=f"{SECRET} the customer is difficult" if not tell_customer else "It needs the director's decision.",
        tell_customer=tell_customer,
        now=later(5),
    )

    [notice] = told(tenant.user, "escalated")
    assert notice.subject == f"#{item.pk} Now with {director.name}"
    assert f"{director.name}, Director has it now." in notice.body
    assert ("It needs the director's decision." in notice.body) is tell_customer
    assert not any(SECRET in body for body in customer_bodies())


@pytest.mark.parametrize("tell_customer", [False, True], ids=["reason internal", "reason shared"])
def test_raiser_is_told_their_new_contact_after_a_reassignment(tenant, item, tell_customer):
    rosa = PersonFactory(name="Rosa Reyes")
    services.escalation_reassign(
        actor=tenant.manager_user,
        escalation=item,
        assignee=rosa,
        reason=f"{SECRET} workload" if not tell_customer else "Rosa knows this circuit.",
        tell_customer=tell_customer,
        now=later(5),
    )

    [notice] = told(tenant.user, "reassigned")
    assert notice.subject == f"#{item.pk} Rosa Reyes is your contact"
    assert "Your contact for this item is now Rosa Reyes." in notice.body
    assert ("Rosa knows this circuit." in notice.body) is tell_customer
    assert not any(SECRET in body for body in customer_bodies())


def test_a_handover_names_the_new_contact_and_keeps_its_reason_internal(tenant, item):
    luis = PersonFactory(name="Luis Ortega")
    services.escalations_hand_over(
        actor=tenant.manager_user,
        escalations=[item],
        assignee=luis,
        reason=f"{SECRET} handoff #7",
        role_name="Service Manager",
        now=later(5),
    )

    [notice] = told(tenant.user, "reassigned")
    assert "Your service manager for this item is now Luis Ortega." in notice.body
    assert not any(SECRET in body for body in customer_bodies())


def test_raiser_is_told_when_the_item_is_resolved(tenant, item):
    services.escalation_respond(actor=tenant.manager_user, escalation=item, now=later(5))
    services.escalation_resolve(actor=tenant.manager_user, escalation=item, comment="Card replaced.", now=later(60))

    [notice] = told(tenant.user, "resolved")
    assert notice.subject == f"#{item.pk} Resolved"
    assert f"{tenant.manager.name} resolved it." in notice.body
    assert "you can reopen it" in notice.body and "Card replaced." in notice.body


def test_raiser_is_told_when_the_item_is_cancelled(tenant, item):
    services.escalation_cancel(actor=tenant.manager_user, escalation=item, comment="Raised twice.", now=later(5))

    [notice] = told(tenant.user, "cancelled")
    assert notice.subject == f"#{item.pk} Cancelled"
    assert f"{tenant.manager.name} cancelled it." in notice.body and "Raised twice." in notice.body


def test_no_customer_notice_ever_quotes_an_internal_note_or_reason(tenant, item, director):
    """A whole life of an item, with every internal text the staff can write."""
    manager = tenant.manager_user
    services.escalation_comment(actor=manager, escalation=item, comment=f"{SECRET} note", internal=True, now=later(1))
    services.escalation_respond(actor=manager, escalation=item, comment="On it.", now=later(2))
    services.escalation_reassign(
        actor=manager,
        escalation=item,
        assignee=PersonFactory(name="Rosa Reyes", reports_to=director),
        reason=f"{SECRET} reassign",
        now=later(3),
    )
    services.escalation_escalate(actor=manager, escalation=item, reason=f"{SECRET} escalate", now=later(4))
    services.escalation_comment(actor=manager, escalation=item, comment=f"{SECRET} again", internal=True, now=later(5))
    services.escalation_resolve(actor=manager, escalation=item, now=later(6))

    assert [n.kind for n in told(tenant.user)] == [
        "customer_reply",
        "customer_reassigned",
        "customer_escalated",
        "customer_resolved",
    ]
    assert not any(SECRET in body for body in customer_bodies())


# --- Who is told --------------------------------------------------------------------------------------


def test_a_follower_of_the_same_company_is_told_and_another_company_never(tenant, foreign, item, colleague):
    escalation_follow(user=colleague, escalation=item, following=True)
    # Even a row that names a foreign user (whatever put it there) tells them nothing.
    Follow.objects.create(escalation=item, user=foreign.user)

    services.escalation_respond(actor=tenant.manager_user, escalation=item, comment="On it.", now=later(5))

    assert [n.kind for n in told(colleague)] == ["customer_reply"]
    assert [n.kind for n in told(tenant.user)] == ["customer_reply"]
    assert told(foreign.user) == []
    assert not Notification.objects.filter(email=foreign.user.email).exists()


def test_a_colleague_who_does_not_follow_is_not_told(tenant, item, colleague):
    services.escalation_respond(actor=tenant.manager_user, escalation=item, now=later(5))

    assert told(colleague) == []
    assert len(told(tenant.user)) == 1


def test_a_follower_who_loses_the_escalation_right_is_no_longer_told(tenant, item, colleague):
    escalation_follow(user=colleague, escalation=item, following=True)
    colleague.memberships.update(can_escalate=False)

    services.escalation_respond(actor=tenant.manager_user, escalation=item, now=later(5))

    assert told(colleague) == []


def test_unfollowing_stops_the_notices_of_the_raiser_and_of_a_follower(tenant, item, colleague):
    escalation_follow(user=colleague, escalation=item, following=True)
    services.escalation_respond(actor=tenant.manager_user, escalation=item, now=later(5))

    escalation_follow(user=tenant.user, escalation=item, following=False)
    escalation_follow(user=colleague, escalation=item, following=False)
    services.escalation_resolve(actor=tenant.manager_user, escalation=item, now=later(10))

    assert [n.kind for n in told(tenant.user)] == ["customer_reply"]
    assert [n.kind for n in told(colleague)] == ["customer_reply"]


def test_a_raiser_who_follows_again_is_told_again(tenant, item):
    escalation_follow(user=tenant.user, escalation=item, following=False)
    escalation_follow(user=tenant.user, escalation=item, following=True)

    services.escalation_respond(actor=tenant.manager_user, escalation=item, now=later(5))

    assert [n.kind for n in told(tenant.user)] == ["customer_reply"]


def test_muting_a_kind_stops_that_kind_only(tenant, item, colleague):
    escalation_follow(user=colleague, escalation=item, following=True)
    UserSettings.objects.create(user=tenant.user, muted_notices=["reply"])

    services.escalation_respond(actor=tenant.manager_user, escalation=item, comment="On it.", now=later(5))
    services.escalation_comment(actor=tenant.manager_user, escalation=item, comment="Still on it.", now=later(6))
    services.escalation_resolve(actor=tenant.manager_user, escalation=item, now=later(10))

    assert [n.kind for n in told(tenant.user)] == ["customer_resolved"]
    assert [n.kind for n in told(colleague)] == ["customer_reply", "customer_reply", "customer_resolved"]


def test_the_bell_or_the_email_alone_as_the_reader_chose(tenant, item):
    UserSettings.objects.create(user=tenant.user, notify_by_email=False)

    services.escalation_respond(actor=tenant.manager_user, escalation=item, now=later(5))

    [notice] = told(tenant.user)
    assert notice.in_app and not notice.email_due


def test_the_actor_is_not_told_of_what_they_did(tenant, item, colleague):
    escalation_follow(user=colleague, escalation=item, following=True)

    notify_customers(item, "reply", at=later(5), subject="A note", body="Someone wrote.", actor=tenant.user)

    assert told(tenant.user) == []
    assert [n.kind for n in told(colleague)] == ["customer_reply"]


def test_staff_are_never_told_as_customers(tenant, item, director):
    services.escalation_respond(actor=director.user, escalation=item, now=later(5))

    assert told(tenant.manager_user) == []
    assert told(director.user) == []
    assert len(told(tenant.user)) == 1


def test_a_retried_change_tells_once(tenant, item):
    for _ in range(2):
        notify_customers(item, "reply", at=later(5), subject="A reply", body="Once.")

    assert len(told(tenant.user)) == 1


def test_a_time_is_named_in_each_readers_own_zone(tenant, item, colleague):
    UserSettings.objects.create(user=tenant.user, time_zone="America/New_York")
    escalation_follow(user=colleague, escalation=item, following=True)  # no zone: the portal's, Denver
    call = denver(2026, 12, 8, 14, 0)

    notify_customers(
        item,
        "scheduled",
        at=later(5),
        subject="Call scheduled",
        body=lambda zone: f"The call is {local_time(call, zone)}.",
    )

    [raiser] = told(tenant.user, "scheduled")
    [other] = told(colleague, "scheduled")
    assert "The call is Tuesday 8 December, 16:00 EST." in raiser.body
    assert "The call is Tuesday 8 December, 14:00 MST." in other.body


# --- In each reader's language ---------------------------------------------------------------------


def test_each_reader_is_told_in_their_own_language(tenant, letter, colleague):
    from django.utils import translation

    from accountteam.dates import local_format

    UserSettings.objects.create(user=tenant.user, language="es")
    UserSettings.objects.create(user=colleague, language="pt-br")
    escalation_follow(user=colleague, escalation=letter, following=True)

    services.escalation_acknowledge(actor=tenant.manager_user, escalation=letter, follow_up_on=FRIDAY, now=later(5))
    services.escalation_resolve(actor=tenant.manager_user, escalation=letter, now=later(9))

    for user, language in ((tenant.user, "es"), (colleague, "pt-br")):
        [acknowledged] = told(user, "acknowledged")
        [resolved] = told(user, "resolved")
        with translation.override(language):
            assert acknowledged.subject == f"#{letter.pk} " + translation.gettext("Acknowledged")
            assert acknowledged.subject != f"#{letter.pk} Acknowledged"
            assert resolved.subject == f"#{letter.pk} " + translation.gettext("Resolved")
            assert local_format(FRIDAY, "l j F") in acknowledged.body
        assert acknowledged.language == resolved.language == language

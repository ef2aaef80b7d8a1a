"""The introduction meeting: scheduled from the handoff into the account's dossier, emailed once
to the customer's contacts and both people with an iCalendar REQUEST attached, and the
introduction item ticked with the meeting as its evidence."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from icalendar import Calendar

from dossiers.models import Change, Meeting
from handoffs import services
from handoffs.models import Step

from .factories import NOW, ContactFactory, denver, items_of

pytestmark = pytest.mark.django_db

STARTS = denver(2026, 3, 12, 10, 0)  # Thursday, 16:00 UTC (MDT)


@pytest.fixture
def contacts(tenant, contact):
    """Two contacts with an email (Carla, Dan) and one without."""
    dan = ContactFactory(account=tenant.account, name="Dan Dispatcher", email="dan@home.example")
    ContactFactory(account=tenant.account, name="Nora No-Email", email="")
    return [contact, dan]


def schedule(handoff, actor, capture, **kwargs):
    kwargs.setdefault("account", handoff.accounts.get().account)
    kwargs.setdefault("starts_at", STARTS)
    with capture(execute=True):
        return services.handoff_schedule_introduction(actor=actor, handoff=handoff, **kwargs)


def test_scheduling_puts_an_introduction_with_both_people_and_the_contacts_in_the_dossier(
    handoff, contacts, tenant, incoming, director, eager_tasks, django_capture_on_commit_callbacks
):
    meeting = schedule(handoff, director.user, django_capture_on_commit_callbacks, duration_minutes=45,
                       location="Video call")

    assert meeting.kind == Meeting.Kind.INTRODUCTION
    assert meeting.account == tenant.account
    assert meeting.title == "Introduction: Ivan Incoming, your new Service Manager"
    assert (meeting.starts_at, meeting.duration_minutes, meeting.location) == (STARTS, 45, "Video call")
    assert meeting.notes == "Home Manager introduces Ivan Incoming, who takes over as Service Manager on 16 Mar 2026."
    assert set(meeting.people.all()) == {tenant.manager, incoming}
    assert set(meeting.contacts.all()) == set(contacts)
    change = Change.objects.get(part="meetings", object_id=meeting.pk)
    assert (change.action, change.actor) == (Change.Action.CREATED, director.user)


def test_scheduling_ticks_the_introduction_item_with_the_meeting_as_evidence(
    handoff, contacts, director, eager_tasks, django_capture_on_commit_callbacks
):
    meeting = schedule(handoff, director.user, django_capture_on_commit_callbacks)

    (intro,) = items_of(handoff, step=Step.INTRODUCTION)
    assert (intro.done_at, intro.done_by, intro.meeting) == (NOW, director.user, meeting)
    assert intro.note == "Scheduled for 12 Mar 2026 10:00."
    assert [i.template.code for i in items_of(handoff, done_at__isnull=False)] == ["introduction"]
    assert handoff.events.last().text.endswith("introduction scheduled for 12 Mar 2026 10:00")


def test_one_email_with_an_ics_invitation_goes_to_everyone_invited(
    handoff, contacts, tenant, incoming, director, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = schedule(handoff, director.user, django_capture_on_commit_callbacks)

    (message,) = mailoutbox
    everyone = [tenant.manager.email, incoming.email, "carla@home.example", "dan@home.example"]
    assert message.to == everyone
    assert message.subject == "[Summit Wholesale] Invitation: Introduction: Ivan Incoming, your new Service Manager"
    assert "Home Manager introduces Ivan Incoming" in message.body
    assert f"Account: {tenant.account.number} · Home Telecom" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename == "invite.ics"
    assert mimetype.startswith("text/calendar") and "method=REQUEST" in mimetype

    calendar = Calendar.from_ical(content)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == f"{meeting.uid}@accountteam"
    assert event.decoded("DTSTART") == dt.datetime(2026, 3, 12, 16, 0, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2026, 3, 12, 16, 30, tzinfo=dt.UTC)
    assert str(event["SUMMARY"]) == f"{meeting.title} ({tenant.account.number})"
    assert str(event["ORGANIZER"]) == "mailto:portal@localhost"
    attendees = event["ATTENDEE"]
    assert [str(a) for a in attendees] == [f"mailto:{e}" for e in everyone]
    assert [str(a.params["CN"]) for a in attendees] == ["Home Manager", "Ivan Incoming", "Carla Customer",
                                                        "Dan Dispatcher"]
    assert b"ATTENDEE;" in calendar.to_ical()


def test_only_the_chosen_contacts_are_invited(
    handoff, contacts, tenant, incoming, director, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    carla, _dan = contacts

    meeting = schedule(handoff, director.user, django_capture_on_commit_callbacks, contacts=[carla])

    assert list(meeting.contacts.all()) == [carla]
    (message,) = mailoutbox
    assert message.to == [tenant.manager.email, incoming.email, "carla@home.example"]


def test_the_outgoing_person_may_schedule_but_the_incoming_person_may_not(
    handoff, contacts, tenant, incoming, eager_tasks, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionDenied):
        schedule(handoff, incoming.user, django_capture_on_commit_callbacks)

    assert schedule(handoff, tenant.manager_user, django_capture_on_commit_callbacks).pk


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"starts_at": NOW - dt.timedelta(hours=1)}, "starts_at", "Pick a time in the future."),
        ({"starts_at": NOW}, "starts_at", "Pick a time in the future."),
        ({"duration_minutes": 600}, "duration_minutes", "Between 5 and 480 minutes."),
    ],
)
def test_a_bad_time_or_length_is_refused_and_nothing_is_sent(
    change, field, message, handoff, contacts, director, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as caught:
        schedule(handoff, director.user, django_capture_on_commit_callbacks, **change)

    assert caught.value.message_dict == {field: [message]}
    assert not Meeting.objects.exists()
    assert mailoutbox == []
    assert not items_of(handoff, step=Step.INTRODUCTION)[0].is_done


def test_an_account_without_a_contact_with_an_email_is_refused(
    handoff, tenant, director, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    ContactFactory(account=tenant.account, email="")

    with pytest.raises(ValidationError) as caught:
        schedule(handoff, director.user, django_capture_on_commit_callbacks)

    assert caught.value.message_dict == {
        "contacts": ["The account has no contact with an email address: add one to its dossier first."]
    }
    assert not Meeting.objects.exists() and mailoutbox == []


def test_contacts_of_another_account_are_refused(
    handoff, contacts, foreign, director, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    stranger = ContactFactory(account=foreign.account, email="stranger@foreign.example")

    with pytest.raises(ValidationError) as caught:
        schedule(handoff, director.user, django_capture_on_commit_callbacks, contacts=[contacts[0], stranger])

    assert caught.value.message_dict == {"contacts": ["Choose contacts of this account."]}
    assert not Meeting.objects.exists() and mailoutbox == []


def test_an_account_outside_the_handoff_is_refused(
    handoff, foreign, director, eager_tasks, django_capture_on_commit_callbacks
):
    ContactFactory(account=foreign.account)

    with pytest.raises(ValidationError) as caught:
        schedule(handoff, director.user, django_capture_on_commit_callbacks, account=foreign.account)

    assert caught.value.message_dict == {"account": [f"{foreign.account.number} is not part of this handoff."]}


def test_an_invitation_whose_task_was_lost_is_sent_by_the_hourly_catch_up_once(
    handoff, contacts, director, django_capture_on_commit_callbacks, mailoutbox, clock, monkeypatch
):
    from accountteam.celery import app
    from handoffs import tasks

    # The broker does not answer: the task is never queued, the meeting is scheduled all the same.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    meeting = schedule(handoff, director.user, django_capture_on_commit_callbacks)
    monkeypatch.undo()
    app._pool = app.amqp._producer_pool = None
    assert Meeting.objects.get(pk=meeting.pk).invitation_due
    assert mailoutbox == []

    clock.move_to(NOW + dt.timedelta(minutes=5))
    assert tasks.reminders.apply().get()["invitations"] == 4  # two contacts and both people, in one e-mail
    assert tasks.reminders.apply().get()["invitations"] == 0
    assert len(mailoutbox) == 1
    stored = Meeting.objects.get(pk=meeting.pk)
    assert (stored.invitation_due, stored.invitation_sent_at) == (False, NOW + dt.timedelta(minutes=5))

"""Conference calls and meetings, "scheduled as requested" (``escalations.scheduling``): the
customer says when in the raise; staff schedule it within one business day; it becomes a meeting
in the account's dossier with the customer invited by e-mail (an iCalendar REQUEST), and the
meeting is the item's next deadline. Through the service, the API and the item page.

The clock stands still at Tue 13 Jan 2026 10:00 in Denver (MST, UTC−7) unless a test moves it.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from icalendar import Calendar

from accountteam.models import Notification, UserSettings
from dossiers.models import Change, Meeting
from escalations import scheduling, services
from escalations.models import Escalation, Event
from escalations.rules import TransitionError
from tests.clients import api_as, signed_in
from tests.conftest import clock_at
from tests.escalations.factories import DENVER_OFFICE, denver, raise_item, stored_state, utc

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

URL = "/api/v1/escalations/"
TUE_10 = denver(2026, 1, 13, 10, 0)
THU_10 = denver(2026, 1, 15, 10, 0)  # what the customer asks for
FRI_14 = denver(2026, 1, 16, 14, 0)

clock = clock_at(TUE_10, autouse=True)


@pytest.fixture
def raiser(tenant):
    """The tenant's customer user, with a name and an e-mail address."""
    user = tenant.user
    user.first_name, user.last_name, user.email = "Hana", "Home", "hana@home.example"
    user.save()
    return user


@pytest.fixture
def call(tenant, raiser):
    """A conference call the customer asked for on Thursday at 10:00, for an hour."""
    return raise_item(
        tenant,
        at=TUE_10,
        channel="conference_call",
        category="outage",
        subject="Outage review",
        requested_start=THU_10,
        requested_minutes=60,
    )


def schedule(item, actor, capture, *, service=scheduling.escalation_schedule, **kwargs):
    """Schedule ``item`` as ``actor`` and run what waits for the commit (the invitation's task)."""
    kwargs.setdefault("starts_at", THU_10)
    kwargs.setdefault("duration_minutes", 60)
    with capture(execute=True):
        return service(actor=actor, escalation=item, **kwargs)


def invitations(outbox) -> list:
    """The e-mails that carry a calendar invitation (notices are e-mailed too)."""
    return [m for m in outbox if any(name == "invite.ics" for name, _c, _t in m.attachments)]


def ics_event(message):
    ((_name, content, _type),) = message.attachments
    calendar = Calendar.from_ical(content)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def reload(item) -> Escalation:
    return Escalation.objects.get(pk=item.pk)


def messages_text(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


# --- The request -------------------------------------------------------------------------------------


def test_a_customers_meeting_request_without_a_time_is_refused_by_the_api(tenant):
    response = api_as(tenant.user).post(
        URL,
        {"account": tenant.account.pk, "channel": "meeting", "category": "other", "subject": "Quarterly review"},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json() == {
        "requested_start": ["Say when you would like the call or meeting."],
        "requested_minutes": ["Say how long it should last."],
    }
    assert not Escalation.objects.exists()


def test_a_customers_meeting_request_without_a_time_is_a_form_error_on_the_raise_page(tenant):
    page = signed_in(tenant.user).post(
        "/escalations/new/",
        {"account": tenant.account.pk, "channel": "meeting", "category": "other", "subject": "Quarterly review"},
    )

    assert page.status_code == 200
    assert page.context["form"].errors == {
        "requested_start": ["Say when you would like the call or meeting."],
        "requested_minutes": ["Say how long it should last."],
    }
    assert not Escalation.objects.exists()


def test_the_raise_page_offers_when_and_how_long_for_calls_and_meetings_only(tenant):
    page = signed_in(tenant.user).get("/escalations/new/")

    html = page.content.decode()
    assert 'name="requested_start"' in html and 'name="requested_minutes"' in html
    assert html.count('data-channels="conference_call meeting"') == 2  # the script shows them for these
    assert "js/raise_schedule.js" in html


def test_a_time_on_another_channel_is_refused(tenant):
    response = api_as(tenant.user).post(
        URL,
        {
            "account": tenant.account.pk,
            "channel": "pager",
            "category": "repair",
            "subject": "Down",
            "requested_start": "2026-01-15T10:00:00-07:00",
            "requested_minutes": 30,
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["requested_start"] == ["Only a conference call or a meeting is scheduled."]


def test_the_raise_page_takes_the_requested_time_in_the_customers_zone(tenant):
    page = signed_in(tenant.user).post(
        "/escalations/new/",
        {
            "account": tenant.account.pk,
            "channel": "conference_call",
            "category": "outage",
            "subject": "Outage review",
            "requested_start": "2026-01-15T10:00",
            "requested_minutes": "45",
        },
        follow=True,
    )

    item = Escalation.objects.get()
    assert (utc(item.requested_start), item.requested_minutes) == (utc(THU_10), 45)
    assert "Requested for Thursday 15 January 2026, 10:00 MST (45 minutes)." in page.content.decode()


def test_the_deadline_to_schedule_is_one_business_day_on_the_assignees_calendar(tenant):
    """Friday 15:00 plus one business day skips the weekend and Martin Luther King Jr. Day."""
    friday = denver(2026, 1, 16, 15, 0)
    item = raise_item(
        tenant,
        at=friday,
        channel="meeting",
        category="other",
        subject="Account review",
        requested_start=denver(2026, 1, 27, 9, 0),
        requested_minutes=90,
    )

    assert (item.policy_mode, item.policy_due, item.policy_unit) == ("scheduled", 1, "days")
    assert utc(item.due_at) == utc(denver(2026, 1, 20, 15, 0)) == utc(DENVER_OFFICE.add_business_days(friday, 1))
    assert utc(item.next_deadline_at) == utc(item.due_at)


def test_the_api_shows_the_request_and_no_meeting_before_it_is_scheduled(tenant, call):
    body = api_as(tenant.user).get(f"{URL}{call.pk}/").json()

    assert dt.datetime.fromisoformat(body["requested_start"]) == THU_10
    assert (body["requested_minutes"], body["meeting"]) == (60, None)


# --- Scheduling ----------------------------------------------------------------------------------------


def test_scheduling_puts_a_meeting_in_the_dossier_with_the_assignee_and_the_raiser_as_guest(
    tenant, call, manager, eager_tasks, django_capture_on_commit_callbacks
):
    item = schedule(
        call, manager, django_capture_on_commit_callbacks, duration_minutes=45, location="Bridge 555-0100, code 4471"
    )

    meeting = Meeting.objects.get()
    assert item.meeting == meeting
    assert (meeting.account, meeting.kind, meeting.title) == (tenant.account, "other", "Conference call: Outage review")
    assert (utc(meeting.starts_at), meeting.duration_minutes, meeting.location) == (
        utc(THU_10),
        45,
        "Bridge 555-0100, code 4471",
    )
    assert list(meeting.people.all()) == [tenant.manager]
    assert meeting.guests == [["Hana Home", "hana@home.example"]]
    assert (meeting.sequence, meeting.invitation_due, meeting.invitation_sent_at) == (0, False, TUE_10)
    change = Change.objects.get(part="meetings", object_id=meeting.pk)
    assert (change.action, change.actor) == (Change.Action.CREATED, manager)


def test_a_meeting_request_is_titled_as_a_meeting(
    tenant, raiser, manager, eager_tasks, django_capture_on_commit_callbacks
):
    item = raise_item(
        tenant,
        at=TUE_10,
        channel="meeting",
        category="other",
        subject="Account review",
        requested_start=THU_10,
        requested_minutes=90,
    )

    schedule(item, manager, django_capture_on_commit_callbacks, duration_minutes=90)

    assert Meeting.objects.get().title == "Meeting: Account review"


def test_scheduling_sends_one_email_with_an_ics_request_to_the_assignee_and_the_customer(
    tenant, call, manager, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    schedule(call, manager, django_capture_on_commit_callbacks, location="Bridge 555-0100")

    (message,) = invitations(mailoutbox)
    assert message.to == [tenant.manager.email, "hana@home.example"]
    assert message.subject == "[Summit Wholesale] Invitation: Conference call: Outage review"
    assert "Where: Bridge 555-0100" in message.body
    ((filename, _content, mimetype),) = message.attachments
    assert filename == "invite.ics"
    assert mimetype.startswith("text/calendar") and "method=REQUEST" in mimetype
    calendar, event = ics_event(message)
    assert calendar["method"] == "REQUEST"
    assert event.decoded("dtstart") == utc(THU_10)
    assert event.decoded("dtend") == utc(THU_10 + dt.timedelta(hours=1))
    assert event["sequence"] == 0
    assert "mailto:hana@home.example" in [str(a) for a in event["attendee"]]


def test_the_meeting_becomes_the_items_next_deadline_and_answers_it(
    tenant, call, manager, eager_tasks, django_capture_on_commit_callbacks
):
    schedule(call, manager, django_capture_on_commit_callbacks, comment="Bridge details in the invitation.")

    item = reload(call)
    assert (item.status, item.first_response_at) == ("acknowledged", TUE_10)
    assert item.follow_up_on == dt.date(2026, 1, 15)
    assert utc(item.follow_up_target_at) == utc(THU_10)  # reminded at its start
    assert utc(item.follow_up_due_at) == utc(item.next_deadline_at) == utc(denver(2026, 1, 15, 11, 0))  # its end
    assert item.follow_up_done_at is None
    event = item.events.get(kind=Event.Kind.SCHEDULED)
    assert (event.actor, event.comment, event.internal) == (manager, "Bridge details in the invitation.", False)
    assert event.data["minutes"] == 60
    assert dt.datetime.fromisoformat(event.data["starts_at"]) == THU_10


def test_the_customer_is_told_when_in_their_own_zone_and_where(
    tenant, call, manager, eager_tasks, django_capture_on_commit_callbacks
):
    UserSettings.objects.update_or_create(user=tenant.user, defaults={"time_zone": "America/New_York"})

    schedule(call, manager, django_capture_on_commit_callbacks, location="Bridge 555-0100")

    (notice,) = Notification.objects.filter(recipient=tenant.user, kind="customer_scheduled")
    assert notice.subject == f"#{call.pk} Conference call scheduled"
    assert (
        "Home Manager scheduled the conference call for Thursday 15 January, 12:00 EST (60 minutes), "
        "Bridge 555-0100. The invitation with a calendar file was e-mailed to Hana Home" in notice.body
    )


def test_a_request_logged_by_staff_is_scheduled_without_a_guest(
    tenant, manager, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    item = raise_item(
        tenant,
        at=TUE_10,
        actor=manager,
        channel="conference_call",
        category="outage",
        subject="Called in: outage review",
    )

    schedule(item, manager, django_capture_on_commit_callbacks)

    assert Meeting.objects.get().guests == []
    (message,) = invitations(mailoutbox)
    assert message.to == [tenant.manager.email]


# --- Refusals ----------------------------------------------------------------------------------------


def test_a_customer_cannot_schedule(tenant, call, django_capture_on_commit_callbacks):
    before = stored_state(call)

    with pytest.raises(PermissionDenied):
        schedule(call, tenant.user, django_capture_on_commit_callbacks)
    response = api_as(tenant.user).post(f"{URL}{call.pk}/schedule/", {}, format="json")  # refused before the body
    page = signed_in(tenant.user).post(
        f"/escalations/{call.pk}/schedule/",
        {"schedule-starts_at": "2026-01-15T10:00", "schedule-duration_minutes": "60"},
    )

    assert response.status_code == 403
    assert page.status_code == 403
    assert stored_state(call) == before and not Meeting.objects.exists()


def test_scheduling_an_item_that_is_not_a_call_or_meeting_is_refused(
    tenant, manager, django_capture_on_commit_callbacks
):
    pager = raise_item(tenant, at=TUE_10, channel="pager", category="repair")

    with pytest.raises(TransitionError, match="Only a conference call or a meeting is scheduled; this item is a pager"):
        schedule(pager, manager, django_capture_on_commit_callbacks)
    response = api_as(manager).post(
        f"{URL}{pager.pk}/schedule/",
        {"starts_at": "2026-01-15T10:00:00-07:00", "duration_minutes": 60},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "Only a conference call or a meeting is scheduled; this item is a pager."
    assert not Meeting.objects.exists()


def test_scheduling_a_closed_item_is_refused(tenant, call, manager, django_capture_on_commit_callbacks):
    services.escalation_cancel(actor=manager, escalation=call)
    before = stored_state(call)

    response = api_as(manager).post(
        f"{URL}{call.pk}/schedule/",
        {"starts_at": "2026-01-15T10:00:00-07:00", "duration_minutes": 60},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "The item is cancelled: a closed item is not scheduled."
    assert stored_state(call) == before and not Meeting.objects.exists()


def test_scheduling_twice_is_refused_with_a_pointer_to_rescheduling(
    call, manager, eager_tasks, django_capture_on_commit_callbacks
):
    schedule(call, manager, django_capture_on_commit_callbacks)

    with pytest.raises(TransitionError) as caught:
        schedule(call, manager, django_capture_on_commit_callbacks, starts_at=FRI_14)

    assert str(caught.value) == (
        "The conference call is already scheduled for Thursday 15 January, 10:00 MST: reschedule it instead."
    )
    assert Meeting.objects.count() == 1


def test_rescheduling_an_item_that_was_never_scheduled_is_refused(call, manager, django_capture_on_commit_callbacks):
    with pytest.raises(TransitionError, match="The conference call is not scheduled yet: schedule it first."):
        schedule(call, manager, django_capture_on_commit_callbacks, service=scheduling.escalation_reschedule)


def test_an_item_waiting_on_the_customer_is_resumed_before_it_is_scheduled(
    call, manager, django_capture_on_commit_callbacks
):
    services.escalation_wait(actor=manager, escalation=call)

    with pytest.raises(TransitionError, match="waiting on the customer: resume it first"):
        schedule(call, manager, django_capture_on_commit_callbacks)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"starts_at": "2026-01-13T09:00:00-07:00"}, "starts_at", "Pick a time in the future."),
        ({"starts_at": "2101-01-13T09:00:00-07:00"}, "starts_at", "Enter a date between 1 Jan 2000 and 31 Dec 2100."),
        ({"duration_minutes": 10}, "duration_minutes", "Ensure this value is greater than or equal to 15."),
        ({"duration_minutes": 24 * 60 + 1}, "duration_minutes", "Ensure this value is less than or equal to 1440."),
        ({"location": "x" * 301}, "location", "Ensure this field has no more than 300 characters."),
        ({"starts_at": None}, "starts_at", "This field is required."),
    ],
)
def test_schedule_errors_are_400_with_field_messages(call, manager, change, field, message):
    data = {"starts_at": "2026-01-15T10:00:00-07:00", "duration_minutes": 60} | change
    data = {k: v for k, v in data.items() if v is not None}

    response = api_as(manager).post(f"{URL}{call.pk}/schedule/", data, format="json")

    assert response.status_code == 400, response.content
    assert response.json()[field] == [message]
    assert reload(call).meeting is None


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"starts_at": denver(2026, 1, 13, 9, 0)}, {"starts_at": ["Pick a time in the future."]}),
        ({"duration_minutes": 5}, {"duration_minutes": ["Between 15 and 1440 minutes."]}),
        ({"location": "x" * 301}, {"location": ["At most 300 characters (this has 301)."]}),
    ],
)
def test_the_service_refuses_a_bad_time_length_or_location(
    call, manager, django_capture_on_commit_callbacks, change, errors
):
    with pytest.raises(ValidationError) as caught:
        schedule(call, manager, django_capture_on_commit_callbacks, **change)

    assert caught.value.message_dict == errors


# --- Rescheduling --------------------------------------------------------------------------------------


def test_rescheduling_bumps_the_sequence_invites_again_and_moves_the_deadline(
    tenant, call, manager, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    schedule(call, manager, django_capture_on_commit_callbacks)
    first = Meeting.objects.get()

    item = schedule(
        call,
        manager,
        django_capture_on_commit_callbacks,
        service=scheduling.escalation_reschedule,
        starts_at=FRI_14,
        duration_minutes=30,
        location="Room 4",
    )

    meeting = Meeting.objects.get()
    assert (meeting.pk, meeting.uid, meeting.sequence) == (first.pk, first.uid, 1)
    assert (utc(meeting.starts_at), meeting.duration_minutes, meeting.location) == (utc(FRI_14), 30, "Room 4")
    assert utc(item.follow_up_due_at) == utc(reload(call).next_deadline_at) == utc(denver(2026, 1, 16, 14, 30))
    assert item.follow_up_on == dt.date(2026, 1, 16)
    first_mail, second_mail = invitations(mailoutbox)
    _calendar, event = ics_event(second_mail)
    assert (str(event["uid"]), event["sequence"]) == (f"{first.uid}@accountteam", 1)
    assert event.decoded("dtstart") == utc(FRI_14)
    assert second_mail.to == first_mail.to == [tenant.manager.email, "hana@home.example"]
    notices = Notification.objects.filter(recipient=tenant.user, kind="customer_scheduled").order_by("pk")
    assert [n.subject for n in notices] == [
        f"#{call.pk} Conference call scheduled",
        f"#{call.pk} Conference call rescheduled",
    ]
    assert "Home Manager moved the conference call to Friday 16 January, 14:00 MST (30 minutes), Room 4." in (
        notices[1].body
    )
    assert list(item.events.filter(kind="scheduled").values_list("data__minutes", flat=True)) == [60, 30]


def test_rescheduling_to_the_same_time_and_place_is_refused(
    call, manager, eager_tasks, django_capture_on_commit_callbacks
):
    schedule(call, manager, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError) as caught:
        schedule(call, manager, django_capture_on_commit_callbacks, service=scheduling.escalation_reschedule)

    assert caught.value.message_dict == {"starts_at": ["The conference call is already at that time and place."]}
    assert Meeting.objects.get().sequence == 0


def test_rescheduling_through_the_api(call, manager, eager_tasks, django_capture_on_commit_callbacks):
    schedule(call, manager, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(manager).post(
            f"{URL}{call.pk}/reschedule/",
            {"starts_at": "2026-01-16T14:00:00-07:00", "duration_minutes": 30},
            format="json",
        )

    assert response.status_code == 200, response.content
    assert response.json()["meeting"]["sequence"] == 1
    assert Meeting.objects.get().invitation_due is False  # sent again


# --- The API and the item page -------------------------------------------------------------------------


def test_staff_schedule_through_the_api_and_read_the_meeting_back(
    tenant, call, manager, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(manager).post(
            f"{URL}{call.pk}/schedule/",
            {"starts_at": "2026-01-15T10:00:00-07:00", "duration_minutes": 60, "location": "Bridge 555-0100"},
            format="json",
        )

    assert response.status_code == 200, response.content
    body = response.json()
    meeting = Meeting.objects.get()
    assert body["status"] == "acknowledged"
    assert body["meeting"]["id"] == meeting.pk
    assert dt.datetime.fromisoformat(body["meeting"]["starts_at"]) == THU_10
    assert dt.datetime.fromisoformat(body["meeting"]["ends_at"]) == THU_10 + dt.timedelta(hours=1)
    assert (body["meeting"]["duration_minutes"], body["meeting"]["location"]) == (60, "Bridge 555-0100")
    assert body["meeting"]["ics_url"] == f"/meetings/{meeting.pk}.ics"
    assert dt.datetime.fromisoformat(body["next_deadline_at"]) == THU_10 + dt.timedelta(hours=1)
    assert len(invitations(mailoutbox)) == 1
    customer_view = api_as(tenant.user).get(f"{URL}{call.pk}/").json()
    assert customer_view["meeting"]["ics_url"] == f"/meetings/{meeting.pk}.ics"


def test_the_item_page_offers_staff_a_schedule_form_prefilled_with_the_request(call, manager):
    page = signed_in(manager).get(f"/escalations/{call.pk}/")

    html = page.content.decode()
    assert f'action="/escalations/{call.pk}/schedule/"' in html
    form = page.context["schedule_form"]
    assert (utc(form.initial["starts_at"]), form.initial["duration_minutes"]) == (utc(THU_10), 60)
    assert 'value="2026-01-15T10:00"' in html
    assert "Requested for Thursday 15 January 2026, 10:00 MST (60 minutes)." in html


def test_the_item_page_offers_no_schedule_form_to_the_customer(tenant, call):
    page = signed_in(tenant.user).get(f"/escalations/{call.pk}/")

    assert page.context["schedule_form"] is None
    assert "schedule/" not in page.content.decode()
    assert "Not scheduled yet. Your team schedules it and sends you an invitation." in page.content.decode()


def test_scheduling_from_the_item_page_says_when_in_a_sentence(
    tenant, call, manager, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = signed_in(manager).post(
            f"/escalations/{call.pk}/schedule/",
            {
                "schedule-starts_at": "2026-01-15T10:00",
                "schedule-duration_minutes": "60",
                "schedule-location": "Bridge 555-0100",
                "schedule-comment": "Talk then.",
            },
            follow=True,
        )

    assert messages_text(page) == (
        f"Escalation #{call.pk} scheduled for Thursday 15 January, 10:00 MST; the customer was sent an invitation."
    )
    html = page.content.decode()
    meeting = Meeting.objects.get()
    assert (
        "Scheduled for <strong>Thursday 15 January 2026, 10:00–11:00 MST</strong> (60 minutes) · Bridge 555-0100."
    ) in html
    assert f'href="/meetings/{meeting.pk}.ics"' in html
    assert f'action="/escalations/{call.pk}/reschedule/"' in html
    assert len(invitations(mailoutbox)) == 1


def test_the_customer_reads_the_meeting_on_the_item_page_with_its_calendar_file(
    tenant, call, manager, eager_tasks, django_capture_on_commit_callbacks
):
    schedule(call, manager, django_capture_on_commit_callbacks, location="Bridge 555-0100")
    meeting = Meeting.objects.get()
    client = signed_in(tenant.user)

    html = client.get(f"/escalations/{call.pk}/").content.decode()
    download = client.get(f"/meetings/{meeting.pk}.ics")

    assert "Scheduled for <strong>Thursday 15 January 2026, 10:00–11:00 MST</strong>" in html
    assert f'href="/meetings/{meeting.pk}.ics"' in html
    assert download.status_code == 200
    assert download["Content-Type"].startswith("text/calendar")


def test_the_customers_timeline_says_when_it_was_scheduled_and_moved(
    tenant, call, manager, eager_tasks, django_capture_on_commit_callbacks
):
    schedule(call, manager, django_capture_on_commit_callbacks)
    schedule(
        call, manager, django_capture_on_commit_callbacks, service=scheduling.escalation_reschedule, starts_at=FRI_14
    )

    html = signed_in(tenant.user).get(f"/escalations/{call.pk}/").content.decode()

    assert "Scheduled by Home Manager for Thursday 15 January, 10:00 MST" in html
    assert "Moved by Home Manager to Friday 16 January, 14:00 MST" in html


def test_a_form_error_on_the_item_page_is_a_message(call, manager):
    page = signed_in(manager).post(
        f"/escalations/{call.pk}/schedule/", {"schedule-duration_minutes": "60"}, follow=True
    )

    assert messages_text(page) == "Say when it starts."
    assert reload(call).meeting is None


def test_rescheduling_from_the_item_page(call, manager, eager_tasks, django_capture_on_commit_callbacks):
    schedule(call, manager, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        page = signed_in(manager).post(
            f"/escalations/{call.pk}/reschedule/",
            {"schedule-starts_at": "2026-01-16T14:00", "schedule-duration_minutes": "30"},
            follow=True,
        )

    assert messages_text(page) == (
        f"Escalation #{call.pk} rescheduled to Friday 16 January, 14:00 MST; the customer was sent an invitation again."
    )
    assert Meeting.objects.get().sequence == 1


# --- The invitation's task -----------------------------------------------------------------------------


def test_an_invitation_whose_task_was_lost_is_sent_by_the_hourly_catch_up(
    tenant, call, manager, clock, mailoutbox, django_capture_on_commit_callbacks
):
    from handoffs import tasks

    with django_capture_on_commit_callbacks(execute=False):  # the task never reached a worker
        scheduling.escalation_schedule(actor=manager, escalation=call, starts_at=THU_10, duration_minutes=60)
    assert Meeting.objects.get().invitation_due

    clock.move_to(TUE_10 + dt.timedelta(minutes=5))
    assert tasks.reminders.apply().get()["invitations"] == 2  # the assignee and the customer, in one e-mail
    assert tasks.reminders.apply().get()["invitations"] == 0
    assert len(invitations(mailoutbox)) == 1


def test_the_invitation_task_answers_to_its_new_and_its_old_name():
    from accountteam.celery import app
    from dossiers import tasks

    assert tasks.send_meeting_invitation.name == "dossiers.tasks.send_meeting_invitation"
    assert "handoffs.tasks.send_meeting_invitation" in app.tasks

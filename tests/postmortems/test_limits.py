"""Post-mortems have bounds: event times, note times and due dates between 2000 and 2100; impact
and analysis sections of at most 20,000 characters, comments and reasons of at most 4,000, notes
of at most 4,000; and the customer's notices quote only an excerpt of a reason.

The clock stands still at Tue 13 Jan 2026 10:00 MST.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accountteam.models import Notification
from postmortems import services
from postmortems.models import PostMortem
from tests.clients import api_as

from .factories import NOW, accepted_postmortem, request_postmortem, stored_state

pytestmark = pytest.mark.django_db

URL = "/api/v1/postmortems/"
OUT_OF_BOUNDS = "Enter a date between 1 Jan 2000 and 31 Dec 2100."
REQUEST = {
    "ticket_number": "TT-4471", "circuit_id": "DS3 101/T3/DNVR-BLDR", "event_start": "2026-01-12T20:00:00-07:00",
    "event_end": "2026-01-13T06:00:00-07:00", "impact": "Both Boulder sites lost voice and data.",
}


@pytest.fixture(autouse=True)
def _clock(clock):
    return clock


@pytest.mark.parametrize(
    "change, field",
    [
        ({"event_start": "1999-12-31T20:00:00-07:00"}, "event_start"),
        ({"event_end": "9999-12-31T23:59:00Z"}, "event_end"),
        ({"impact": "i" * 20_001}, "impact"),
        ({"questions": "q" * 20_001}, "questions"),
    ],
)
def test_a_request_past_the_bounds_is_refused(tenant, change, field):
    response = api_as(tenant.user).post(URL, REQUEST | {"account": tenant.account.pk} | change, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not PostMortem.objects.exists()


def test_the_service_refuses_event_times_past_the_bounds(tenant):
    with pytest.raises(ValidationError) as refused:
        request_postmortem(tenant, start=dt.datetime(1999, 6, 1, tzinfo=dt.UTC))
    assert refused.value.message_dict == {"event_start": [OUT_OF_BOUNDS]}


def test_impact_and_questions_at_their_limit_fit_the_tracking_item(tenant):
    pm = request_postmortem(tenant, impact="i" * 20_000, questions="q" * 20_000)

    assert len(pm.impact) == 20_000 and len(pm.questions) == 20_000
    assert len(pm.tracking.description) == 20_000 and pm.tracking.description.endswith("…")


def test_workspace_inputs_past_the_bounds_are_refused_under_their_fields(tenant):
    pm = accepted_postmortem(tenant)
    staff = api_as(tenant.manager_user)
    before = stored_state(pm)

    note = staff.post(f"{URL}{pm.pk}/notes/", {"at": "2101-01-02T10:00:00Z", "source": "noc", "text": "x"},
                      format="json")
    long_note = staff.post(f"{URL}{pm.pk}/notes/", {"at": "2026-01-12T20:00:00-07:00", "source": "noc",
                                                    "text": "x" * 4_001}, format="json")
    analysis = staff.patch(f"{URL}{pm.pk}/analysis/", {"root_cause": "r" * 20_001}, format="json")
    action = staff.post(f"{URL}{pm.pk}/preventive-actions/",
                        {"description": "Mark the route", "owner": tenant.manager.pk, "due_on": "9999-12-31"},
                        format="json")

    assert (note.status_code, list(note.json())) == (400, ["at"])
    assert (long_note.status_code, list(long_note.json())) == (400, ["text"])
    assert (analysis.status_code, list(analysis.json())) == (400, ["root_cause"])
    assert (action.status_code, list(action.json())) == (400, ["due_on"])
    assert stored_state(pm) == before


def test_the_services_refuse_workspace_inputs_past_the_bounds(tenant):
    pm = accepted_postmortem(tenant)
    actor = tenant.manager_user
    with pytest.raises(ValidationError) as refused:
        services.postmortem_note_add(actor=actor, postmortem=pm, at=dt.datetime(1, 1, 1, tzinfo=dt.UTC),
                                     source="noc", text="x", now=NOW)
    assert refused.value.message_dict == {"at": [OUT_OF_BOUNDS]}
    with pytest.raises(ValidationError) as refused:
        services.postmortem_analysis_update(actor=actor, postmortem=pm, summary="s" * 20_001)
    assert list(refused.value.message_dict) == ["summary"]
    with pytest.raises(ValidationError) as refused:
        services.preventive_action_add(actor=actor, postmortem=pm, description="d", owner=tenant.manager,
                                       due_on=dt.date(2101, 1, 1))
    assert refused.value.message_dict == {"due_on": [OUT_OF_BOUNDS]}
    with pytest.raises(ValidationError) as refused:
        services.preventive_action_add(actor=actor, postmortem=pm, description="d" * 4_001, owner=tenant.manager,
                                       due_on=dt.date(2026, 2, 13))
    assert list(refused.value.message_dict) == ["description"]


def test_an_accept_comment_at_its_limit_still_fits_the_tracking_items_timeline(tenant):
    pm = request_postmortem(tenant)
    services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity="medium", comment="c" * 4_000,
                               now=NOW)

    promised = pm.tracking.events.filter(kind="acknowledged").get()
    assert len(promised.comment) == 4_000 and promised.comment.startswith("Accepted as medium complexity")


def test_a_decline_reason_over_the_limit_is_refused_and_the_notice_quotes_an_excerpt(tenant):
    pm = request_postmortem(tenant)
    staff = api_as(tenant.manager_user)
    assert staff.post(f"{URL}{pm.pk}/decline/", {"reason": "r" * 4_001}, format="json").status_code == 400

    reason = "The event was a planned maintenance window announced on 5 January. " * 50  # 3,450 characters
    assert staff.post(f"{URL}{pm.pk}/decline/", {"reason": reason}, format="json").status_code == 200
    notice = Notification.objects.get(kind="postmortem", subject__startswith="Post-mortem declined")
    quoted = notice.body.split("Declined: ", 1)[1]
    assert len(quoted) <= 500 and quoted.endswith("…")
    assert PostMortem.objects.get(pk=pm.pk).decline_reason == reason.strip()


def test_the_workspace_forms_offer_the_bounds_and_the_limits(tenant, staff):
    pm = accepted_postmortem(tenant)
    html = staff.get(f"/postmortems/{pm.pk}/").content.decode()
    assert 'min="2000-01-01T00:00" max="2100-12-31T23:59"' in html
    assert 'maxlength="20000"' in html and 'maxlength="4000"' in html

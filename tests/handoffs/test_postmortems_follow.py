"""A post-mortem follows its tracking item through a reassignment handoff: once the handoff has
moved the open work and completed, the post-mortem names the incoming service manager (page and
API), they work it, and its deadlines are on their calendar.

Ivan Incoming works from the New York office (08:00–17:00 Eastern, US holidays), which is closed
on Wednesday 4 March 2026 for an office move; Home Manager works from Denver.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from handoffs import services as handoff_services
from postmortems import services as postmortem_services
from postmortems.models import PostMortem
from teams.models import Closure
from tests.clients import api_as, signed_in
from tests.teams.factories import CalendarFactory

from .factories import EFFECTIVE, NOW, denver, ready_to_complete

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def new_york(incoming):
    calendar = CalendarFactory(name="New York office", time_zone="America/New_York")
    Closure.objects.create(calendar=calendar, date=dt.date(2026, 3, 4), reason="Office move")
    incoming.calendar = calendar
    incoming.save(update_fields=["calendar"])
    return calendar


def request_postmortem(tenant, ticket: str) -> PostMortem:
    return postmortem_services.postmortem_request(
        actor=tenant.user,
        account=tenant.account,
        ticket_number=ticket,
        circuit_id="DS3 101",
        event_start=NOW - dt.timedelta(hours=14),
        event_end=NOW - dt.timedelta(hours=2),
        impact="Both sites down.",
    )


def complete(handoff, director, clock):
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 9))
    return handoff_services.handoff_complete(actor=director.user, handoff=handoff)


def test_an_accepted_postmortem_names_the_incoming_manager_and_is_due_on_their_calendar(
    tenant, handoff, director, incoming, new_york, clock
):
    pm = request_postmortem(tenant, "TT-1")
    # Ten business days on Home Manager's Denver calendar: due Monday 16 March, at 17:00 in Denver.
    postmortem_services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity="high")
    pm.refresh_from_db()
    assert (pm.manager, pm.due_on) == (tenant.manager, dt.date(2026, 3, 16))
    assert pm.tracking.follow_up_due_at == denver(2026, 3, 16, 17)

    complete(handoff, director, clock)

    pm = PostMortem.objects.select_related("tracking").get(pk=pm.pk)
    assert pm.manager == incoming
    # The day promised to the customer stands; it is due at its close in New York (21:00 UTC), not Denver's.
    assert pm.due_on == dt.date(2026, 3, 16)
    assert pm.tracking.follow_up_due_at.astimezone(UTC) == dt.datetime(2026, 3, 16, 21, tzinfo=UTC)
    page = signed_in(incoming.user).get(f"/postmortems/{pm.pk}/").content.decode()
    assert '<strong data-testid="pm-manager">Ivan Incoming</strong>' in page
    assert "Only Ivan Incoming, their director" not in page  # he works it
    customer_page = signed_in(tenant.user).get(f"/postmortems/{pm.pk}/").content.decode()
    assert '<strong data-testid="pm-manager">Ivan Incoming</strong>' in customer_page
    body = api_as(tenant.user).get(f"/api/v1/postmortems/{pm.pk}/").json()
    assert body["manager"]["name"] == "Ivan Incoming"
    assert body["due_on"] == "2026-03-16"
    assert dt.datetime.fromisoformat(body["next_deadline_at"]) == dt.datetime(2026, 3, 16, 21, tzinfo=UTC)


def test_a_requested_postmortem_is_accepted_by_the_incoming_manager_on_their_calendar(
    tenant, handoff, director, incoming, new_york, clock
):
    pm = request_postmortem(tenant, "TT-2")
    ready_to_complete(handoff, actor=director.user)  # the transfer moves the tracking item, and the post-mortem

    with pytest.raises(PermissionDenied):
        postmortem_services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity="medium")
    accepted = postmortem_services.postmortem_accept(actor=incoming.user, postmortem=pm, complexity="medium")

    # Five business days from Monday 2 March on the New York calendar, closed on Wednesday 4:
    # Tuesday 10 March (on Denver's it would have been Monday 9).
    assert accepted.due_on == dt.date(2026, 3, 10)
    clock.move_to(denver(2026, 3, 16, 9))
    handoff_services.handoff_complete(actor=director.user, handoff=handoff)
    pm = PostMortem.objects.select_related("tracking").get(pk=pm.pk)
    assert (pm.manager, pm.tracking.assignee, pm.tracking.follow_up_on) == (incoming, incoming, dt.date(2026, 3, 10))
    assert pm.tracking.follow_up_due_at.astimezone(UTC) == dt.datetime(2026, 3, 10, 21, tzinfo=UTC)
    body = api_as(incoming.user).get(f"/api/v1/postmortems/{pm.pk}/").json()
    assert (body["manager"]["name"], body["due_on"]) == ("Ivan Incoming", "2026-03-10")


def test_a_published_postmortem_keeps_who_prepared_it(tenant, handoff, director, incoming, new_york, clock):
    pm = request_postmortem(tenant, "TT-3")
    actor = tenant.manager_user
    postmortem_services.postmortem_accept(actor=actor, postmortem=pm, complexity="low")
    postmortem_services.postmortem_analysis_update(
        actor=actor, postmortem=pm, summary="Down", root_cause="Fibre cut", restoration="Spliced"
    )
    postmortem_services.preventive_action_add(
        actor=actor, postmortem=pm, description="Mark the route", owner=tenant.manager, due_on=EFFECTIVE
    )
    postmortem_services.postmortem_publish(actor=actor, postmortem=pm)

    complete(handoff, director, clock)

    assert PostMortem.objects.get(pk=pm.pk).manager == tenant.manager


def test_a_manual_reassignment_of_the_tracking_item_moves_the_postmortem_too(tenant, incoming, new_york):
    from escalations import services as escalation_services

    pm = request_postmortem(tenant, "TT-3")
    escalation_services.escalation_reassign(
        actor=tenant.manager_user, escalation=pm.tracking, assignee=incoming, reason="Ivan knows the circuit"
    )
    pm.refresh_from_db()
    assert pm.manager == incoming
    # He works it from now on: he accepts it, on his calendar.
    postmortem_services.postmortem_accept(actor=incoming.user, postmortem=pm, complexity="low")
    pm.refresh_from_db()
    assert pm.tracking.assignee == incoming

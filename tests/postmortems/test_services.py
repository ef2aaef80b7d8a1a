"""Post-mortem services against the database: the request and its tracking item, acceptance with
the due date from the policy table on the manager's calendar, the workspace (notes, analysis,
preventive actions), review, publication of immutable versions and corrections, waiting on the
customer, and the escalation sweep's reminders and overdue notices on the tracking item.

The clock stands still at ``NOW`` (Tue 13 Jan 2026 10:00 MST). Monday 19 January is a US holiday
(Martin Luther King Jr. Day), so an analysis accepted at ``NOW`` is due Thu 15 (low), Wed 21
(medium) or Wed 28 January (high).
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accountteam.models import Notification
from escalations import selectors as escalation_selectors
from escalations import services as escalation_services
from escalations.models import Escalation, Event
from escalations.rules import TransitionError
from escalations.sweep import escalations_sweep
from postmortems import selectors, services
from postmortems.models import ComplexityPolicy, ImmutableError, Note, PostMortem, PreventiveAction, Version
from postmortems.rules import PostMortemConflict
from teams.models import Closure
from tests.escalations.factories import denver, utc
from tests.teams.factories import AccountFactory, MembershipFactory, PersonFactory, UserFactory

from .factories import (
    ANALYSIS,
    EVENT_END,
    EVENT_START,
    NOW,
    ROOT_CAUSE,
    accepted_postmortem,
    published_postmortem,
    ready_postmortem,
    request_postmortem,
    stored_state,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

D = dt.date
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)


def notices(prefix: str):
    return Notification.objects.filter(key__startswith=prefix)


def pm_notices(pm, what: str):
    return notices(f"postmortem:{pm.pk}:{what}:")


def tracking_notices(pm, kind: str):
    return notices(f"escalation:{pm.tracking_id}:{kind}:")


@pytest.fixture
def noc(db):
    """A network engineer who owns a preventive action but serves no account."""
    return PersonFactory(name="Nora NOC", title="NOC engineer", user=UserFactory(username="nora.noc"))


# --- Request --------------------------------------------------------------------------------------


def test_customer_with_the_postmortem_right_requests_a_postmortem(tenant):
    pm = request_postmortem(tenant)

    pm = reload(pm)
    assert (pm.company, pm.account, pm.manager) == (tenant.company, tenant.account, tenant.manager)
    assert (pm.status, pm.requested_by, utc(pm.requested_at)) == ("requested", tenant.user, utc(NOW))
    assert (pm.ticket_number, pm.circuit_id) == ("TT-4471", "DS3 101/T3/DNVR-BLDR")
    assert (utc(pm.event_start), utc(pm.event_end)) == (utc(EVENT_START), utc(EVENT_END))
    assert pm.duration == 10 * HOUR
    assert pm.questions == "Why did the ring not switch over at once?"
    assert not pm.below_threshold
    assert (pm.complexity, pm.due_on, pm.business_days) == ("", None, None)


def test_staff_serving_the_account_request_on_the_customers_behalf(tenant):
    pm = request_postmortem(tenant, actor=tenant.manager_user, questions="")

    assert reload(pm).requested_by == tenant.manager_user
    assert pm.tracking.raised_by == tenant.manager_user
    assert pm.questions == ""


def test_customer_without_the_postmortem_right_is_refused(tenant):
    escalator = MembershipFactory(company=tenant.company, can_escalate=True, can_request_postmortem=False).user

    with pytest.raises(PermissionDenied):
        request_postmortem(tenant, actor=escalator)

    assert not PostMortem.objects.exists()
    assert not Escalation.objects.exists()


def test_customer_cannot_request_a_postmortem_for_another_companys_account(tenant, foreign):
    with pytest.raises(PermissionDenied):
        request_postmortem(tenant, account=foreign.account)

    assert not PostMortem.objects.exists()
    assert not Escalation.objects.exists()


def test_staff_who_do_not_serve_the_account_cannot_request_for_it(tenant, outsider):
    with pytest.raises(PermissionDenied):
        request_postmortem(tenant, actor=outsider.user)

    assert not PostMortem.objects.exists()
    assert not Escalation.objects.exists()


def test_request_for_an_account_without_a_service_manager_is_refused(tenant):
    bare = AccountFactory(company=tenant.company)

    with pytest.raises(ValidationError) as refused:
        request_postmortem(tenant, account=bare)

    assert "Nobody is assigned" in refused.value.message_dict["account"][0]
    assert not PostMortem.objects.exists()
    assert not Escalation.objects.exists()


def test_request_with_an_invalid_event_names_every_field_at_fault(tenant):
    with pytest.raises(ValidationError) as refused:
        request_postmortem(
            tenant, start=NOW - HOUR, end=NOW - 2 * HOUR, ticket_number=" ", circuit_id="", impact="\n"
        )

    assert set(refused.value.message_dict) == {"event_end", "ticket_number", "circuit_id", "impact"}
    assert refused.value.message_dict["impact"] == ["This field is required."]
    assert not PostMortem.objects.exists()
    assert not Escalation.objects.exists()


def test_request_for_an_event_still_going_on_is_refused(tenant):
    with pytest.raises(ValidationError) as refused:
        request_postmortem(tenant, start=NOW - HOUR, end=NOW + HOUR)

    assert list(refused.value.message_dict) == ["event_end"]
    assert not PostMortem.objects.exists()
    assert not Escalation.objects.exists()


def test_event_shorter_than_the_threshold_is_requested_but_flagged_for_the_manager(tenant):
    pm = request_postmortem(tenant, start=EVENT_START, end=EVENT_START + 3 * HOUR)

    assert reload(pm).below_threshold
    assert reload(pm).status == "requested"
    assert "Shorter than the eligibility threshold: accept or decline with a reason." in pm.tracking.description


def test_event_of_exactly_the_threshold_is_not_flagged(tenant):
    pm = request_postmortem(tenant, start=EVENT_START, end=EVENT_START + 8 * HOUR)

    assert not reload(pm).below_threshold
    assert "eligibility threshold" not in pm.tracking.description


def test_eligibility_threshold_comes_from_the_setting(tenant, settings):
    settings.POSTMORTEM_ELIGIBILITY_HOURS = 12

    assert request_postmortem(tenant).below_threshold  # 10 hours


def test_request_is_tracked_by_a_postmortem_item_in_the_managers_queue(tenant):
    pm = request_postmortem(tenant)

    item = reload(pm.tracking)
    assert (item.category, item.channel, item.status) == ("postmortem", "email", "new")
    assert (item.company, item.account, item.assignee) == (tenant.company, tenant.account, tenant.manager)
    assert item.subject == "Post-mortem request: ticket TT-4471"
    assert "Circuit / service: DS3 101/T3/DNVR-BLDR" in item.description
    assert "(10 h 00 min)" in item.description
    assert "Questions:\nWhy did the ring not switch over at once?" in item.description
    # Written correspondence: acknowledged within one business day.
    assert utc(item.due_at) == utc(denver(2026, 1, 14, 10, 0))
    assert list(escalation_selectors.queue_list(user=tenant.manager_user, now=NOW)) == [item]
    assert list(tracking_notices(pm, "assigned").values_list("email", flat=True)) == [tenant.manager.email]


# --- Accept ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("complexity", "days", "due_on"),
    [("low", 2, D(2026, 1, 15)), ("medium", 5, D(2026, 1, 21)), ("high", 10, D(2026, 1, 28))],
)
def test_accepting_sets_the_due_date_from_the_complexity_on_the_managers_calendar(tenant, complexity, days, due_on):
    pm = request_postmortem(tenant)

    services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity=complexity, now=NOW)

    pm = reload(pm)
    assert (pm.status, pm.complexity, pm.business_days, pm.due_on) == ("accepted", complexity, days, due_on)
    assert utc(pm.accepted_at) == utc(NOW)


def test_accepting_uses_the_complexity_policy_as_edited_and_freezes_it(tenant):
    ComplexityPolicy.objects.filter(complexity="medium").update(business_days=3)
    pm = accepted_postmortem(tenant, complexity="medium")

    assert (pm.business_days, pm.due_on) == (3, D(2026, 1, 16))

    ComplexityPolicy.objects.filter(complexity="medium").update(business_days=8)
    assert (reload(pm).business_days, reload(pm).due_on) == (3, D(2026, 1, 16))


def test_due_date_skips_thanksgiving_on_the_managers_calendar(tenant):
    pm = request_postmortem(tenant)
    wednesday = denver(2026, 11, 25, 10, 0)

    pm = services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity="low", now=wednesday)

    assert pm.due_on == D(2026, 11, 30)  # Fri 27, then Mon 30: Thursday 26 is Thanksgiving
    assert reload(pm.tracking).follow_up_on == D(2026, 11, 30)


def test_due_date_skips_a_closure_of_the_managers_calendar(tenant):
    Closure.objects.create(calendar=tenant.manager.calendar, date=D(2026, 1, 14), reason="Office move")

    pm = accepted_postmortem(tenant, complexity="low")

    assert pm.due_on == D(2026, 1, 16)


def test_accepting_acknowledges_the_tracking_item_with_the_due_date_as_its_follow_up(tenant):
    pm = accepted_postmortem(tenant, complexity="medium")

    item = reload(pm.tracking)
    assert item.status == "acknowledged"
    assert utc(item.first_response_at) == utc(NOW)
    assert item.follow_up_on == pm.due_on == D(2026, 1, 21)
    assert utc(item.follow_up_target_at) == utc(denver(2026, 1, 21, 8, 0))
    assert utc(item.follow_up_due_at) == utc(denver(2026, 1, 21, 17, 0))
    assert item.next_deadline_at == item.follow_up_due_at
    assert item.next_action_at == item.follow_up_target_at
    event = Event.objects.get(escalation=item, kind="acknowledged")
    assert event.comment.startswith(
        "Accepted as medium complexity: the written analysis is due by Wednesday 21 January 2026"
    )
    assert event.actor == tenant.manager_user


def test_accepting_tells_the_customer_the_due_date(tenant):
    pm = accepted_postmortem(tenant, complexity="medium")

    notice = pm_notices(pm, "accepted").get()
    assert (notice.email, notice.recipient) == (tenant.user.email, tenant.user)
    assert notice.subject == "Post-mortem accepted: ticket TT-4471"
    assert "due by Wednesday 21 January 2026 (5 business days)" in notice.body


def test_accepting_an_item_already_acknowledged_from_the_queue_moves_its_promised_date(tenant):
    pm = request_postmortem(tenant)
    escalation_services.escalation_acknowledge(
        actor=tenant.manager_user, escalation=pm.tracking, follow_up_on=D(2026, 1, 14), now=NOW
    )

    pm = services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity="medium", now=NOW + HOUR)

    item = reload(pm.tracking)
    assert item.status == "acknowledged"
    assert item.follow_up_on == pm.due_on == D(2026, 1, 21)
    assert utc(item.follow_up_due_at) == utc(denver(2026, 1, 21, 17, 0))
    assert utc(item.first_response_at) == utc(NOW)  # the first answer stays the queue's
    assert Event.objects.filter(escalation=item, kind="acknowledged").count() == 2


@pytest.mark.parametrize("who", ["director", "admin"])
def test_the_managers_director_or_a_carrier_admin_may_accept(tenant, director, admin, who):
    actor = {"director": director, "admin": admin}[who].user
    pm = request_postmortem(tenant)

    services.postmortem_accept(actor=actor, postmortem=pm, complexity="low", now=NOW)

    assert reload(pm).status == "accepted"


@pytest.mark.parametrize("who", ["customer", "outsider"])
def test_customers_and_other_staff_cannot_accept(tenant, outsider, who):
    actor = {"customer": tenant.user, "outsider": outsider.user}[who]
    pm = request_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PermissionDenied):
        services.postmortem_accept(actor=actor, postmortem=pm, complexity="low", now=NOW)
    assert stored_state(pm) == before

    assert reload(pm).status == "requested"


def test_accepting_with_an_unknown_complexity_is_refused(tenant):
    pm = request_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(ValidationError) as refused:
        services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity="trivial", now=NOW)
    assert stored_state(pm) == before

    assert list(refused.value.message_dict) == ["complexity"]
    assert reload(pm).status == "requested"


def test_accepting_twice_is_a_conflict(tenant):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PostMortemConflict, match="while the post-mortem is accepted"):
        services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity="high", now=NOW)
    assert stored_state(pm) == before

    assert reload(pm).complexity == "medium"


# --- Decline --------------------------------------------------------------------------------------


def test_declining_needs_a_reason(tenant):
    pm = request_postmortem(tenant, start=EVENT_START, end=EVENT_START + HOUR)
    before = stored_state(pm)

    with pytest.raises(ValidationError) as refused:
        services.postmortem_decline(actor=tenant.manager_user, postmortem=pm, reason="  ", now=NOW)
    assert stored_state(pm) == before

    assert list(refused.value.message_dict) == ["reason"]
    assert reload(pm).status == "requested"
    assert reload(pm.tracking).status == "new"


def test_declining_records_the_reason_resolves_the_tracking_item_and_tells_the_customer(tenant):
    pm = request_postmortem(tenant, start=EVENT_START, end=EVENT_START + HOUR)

    services.postmortem_decline(
        actor=tenant.manager_user, postmortem=pm, reason=" A one-hour hit: the trouble ticket explains it. ", now=NOW
    )

    pm = reload(pm)
    assert (pm.status, pm.decline_reason) == ("declined", "A one-hour hit: the trouble ticket explains it.")
    item = reload(pm.tracking)
    assert item.status == "resolved"
    assert "Post-mortem declined: A one-hour hit" in Event.objects.get(escalation=item, kind="resolved").comment
    notice = pm_notices(pm, "declined").get()
    assert notice.email == tenant.user.email
    assert "Declined: A one-hour hit: the trouble ticket explains it." in notice.body


def test_an_accepted_postmortem_cannot_be_declined(tenant):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PostMortemConflict):
        services.postmortem_decline(actor=tenant.manager_user, postmortem=pm, reason="Changed my mind", now=NOW)
    assert stored_state(pm) == before


# --- Notes ----------------------------------------------------------------------------------------


def test_first_note_moves_an_accepted_postmortem_into_preparation(tenant):
    pm = accepted_postmortem(tenant)

    note = services.postmortem_note_add(
        actor=tenant.manager_user, postmortem=pm, at=EVENT_START, source="noc", text=" LOS alarm. ", now=NOW
    )

    assert reload(pm).status == "in_preparation"
    note = reload(note)
    assert (utc(note.at), note.source, note.text, note.internal) == (utc(EVENT_START), "noc", "LOS alarm.", False)
    assert note.author == tenant.manager_user


def test_notes_may_be_logged_before_acceptance_without_accepting(tenant):
    pm = request_postmortem(tenant)

    services.postmortem_note_add(actor=tenant.manager_user, postmortem=pm, at=EVENT_START, source="field", text="x")

    assert reload(pm).status == "requested"
    assert pm.notes.count() == 1


def test_a_note_of_the_event_in_the_future_is_refused(tenant):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(ValidationError) as refused:
        services.postmortem_note_add(
            actor=tenant.manager_user, postmortem=pm, at=NOW + 6 * MIN, source="noc", text="Later", now=NOW
        )
    assert stored_state(pm) == before

    assert list(refused.value.message_dict) == ["at"]
    assert not Note.objects.exists()
    assert reload(pm).status == "accepted"


def test_a_note_needs_text_and_a_known_source(tenant):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(ValidationError) as no_text:
        services.postmortem_note_add(actor=tenant.manager_user, postmortem=pm, at=EVENT_START, source="noc", text=" ")
    with pytest.raises(ValidationError) as bad_source:
        services.postmortem_note_add(actor=tenant.manager_user, postmortem=pm, at=EVENT_START, source="owl", text="x")
    assert stored_state(pm) == before

    assert list(no_text.value.message_dict) == ["text"]
    assert list(bad_source.value.message_dict) == ["source"]
    assert not Note.objects.exists()


def test_customer_cannot_log_a_note(tenant):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PermissionDenied):
        services.postmortem_note_add(actor=tenant.user, postmortem=pm, at=EVENT_START, source="customer", text="x")
    assert stored_state(pm) == before


def test_notes_are_refused_in_review_after_publication_and_when_declined(tenant):
    in_review = ready_postmortem(tenant)
    services.postmortem_submit_for_review(actor=tenant.manager_user, postmortem=in_review)
    published = published_postmortem(tenant, ticket_number="TT-2")
    declined = request_postmortem(tenant, ticket_number="TT-3")
    services.postmortem_decline(actor=tenant.manager_user, postmortem=declined, reason="Too short", now=NOW)

    for pm, words in [(in_review, "return it to preparation"), (published, "published"), (declined, "declined")]:
        before = stored_state(pm)
        with pytest.raises(PostMortemConflict, match=words):
            services.postmortem_note_add(
                actor=tenant.manager_user, postmortem=pm, at=EVENT_START, source="noc", text="x"
            )
        assert stored_state(pm) == before


# --- Analysis -------------------------------------------------------------------------------------


def test_analysis_update_saves_the_sections_and_moves_into_preparation(tenant):
    pm = accepted_postmortem(tenant)

    services.postmortem_analysis_update(actor=tenant.manager_user, postmortem=pm, root_cause=f"  {ROOT_CAUSE}\n")

    pm = reload(pm)
    assert pm.status == "in_preparation"
    assert (pm.root_cause, pm.summary) == (ROOT_CAUSE, "")


def test_analysis_update_refuses_an_unknown_section(tenant):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(ValidationError) as refused:
        services.postmortem_analysis_update(actor=tenant.manager_user, postmortem=pm, status="published")
    assert stored_state(pm) == before

    assert list(refused.value.message_dict) == ["status"]
    assert reload(pm).status == "accepted"


def test_analysis_cannot_be_written_before_acceptance(tenant):
    pm = request_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PostMortemConflict):
        services.postmortem_analysis_update(actor=tenant.manager_user, postmortem=pm, root_cause="Guess")
    assert stored_state(pm) == before


def test_customer_cannot_write_the_analysis(tenant):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PermissionDenied):
        services.postmortem_analysis_update(actor=tenant.user, postmortem=pm, root_cause="Your fault")
    assert stored_state(pm) == before


# --- Preventive actions ---------------------------------------------------------------------------


def test_adding_a_preventive_action_records_its_owner_and_due_date(tenant, noc):
    pm = accepted_postmortem(tenant)

    action = services.preventive_action_add(
        actor=tenant.manager_user, postmortem=pm, description=" Patrol the route ", owner=noc, due_on=D(2026, 2, 2)
    )

    action = reload(action)
    assert (action.description, action.owner, action.due_on, action.state) == (
        "Patrol the route", noc, D(2026, 2, 2), "open"
    )
    assert reload(pm).status == "in_preparation"


def test_a_preventive_action_needs_a_description_and_an_active_owner(tenant, noc):
    pm = accepted_postmortem(tenant)
    noc.is_active = False
    noc.save()
    before = stored_state(pm)

    with pytest.raises(ValidationError) as refused:
        services.preventive_action_add(
            actor=tenant.manager_user, postmortem=pm, description=" ", owner=noc, due_on=D(2026, 2, 2)
        )
    assert stored_state(pm) == before

    assert set(refused.value.message_dict) == {"description", "owner"}
    assert not PreventiveAction.objects.exists()
    assert reload(pm).status == "accepted"


def test_the_owner_marks_their_action_done_also_after_publication(tenant, noc):
    pm = published_postmortem(tenant, owner=noc)
    action = pm.actions.get()
    done_at = NOW + 2 * HOUR

    services.preventive_action_update(actor=noc.user, action=action, done=True, done_note=" Route marked ", now=done_at)

    action = reload(action)
    assert (action.state, utc(action.done_at), action.done_note) == ("done", utc(done_at), "Route marked")

    services.preventive_action_update(actor=noc.user, action=action, done=False)

    action = reload(action)
    assert (action.state, action.done_at, action.done_note) == ("open", None, "")
    assert reload(pm).status == "published"


def test_the_owner_who_is_not_the_manager_cannot_rewrite_the_action(tenant, noc):
    pm = ready_postmortem(tenant, owner=noc)
    action = pm.actions.get()
    before = stored_state(pm)

    for change in ({"description": "Nothing to do"}, {"due_on": D(2027, 1, 1)}, {"owner": tenant.manager}):
        with pytest.raises(PermissionDenied):
            services.preventive_action_update(actor=noc.user, action=action, **change)
    assert stored_state(pm) == before

    assert (reload(action).description, reload(action).owner) == (action.description, noc)


def test_other_staff_cannot_mark_an_action_done(tenant, outsider):
    pm = published_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PermissionDenied):
        services.preventive_action_update(actor=outsider.user, action=pm.actions.get(), done=True)
    assert stored_state(pm) == before


def test_the_manager_rewrites_an_action_while_the_analysis_is_prepared(tenant, noc):
    pm = ready_postmortem(tenant)
    action = pm.actions.get()

    services.preventive_action_update(
        actor=tenant.manager_user, action=action, description="Bury the fibre deeper", owner=noc, due_on=D(2026, 3, 2)
    )

    action = reload(action)
    assert (action.description, action.owner, action.due_on) == ("Bury the fibre deeper", noc, D(2026, 3, 2))


def test_actions_cannot_be_added_rewritten_or_deleted_after_publication(tenant):
    pm = published_postmortem(tenant)
    action = pm.actions.get()
    manager = tenant.manager_user
    before = stored_state(pm)

    with pytest.raises(PostMortemConflict):
        services.preventive_action_add(
            actor=manager, postmortem=pm, description="Late idea", owner=tenant.manager, due_on=D(2026, 3, 1)
        )
    with pytest.raises(PostMortemConflict):
        services.preventive_action_update(actor=manager, action=action, description="Rewritten")
    with pytest.raises(PostMortemConflict):
        services.preventive_action_delete(actor=manager, action=action)
    assert stored_state(pm) == before

    assert list(pm.actions.values_list("description", flat=True)) == [action.description]


def test_deleting_an_action_while_preparing(tenant):
    pm = ready_postmortem(tenant)

    services.preventive_action_delete(actor=tenant.manager_user, action=pm.actions.get())

    assert not pm.actions.exists()


# --- Review ---------------------------------------------------------------------------------------


def test_submitting_for_review_needs_every_section_and_an_action(tenant):
    pm = accepted_postmortem(tenant)
    services.postmortem_analysis_update(actor=tenant.manager_user, postmortem=pm, summary="Down")
    before = stored_state(pm)

    with pytest.raises(ValidationError) as refused:
        services.postmortem_submit_for_review(actor=tenant.manager_user, postmortem=pm)
    assert stored_state(pm) == before

    assert refused.value.message_dict["sections"] == [
        "root cause", "how service was restored", "at least one preventive action"
    ]
    assert reload(pm).status == "in_preparation"


def test_submitting_for_review_tells_the_director(tenant, director):
    pm = ready_postmortem(tenant)

    services.postmortem_submit_for_review(actor=tenant.manager_user, postmortem=pm)

    assert reload(pm).status == "in_review"
    notice = pm_notices(pm, "review").get()
    assert (notice.email, notice.recipient) == (director.email, director.user)
    assert notice.subject == "Post-mortem to review: ticket TT-4471"


def test_the_director_returns_the_analysis_with_a_comment(tenant, director, settings):
    settings.POSTMORTEM_DIRECTOR_REVIEW = True
    pm = ready_postmortem(tenant)
    services.postmortem_submit_for_review(actor=tenant.manager_user, postmortem=pm)
    before = stored_state(pm)

    with pytest.raises(ValidationError):
        services.postmortem_return_to_preparation(actor=director.user, postmortem=pm, comment=" ")
    assert stored_state(pm) == before
    services.postmortem_return_to_preparation(actor=director.user, postmortem=pm, comment="Name the splice crew.")

    pm = reload(pm)
    assert (pm.status, pm.review_comment) == ("in_preparation", "Name the splice crew.")
    notice = pm_notices(pm, "returned").get()
    assert (notice.email, notice.body) == (tenant.manager.email, "Name the splice crew.")


def test_the_manager_cannot_return_their_own_analysis_from_review(tenant, director):
    pm = ready_postmortem(tenant)
    services.postmortem_submit_for_review(actor=tenant.manager_user, postmortem=pm)
    before = stored_state(pm)

    with pytest.raises(PermissionDenied):
        services.postmortem_return_to_preparation(actor=tenant.manager_user, postmortem=pm, comment="Never mind")
    assert stored_state(pm) == before


def test_with_director_review_the_manager_cannot_publish_from_preparation(tenant, director, settings):
    settings.POSTMORTEM_DIRECTOR_REVIEW = True
    pm = ready_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PostMortemConflict, match="reviewed by the service director first"):
        services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=NOW)
    assert stored_state(pm) == before

    assert reload(pm).status == "in_preparation"
    assert not Version.objects.exists()


def test_with_director_review_the_manager_cannot_publish_from_review(tenant, director, settings):
    settings.POSTMORTEM_DIRECTOR_REVIEW = True
    pm = ready_postmortem(tenant)
    services.postmortem_submit_for_review(actor=tenant.manager_user, postmortem=pm)
    before = stored_state(pm)

    with pytest.raises(PermissionDenied):
        services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=NOW)
    assert stored_state(pm) == before

    assert reload(pm).status == "in_review"


def test_with_director_review_the_director_publishes_from_review(tenant, director, settings):
    settings.POSTMORTEM_DIRECTOR_REVIEW = True
    pm = ready_postmortem(tenant)
    services.postmortem_submit_for_review(actor=tenant.manager_user, postmortem=pm)

    version = services.postmortem_publish(actor=director.user, postmortem=pm, now=NOW + HOUR)

    assert (version.number, version.published_by) == (1, director.user)
    assert reload(pm).status == "published"


def test_without_director_review_the_manager_publishes_from_preparation(tenant, settings):
    settings.POSTMORTEM_DIRECTOR_REVIEW = False
    pm = ready_postmortem(tenant)

    services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=NOW)

    assert reload(pm).status == "published"


# --- Publish --------------------------------------------------------------------------------------


def test_publishing_creates_version_one_with_the_public_timeline_and_the_actions(tenant):
    pm = ready_postmortem(tenant)
    published_at = NOW + 3 * HOUR

    version = services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=published_at)

    version = reload(version)
    assert (version.number, version.published_by, utc(version.published_at)) == (1, tenant.manager_user,
                                                                                  utc(published_at))
    assert version.correction_note == ""
    assert {name: getattr(version, name) for name in ANALYSIS} == ANALYSIS
    # The internal note stays in the workspace; instants are kept as ISO 8601 text.
    [entry] = version.timeline
    assert utc(dt.datetime.fromisoformat(entry.pop("at"))) == utc(EVENT_START)
    assert entry == {
        "source": "noc", "source_label": "Network operations centre", "text": "Loss of signal alarm on DS3 101."
    }
    action = pm.actions.get()
    assert version.actions == [
        {"id": action.pk, "description": action.description, "owner": "Home Manager", "due_on": "2026-02-13"}
    ]
    assert reload(pm).status == "published"


def test_publishing_resolves_the_tracking_item(tenant):
    pm = ready_postmortem(tenant)

    services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=NOW)

    item = reload(pm.tracking)
    assert (item.status, item.next_action_at, item.next_deadline_at) == ("resolved", None, None)
    assert Event.objects.get(escalation=item, kind="resolved").comment == "Written analysis published (version 1)."


def test_publishing_with_missing_sections_is_refused_naming_them(tenant):
    pm = accepted_postmortem(tenant)
    services.postmortem_analysis_update(
        actor=tenant.manager_user, postmortem=pm, summary="Down", restoration="Spliced", root_cause=""
    )
    before = stored_state(pm)

    with pytest.raises(ValidationError) as refused:
        services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=NOW)
    assert stored_state(pm) == before

    assert refused.value.message_dict["sections"] == ["root cause", "at least one preventive action"]
    assert refused.value.message_dict["missing"] == [
        "Cannot publish without: root cause, at least one preventive action."
    ]
    assert reload(pm).status == "in_preparation"
    assert not Version.objects.exists()
    assert reload(pm.tracking).status == "acknowledged"


def test_publishing_twice_is_a_conflict(tenant):
    pm = published_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PostMortemConflict, match="published"):
        services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, correction_note="Again", now=NOW)
    assert stored_state(pm) == before

    assert pm.versions.count() == 1


def test_customer_cannot_publish(tenant):
    pm = ready_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PermissionDenied):
        services.postmortem_publish(actor=tenant.user, postmortem=pm, now=NOW)
    assert stored_state(pm) == before


def test_publishing_emails_the_customer_users_with_the_right_once_per_version(
    tenant, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(company=tenant.company, can_request_postmortem=True).user
    MembershipFactory(company=tenant.company, can_request_postmortem=False, can_view_team=True)  # reads, not told
    pm = ready_postmortem(tenant)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=NOW)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([tenant.user.email, colleague.email])
    assert {m.subject for m in mailoutbox} == {"[Summit Wholesale] Post-mortem published: ticket TT-4471"}
    assert "ready to read and download as a PDF" in mailoutbox[0].body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.postmortem_correct(actor=tenant.manager_user, postmortem=pm)
        services.postmortem_analysis_update(actor=tenant.manager_user, postmortem=pm, summary="Down 9 h 50.")
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.postmortem_publish(
            actor=tenant.manager_user, postmortem=pm, correction_note="The outage lasted 9 h 50.", now=NOW + HOUR
        )

    assert sorted(m.to[0] for m in mailoutbox) == sorted([tenant.user.email, colleague.email])
    assert {m.subject for m in mailoutbox} == {
        "[Summit Wholesale] Post-mortem corrected (version 2): ticket TT-4471"
    }
    assert "What changed: The outage lasted 9 h 50." in mailoutbox[0].body
    assert pm_notices(pm, "published").count() == 4


def test_a_staff_requester_is_not_emailed_as_a_customer(tenant):
    pm = published_postmortem(tenant, actor=tenant.manager_user)

    assert list(pm_notices(pm, "published:v1").values_list("email", flat=True)) == [tenant.user.email]


# --- Immutability and corrections -----------------------------------------------------------------


def test_a_published_version_cannot_be_changed(tenant):
    version = published_postmortem(tenant).versions.get()

    version.root_cause = "Something else"
    with pytest.raises(ImmutableError):
        version.save()
    with pytest.raises(ImmutableError):
        version.save(update_fields=["root_cause"])

    assert reload(version).root_cause == ROOT_CAUSE


def test_a_published_version_cannot_be_deleted(tenant):
    version = published_postmortem(tenant).versions.get()

    with pytest.raises(ImmutableError):
        version.delete()

    assert Version.objects.filter(pk=version.pk).exists()


def test_a_correction_publishes_version_two_and_keeps_version_one_readable(tenant):
    pm = published_postmortem(tenant)
    v1 = pm.versions.get()

    services.postmortem_correct(actor=tenant.manager_user, postmortem=pm)
    assert reload(pm).status == "in_preparation"
    services.postmortem_analysis_update(actor=tenant.manager_user, postmortem=pm, root_cause="A squirrel.")
    v2 = services.postmortem_publish(
        actor=tenant.manager_user, postmortem=pm, correction_note="The cause was a squirrel.", now=NOW + HOUR
    )

    assert (v2.number, v2.root_cause, v2.correction_note) == (2, "A squirrel.", "The cause was a squirrel.")
    assert reload(v1).root_cause == ROOT_CAUSE
    assert reload(v1).published_at == v1.published_at
    pm = selectors.postmortem_get(user=tenant.user, pk=pm.pk)
    assert selectors.version_get(postmortem=pm) == v2
    assert selectors.version_get(postmortem=pm, number=1).root_cause == ROOT_CAUSE
    assert reload(pm).status == "published"


def test_a_correction_cannot_be_published_without_saying_what_it_corrects(tenant):
    pm = published_postmortem(tenant)
    services.postmortem_correct(actor=tenant.manager_user, postmortem=pm)
    before = stored_state(pm)

    with pytest.raises(ValidationError) as refused:
        services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, correction_note=" ", now=NOW)
    assert stored_state(pm) == before

    assert list(refused.value.message_dict) == ["correction_note"]
    assert pm.versions.count() == 1
    assert reload(pm).status == "in_preparation"


def test_only_a_published_postmortem_can_be_corrected(tenant):
    pm = ready_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PostMortemConflict):
        services.postmortem_correct(actor=tenant.manager_user, postmortem=pm)
    assert stored_state(pm) == before


# --- Waiting on the customer ----------------------------------------------------------------------


def test_waiting_on_the_customer_moves_the_due_date_out_by_the_paused_business_time(tenant, clock):
    pm = accepted_postmortem(tenant, complexity="medium")  # due Wed 21 January

    services.postmortem_wait(actor=tenant.manager_user, postmortem=pm, comment="Need the CPE logs")
    assert reload(pm.tracking).status == "waiting_on_customer"
    clock.move_to(denver(2026, 1, 15, 10, 0))  # two business days (18 h) later
    pm = services.postmortem_resume(actor=tenant.manager_user, postmortem=pm, comment="Logs received")

    assert reload(pm).due_on == D(2026, 1, 23)
    item = reload(pm.tracking)
    assert item.status == "acknowledged"
    assert item.paused_business_seconds == 18 * 3600
    assert utc(item.follow_up_due_at) == utc(denver(2026, 1, 23, 17, 0))  # Wed 17:00 + 18 business hours
    assert Event.objects.get(escalation=item, kind="resumed").data == {"paused_business_minutes": 18 * 60}


def test_no_deadline_notices_while_waiting_on_the_customer(tenant, director, clock):
    pm = accepted_postmortem(tenant)
    services.postmortem_wait(actor=tenant.manager_user, postmortem=pm)

    escalations_sweep(now=denver(2026, 1, 21, 8, 0))
    escalations_sweep(now=denver(2026, 1, 22, 9, 0))

    assert not tracking_notices(pm, "follow_up_reminder").exists()
    assert not tracking_notices(pm, "follow_up_overdue").exists()


def test_waiting_is_refused_once_published(tenant):
    pm = published_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(TransitionError):
        services.postmortem_wait(actor=tenant.manager_user, postmortem=pm)
    assert stored_state(pm) == before


def test_customer_cannot_pause_the_clock(tenant):
    pm = accepted_postmortem(tenant)
    before = stored_state(pm)

    with pytest.raises(PermissionDenied):
        services.postmortem_wait(actor=tenant.user, postmortem=pm)
    assert stored_state(pm) == before

    assert reload(pm.tracking).status == "acknowledged"


def test_accepting_while_waiting_then_resuming_moves_the_due_date_only_by_the_wait_after_acceptance(tenant, clock):
    pm = request_postmortem(tenant)
    services.postmortem_wait(actor=tenant.manager_user, postmortem=pm, comment="Which circuit exactly?")
    thursday = denver(2026, 1, 15, 10, 0)
    clock.move_to(thursday)
    pm = services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity="medium", now=thursday)
    assert pm.due_on == D(2026, 1, 23)  # Fri 16, Tue 20, Wed 21, Thu 22, Fri 23

    clock.move_to(thursday + HOUR)
    pm = services.postmortem_resume(actor=tenant.manager_user, postmortem=pm)

    # One business hour waited since the date was promised: Fri 23 17:00 + 1 h = Mon 26 09:00.
    assert reload(pm.tracking).status == "acknowledged"
    assert reload(pm).due_on == D(2026, 1, 26)


# --- The sweep on the tracking item -----------------------------------------------------------------


def test_sweep_reminds_the_manager_at_the_due_days_opening_once(tenant, director):
    pm = accepted_postmortem(tenant)  # due Wed 21 January
    opening = denver(2026, 1, 21, 8, 0)

    escalations_sweep(now=opening - MIN)
    assert not tracking_notices(pm, "follow_up_reminder").exists()

    escalations_sweep(now=opening)
    escalations_sweep(now=opening)
    escalations_sweep(now=opening + HOUR)

    reminder = tracking_notices(pm, "follow_up_reminder").get()
    assert (reminder.email, reminder.recipient) == (tenant.manager.email, tenant.manager_user)
    assert reminder.subject == "Follow-up due today: Post-mortem request: ticket TT-4471"
    assert "You promised to contact the customer by 2026-01-21." in reminder.body
    assert not tracking_notices(pm, "follow_up_overdue").exists()


def test_sweep_reports_overdue_to_the_manager_and_director_after_the_due_days_close_once(tenant, director):
    pm = accepted_postmortem(tenant)
    close = denver(2026, 1, 21, 17, 0)
    escalations_sweep(now=denver(2026, 1, 21, 8, 0))

    escalations_sweep(now=close - MIN)
    assert not tracking_notices(pm, "follow_up_overdue").exists()

    escalations_sweep(now=close)
    escalations_sweep(now=close)
    escalations_sweep(now=close + 16 * HOUR)

    overdue = tracking_notices(pm, "follow_up_overdue")
    assert sorted(overdue.values_list("email", flat=True)) == sorted([tenant.manager.email, director.email])
    for notice in overdue:
        assert notice.subject == "Overdue: Post-mortem request: ticket TT-4471"
        assert "Overdue since Wed 21 Jan 17:00 MST (follow-up promised); assigned to Home Manager." in notice.body
    assert tracking_notices(pm, "follow_up_reminder").count() == 1
    assert Event.objects.filter(escalation=pm.tracking, kind="overdue").count() == 1


def test_a_published_postmortem_gets_no_more_deadline_notices(tenant, director):
    pm = published_postmortem(tenant)

    escalations_sweep(now=denver(2026, 1, 21, 8, 0))
    escalations_sweep(now=denver(2026, 1, 22, 9, 0))

    assert not tracking_notices(pm, "follow_up_reminder").exists()
    assert not tracking_notices(pm, "follow_up_overdue").exists()


def test_a_request_left_unanswered_for_a_business_day_is_overdue_to_manager_and_director(tenant, director):
    pm = request_postmortem(tenant)

    escalations_sweep(now=denver(2026, 1, 14, 9, 59))
    assert not tracking_notices(pm, "overdue").exists()
    escalations_sweep(now=denver(2026, 1, 14, 10, 0))
    escalations_sweep(now=denver(2026, 1, 14, 10, 1))

    assert sorted(tracking_notices(pm, "overdue").values_list("email", flat=True)) == sorted(
        [tenant.manager.email, director.email]
    )

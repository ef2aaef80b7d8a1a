"""Setting the plan (who may, what it refuses), occurrences on the owner's calendar, holding a
review in one transaction, and action items tracked to done."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dossiers.models import Change, Meeting
from tests.dossiers.factories import ContactFactory
from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory, UserFactory
from touchpoints import services
from touchpoints.models import ActionItem, Occurrence, PlanItem
from touchpoints.services import OccurrenceConflict

from .conftest import FRIDAY, NOW, denver, hold

pytestmark = pytest.mark.django_db


def _create(actor, tenant, **overrides):
    values = dict(actor=actor, company=tenant.company, kind="touch_point", cadence_months=1,
                  owner_role=tenant.assignment.role, first_due_on=FRIDAY)
    return services.plan_item_create(**(values | overrides))


def test_the_owners_director_sets_the_plan_and_the_first_occurrence_is_due_on_the_owners_calendar(
    tenant, director
):
    item = _create(director.user, tenant, first_due_on=dt.date(2026, 3, 14))  # a Saturday
    occ = item.occurrences.get()
    assert occ.owner == tenant.manager
    assert occ.status == Occurrence.Status.OPEN
    assert occ.due_at == denver(2026, 3, 16, 17, 0)  # Monday's close of business


def test_a_carrier_admin_sets_any_plan(tenant, admin):
    assert _create(admin.user, tenant).occurrences.get().owner == tenant.manager


@pytest.mark.parametrize("who", ["owner", "bystander", "customer"])
def test_the_owner_a_bystander_and_a_customer_may_not_set_the_plan(tenant, director, bystander, who):
    user = {"owner": tenant.manager_user, "bystander": bystander.user, "customer": tenant.user}[who]
    with pytest.raises(PermissionDenied):
        _create(user, tenant)
    assert not PlanItem.objects.exists()


def test_a_director_of_someone_else_may_not_set_the_plan(tenant, director):
    other = PersonFactory(name="Other Director", user=UserFactory(username="other.director"))
    PersonFactory(reports_to=other)
    with pytest.raises(PermissionDenied):
        _create(other.user, tenant)


def test_a_role_no_one_holds_is_refused_under_owner_role(tenant, admin):
    with pytest.raises(ValidationError) as exc:
        _create(admin.user, tenant, owner_role=RoleFactory(code="client-support-manager"))
    assert "owner_role" in exc.value.message_dict


def test_the_owner_is_the_role_holder_on_the_first_active_account(tenant, admin):
    from tests.teams.factories import AccountFactory

    role = RoleFactory(code="client-support-manager")
    later = AccountFactory(company=tenant.company, number="9999-0002")
    first = AccountFactory(company=tenant.company, number="0000-0001", is_active=False)
    AssignmentFactory(account=later, role=role, person=PersonFactory(name="Second"))
    AssignmentFactory(account=first, role=role, person=PersonFactory(name="Inactive account's"))
    item = _create(admin.user, tenant, owner_role=role)
    assert item.occurrences.get().owner.name == "Second"


def test_one_item_per_kind_and_cadences_are_1_3_6_or_12_months(tenant, director):
    _create(director.user, tenant)
    with pytest.raises(ValidationError) as exc:
        _create(director.user, tenant)
    assert "kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _create(director.user, tenant, kind="service_review", cadence_months=2)
    assert "cadence_months" in exc.value.message_dict


def test_changing_the_first_date_moves_the_open_occurrence_until_one_is_held(item, director):
    services.plan_item_update(actor=director.user, item=item, first_due_on=dt.date(2026, 3, 20))
    assert item.occurrences.get().due_on == dt.date(2026, 3, 20)


def test_stopping_an_item_cancels_its_open_occurrence_and_restarting_reopens_it(item, director):
    services.plan_item_update(actor=director.user, item=item, is_active=False)
    assert item.occurrences.get().status == Occurrence.Status.CANCELLED
    services.plan_item_update(actor=director.user, item=item, is_active=True)
    assert item.occurrences.get().status == Occurrence.Status.OPEN


def test_the_owner_may_not_change_the_plan(item, tenant):
    with pytest.raises(PermissionDenied):
        services.plan_item_update(actor=tenant.manager_user, item=item, cadence_months=1)


def test_holding_makes_the_meeting_the_action_items_and_the_next_occurrence(occurrence, tenant, director):
    held = hold(occurrence, tenant.manager_user, action_items=[
        {"description": "Send the augment quote", "owner": tenant.manager, "due_on": dt.date(2026, 3, 9)},
        {"description": "Audit the route", "owner": director, "due_on": dt.date(2026, 3, 20)},
    ])
    assert held.status == Occurrence.Status.HELD and held.held_by == tenant.manager_user
    meeting = held.meeting
    assert (meeting.kind, meeting.account, meeting.notes) == ("service_review", tenant.account, "All orders on track.")
    assert list(meeting.people.all()) == [tenant.manager]
    assert Change.objects.filter(account=tenant.account, part="meetings", object_id=meeting.pk).exists()
    assert [a.description for a in held.action_items.all()] == ["Send the augment quote", "Audit the route"]
    following = Occurrence.objects.get(status=Occurrence.Status.OPEN)
    assert following.due_on == dt.date(2026, 6, 13)  # the due date plus three months, a Saturday
    assert following.due_at == denver(2026, 6, 15, 17, 0)


def test_the_customers_attendees_are_contacts_of_the_meetings_account(occurrence, tenant, foreign):
    ours = ContactFactory(account=tenant.account, name="Rita Ops")
    theirs = ContactFactory(account=foreign.account, name="Other Co")
    with pytest.raises(ValidationError) as exc:
        hold(occurrence, tenant.manager_user, contacts=[ours, theirs])
    assert list(exc.value.message_dict) == ["contacts"]
    assert not Meeting.objects.exists()

    held = hold(occurrence, tenant.manager_user, contacts=[ours])
    assert list(held.meeting.contacts.all()) == [ours]


def test_a_touch_point_call_is_an_other_meeting(tenant, director):
    occ = _create(director.user, tenant).occurrences.get()
    assert hold(occ, director.user).meeting.kind == Meeting.Kind.OTHER


@pytest.mark.parametrize(
    "bad",
    [
        {"description": "", "owner": "manager", "due_on": dt.date(2026, 3, 9)},
        {"description": "No owner", "owner": None, "due_on": dt.date(2026, 3, 9)},
        {"description": "No date", "owner": "manager", "due_on": None},
    ],
)
def test_a_bad_action_item_saves_nothing(occurrence, tenant, bad):
    good = {"description": "Fine", "owner": tenant.manager, "due_on": dt.date(2026, 3, 9)}
    bad = bad | {"owner": tenant.manager if bad["owner"] == "manager" else None}
    with pytest.raises(ValidationError) as exc:
        hold(occurrence, tenant.manager_user, action_items=[good, bad])
    assert "action_items" in exc.value.message_dict
    assert exc.value.message_dict["action_items"][0].startswith("Action item 2")
    occurrence.refresh_from_db()
    assert occurrence.is_open
    assert not Meeting.objects.exists() and not ActionItem.objects.exists()
    assert Occurrence.objects.count() == 1


def test_holding_refuses_another_companys_account_a_future_start_and_no_minutes(occurrence, tenant, foreign):
    with pytest.raises(ValidationError) as exc:
        hold(occurrence, tenant.manager_user, account=foreign.account, starts_at=NOW + dt.timedelta(hours=1),
             minutes=" ")
    assert {"account", "starts_at", "minutes"} <= set(exc.value.message_dict)
    assert not Meeting.objects.exists()


def test_a_review_is_held_once(occurrence, tenant):
    hold(occurrence, tenant.manager_user)
    with pytest.raises(OccurrenceConflict):
        hold(occurrence, tenant.manager_user)
    assert Meeting.objects.count() == 1


def test_a_bystander_may_not_hold_a_review(occurrence, bystander):
    with pytest.raises(PermissionDenied):
        hold(occurrence, bystander.user)


def test_an_action_item_is_marked_done_by_its_owner_with_a_note(occurrence, tenant, director, bystander):
    held = hold(occurrence, director.user, action_items=[
        {"description": "Quote", "owner": tenant.manager, "due_on": dt.date(2026, 3, 9)},
    ])
    action = held.action_items.get()
    with pytest.raises(PermissionDenied):
        services.action_item_done(actor=bystander.user, action=action)
    done = services.action_item_done(actor=tenant.manager_user, action=action, note="Sent")
    assert (done.state, done.done_note, done.done_by) == ("done", "Sent", tenant.manager_user)
    again = services.action_item_done(actor=tenant.manager_user, action=action, note="Twice")
    assert again.done_note == "Sent"

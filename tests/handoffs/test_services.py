"""Handoff services: start (one account or all held in the role), the checklist from the template,
ticking with evidence, the transfer of open work, confirmation, completion and cancellation.

The clock stands at Monday 2 March 2026 10:00 Denver; handoffs take effect on 16 March.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accountteam.models import Notification
from dossiers.models import Change, Proposal
from escalations.models import Escalation, Event
from escalations.services import escalation_create, escalation_resolve
from handoffs import services
from handoffs.models import ChecklistItem, ChecklistTemplateItem, Handoff, HandoffAccount, HandoffEvent, Owner, Step
from handoffs.rules import HandoffConflict
from teams.models import Assignment
from tests.escalations.factories import EscalationFactory
from tests.teams.factories import (
    AccountFactory,
    AssignmentFactory,
    CompanyFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

from .conftest import NOTE
from .factories import (
    EFFECTIVE,
    NOW,
    MeetingFactory,
    ProposalFactory,
    denver,
    items_of,
    ready_to_complete,
    start_handoff,
    stored_state,
)

pytestmark = pytest.mark.django_db

TEMPLATE_CODES = ["profile-contacts", "objectives", "network", "ica", "meetings", "open-work", "introduction", "files"]


def raise_pager(tenant, subject="Circuit 12345 down", account=None):
    """A repair item raised by the customer: it goes to the account's service manager."""
    return escalation_create(
        actor=tenant.user, account=account or tenant.account, channel="pager", category="repair", subject=subject
    )


def held_account(person, role, company=None, number=None, **assignment):
    """Another account on which ``person`` holds ``role``."""
    extra = {"number": number} if number else {}
    account = AccountFactory(company=company or CompanyFactory(), **extra)
    AssignmentFactory(account=account, person=person, role=role, **assignment)
    return account


def notice_keys(handoff, part) -> set[str]:
    return set(
        Notification.objects.filter(key__startswith=f"handoff:{handoff.pk}:{part}").values_list("key", flat=True)
    )


# --- Start ------------------------------------------------------------------------------------------------


def test_start_for_one_account_builds_its_checklist_from_the_template(tenant, director, incoming, role):
    handoff = start_handoff(
        actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role, accounts=[tenant.account],
        note=NOTE,
    )

    assert (handoff.status, handoff.scope, handoff.effective_date) == ("open", "accounts", EFFECTIVE)
    assert (handoff.outgoing, handoff.incoming, handoff.director) == (tenant.manager, incoming, director)
    assert (handoff.started_by, handoff.started_at, handoff.note) == (director.user, NOW, NOTE)
    (row,) = handoff.accounts.all()
    assert (row.account, row.ending, row.starting) == (tenant.account, tenant.assignment, None)
    items = items_of(handoff)
    template = list(ChecklistTemplateItem.objects.filter(is_active=True))
    assert [i.template.code for i in items] == TEMPLATE_CODES
    assert [(i.title, i.description, i.owner, i.step, i.sort_order) for i in items] == [
        (t.title, t.description, t.owner, t.step, t.sort_order) for t in template
    ]
    assert [i.owner for i in items].count(Owner.INCOMING) == 4
    assert [i.step for i in items if i.step] == [Step.TRANSFER, Step.INTRODUCTION]
    assert not any(i.is_done for i in items)
    assert notice_keys(handoff, "started") == {
        f"handoff:{handoff.pk}:started:{tenant.manager.pk}", f"handoff:{handoff.pk}:started:{incoming.pk}"
    }
    assert HandoffEvent.objects.get(handoff=handoff).text.startswith("Started for 1 account(s): Service Manager:")


def test_the_checklist_follows_the_template_held_as_data(tenant, director, incoming, role):
    ChecklistTemplateItem.objects.filter(code="files").update(is_active=False)
    ChecklistTemplateItem.objects.create(
        code="billing", title="Billing disputes reviewed", owner=Owner.INCOMING, sort_order=5
    )

    handoff = start_handoff(
        actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role, accounts=[tenant.account]
    )

    assert [i.template.code for i in items_of(handoff)] == ["billing", *TEMPLATE_CODES[:-1]]


def test_bulk_start_takes_every_account_held_in_the_role_across_accounts_and_companies(
    tenant, foreign, director, incoming, role
):
    manager = tenant.manager
    same_company = held_account(manager, role, company=tenant.company)
    other_company = held_account(manager, role)
    held_account(manager, role, end_date=dt.date(2025, 12, 31))  # ended
    held_account(manager, role, end_date=dt.date(2026, 3, 13))  # ends before the effective date
    held_account(manager, RoleFactory(code="sales-executive"))  # another role

    handoff = start_handoff(actor=director.user, outgoing=manager, incoming=incoming, role=role)

    assert handoff.scope == Handoff.Scope.ALL
    assert {row.account for row in handoff.accounts.all()} == {tenant.account, same_company, other_company}
    assert {row.ending.person for row in handoff.accounts.all()} == {manager}
    assert len(items_of(handoff)) == 3 * len(TEMPLATE_CODES)
    for row in handoff.accounts.all():
        assert [i.template.code for i in row.items.all()] == TEMPLATE_CODES


def test_the_director_two_levels_up_and_a_carrier_admin_may_start(tenant, director, incoming, role, admin):
    vice_president = PersonFactory(name="Vera VP", user=UserFactory(username="vera.vp"))
    director.reports_to = vice_president
    director.save(update_fields=["reports_to"])
    other = held_account(tenant.manager, role)

    by_vp = start_handoff(actor=vice_president.user, outgoing=tenant.manager, incoming=incoming, role=role,
                          accounts=[tenant.account])
    by_admin = start_handoff(actor=admin.user, outgoing=tenant.manager, incoming=incoming, role=role,
                             accounts=[other])

    assert by_vp.started_by == vice_president.user and by_vp.director == director
    assert by_admin.started_by == admin.user and by_admin.director == director


@pytest.mark.parametrize("who", ["outgoing", "incoming", "bystander", "other director", "customer"])
def test_only_the_director_or_an_admin_may_start(who, tenant, foreign, director, incoming, role, bystander):
    other_director = PersonFactory(name="Olga Other", user=UserFactory(username="olga.other"))
    foreign.manager.reports_to = other_director
    foreign.manager.save(update_fields=["reports_to"])
    actor = {
        "outgoing": tenant.manager_user, "incoming": incoming.user, "bystander": bystander.user,
        "other director": other_director.user, "customer": tenant.user,
    }[who]

    with pytest.raises(PermissionDenied):
        start_handoff(actor=actor, outgoing=tenant.manager, incoming=incoming, role=role, accounts=[tenant.account])
    assert not Handoff.objects.exists()


def test_start_refuses_a_handoff_to_the_same_person(tenant, director, role):
    with pytest.raises(ValidationError) as caught:
        start_handoff(actor=director.user, outgoing=tenant.manager, incoming=tenant.manager, role=role)

    assert caught.value.message_dict == {
        "incoming": ["The incoming person must be someone other than the outgoing person."]
    }
    assert not Handoff.objects.exists()


def test_start_refuses_an_incoming_person_who_is_no_longer_active(tenant, director, incoming, role):
    incoming.is_active = False
    incoming.save(update_fields=["is_active"])

    with pytest.raises(ValidationError) as caught:
        start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role)

    assert caught.value.message_dict == {"incoming": ["Ivan Incoming is no longer active."]}
    assert not Handoff.objects.exists()


def test_start_refuses_an_effective_date_in_the_past_but_takes_today(tenant, director, incoming, role):
    with pytest.raises(ValidationError) as caught:
        start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                      effective_date=dt.date(2026, 3, 1))

    assert caught.value.message_dict == {
        "effective_date": ["The effective date cannot be in the past (today is 02 Mar 2026)."]
    }
    assert not Handoff.objects.exists()
    today = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                          effective_date=dt.date(2026, 3, 2))
    assert today.effective_date == dt.date(2026, 3, 2)


def test_start_refuses_accounts_the_outgoing_person_does_not_hold(tenant, foreign, director, incoming, role):
    with pytest.raises(ValidationError) as caught:
        start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                      accounts=[tenant.account, foreign.account])

    assert caught.value.message_dict == {
        "accounts": [f"Home Manager does not hold Service Manager on {foreign.account.number}."]
    }
    assert not Handoff.objects.exists()


def test_start_refuses_an_empty_choice_and_a_person_holding_nothing_in_the_role(tenant, director, incoming, role):
    with pytest.raises(ValidationError) as empty:
        start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role, accounts=[])
    sales = RoleFactory(code="sales-executive")
    with pytest.raises(ValidationError) as nothing:
        start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=sales)

    assert empty.value.message_dict == {"accounts": ["Choose at least one account, or all accounts."]}
    assert nothing.value.message_dict == {"accounts": ["Home Manager holds no account as Sales Executive."]}
    assert not Handoff.objects.exists()


def test_start_refuses_an_account_already_in_an_open_handoff_of_the_role(tenant, director, incoming, role, handoff):
    third = PersonFactory(name="Tara Third", reports_to=director)
    before = stored_state(handoff)

    with pytest.raises(ValidationError) as caught:
        start_handoff(actor=director.user, outgoing=tenant.manager, incoming=third, role=role)

    assert caught.value.message_dict == {"accounts": [f"{tenant.account.number} is already in handoff #{handoff.pk}."]}
    assert list(Handoff.objects.values_list("pk", flat=True)) == [handoff.pk]
    assert stored_state(handoff) == before
    services.handoff_cancel(actor=director.user, handoff=handoff, reason="Ivan stays in Chicago.")
    again = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=third, role=role)
    assert again.accounts.get().account == tenant.account


# --- The checklist -----------------------------------------------------------------------------------------


def item(handoff, code) -> ChecklistItem:
    return ChecklistItem.objects.get(handoff_account__handoff=handoff, template__code=code)


def test_ticking_an_item_records_when_who_and_the_note_and_link(handoff, incoming):
    network = item(handoff, "network")

    done = services.handoff_item_complete(
        actor=incoming.user, handoff=handoff, item=network, note="Walked the POIs with Home Manager.",
        link="https://wiki.carrier.example/networks/9001",
    )

    network.refresh_from_db()
    assert (network.done_at, network.done_by) == (NOW, incoming.user)
    assert network.note == "Walked the POIs with Home Manager."
    assert network.link == "https://wiki.carrier.example/networks/9001"
    assert done.is_done
    assert HandoffEvent.objects.filter(handoff=handoff, text__endswith="“Network reviewed” done").exists()


def test_ticking_an_item_keeps_an_evidence_file(handoff, tenant):
    files = item(handoff, "files")
    upload = SimpleUploadedFile("handover-notes.pdf", b"%PDF-1.4 handover notes", content_type="application/pdf")

    services.handoff_item_complete(actor=tenant.manager_user, handoff=handoff, item=files, file=upload)

    files.refresh_from_db()
    assert files.file.name.startswith("handoffs/evidence/2026/03/handover-notes")
    with files.file.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 handover notes"


def test_a_meeting_of_the_account_is_evidence_and_one_of_another_account_is_refused(handoff, tenant, foreign):
    meetings = item(handoff, "meetings")
    review = MeetingFactory(account=tenant.account, title="Monthly service review")
    elsewhere = MeetingFactory(account=foreign.account)
    before = stored_state(handoff)

    with pytest.raises(ValidationError) as caught:
        services.handoff_item_complete(actor=tenant.manager_user, handoff=handoff, item=meetings, meeting=elsewhere)
    assert caught.value.message_dict == {"meeting": ["Choose a meeting of this account."]}
    assert stored_state(handoff) == before

    services.handoff_item_complete(actor=tenant.manager_user, handoff=handoff, item=meetings, meeting=review)
    meetings.refresh_from_db()
    assert meetings.meeting == review and meetings.is_done


def test_a_malformed_link_is_refused_and_the_item_stays_open(handoff, incoming):
    network = item(handoff, "network")
    before = stored_state(handoff)

    with pytest.raises(ValidationError) as caught:
        services.handoff_item_complete(actor=incoming.user, handoff=handoff, item=network, link="not a link")

    assert "link" in caught.value.message_dict
    network.refresh_from_db()
    assert not network.is_done
    assert stored_state(handoff) == before


def test_the_incoming_person_ticks_incoming_items_but_not_outgoing_ones(handoff, incoming):
    services.handoff_item_complete(actor=incoming.user, handoff=handoff, item=item(handoff, "ica"))
    before = stored_state(handoff)

    with pytest.raises(PermissionDenied, match="belongs to the outgoing person"):
        services.handoff_item_complete(actor=incoming.user, handoff=handoff, item=item(handoff, "files"))
    assert item(handoff, "ica").is_done and not item(handoff, "files").is_done
    assert stored_state(handoff) == before


def test_the_outgoing_person_ticks_outgoing_items_but_not_incoming_ones(handoff, tenant):
    services.handoff_item_complete(actor=tenant.manager_user, handoff=handoff, item=item(handoff, "files"))
    before = stored_state(handoff)

    with pytest.raises(PermissionDenied, match="belongs to the incoming person"):
        services.handoff_item_complete(actor=tenant.manager_user, handoff=handoff, item=item(handoff, "ica"))
    assert not item(handoff, "ica").is_done
    assert stored_state(handoff) == before


def test_the_director_may_tick_any_item_and_someone_unrelated_none(handoff, director, bystander):
    services.handoff_item_complete(actor=director.user, handoff=handoff, item=item(handoff, "ica"))
    services.handoff_item_complete(actor=director.user, handoff=handoff, item=item(handoff, "files"))
    before = stored_state(handoff)

    with pytest.raises(PermissionDenied):
        services.handoff_item_complete(actor=bystander.user, handoff=handoff, item=item(handoff, "network"))
    assert [i.template.code for i in items_of(handoff, done_at__isnull=False)] == ["ica", "files"]
    assert stored_state(handoff) == before


def test_an_item_cannot_be_ticked_twice_nor_the_transfer_item_by_hand(handoff, director):
    services.handoff_item_complete(actor=director.user, handoff=handoff, item=item(handoff, "ica"))
    before = stored_state(handoff)

    with pytest.raises(HandoffConflict, match="was already done on 02 Mar 2026 10:00"):
        services.handoff_item_complete(actor=director.user, handoff=handoff, item=item(handoff, "ica"))
    with pytest.raises(HandoffConflict, match="done by transferring the open work"):
        services.handoff_item_complete(actor=director.user, handoff=handoff, item=item(handoff, "open-work"))
    assert stored_state(handoff) == before


def test_an_item_ticked_by_mistake_can_be_reopened(handoff, incoming):
    services.handoff_item_complete(actor=incoming.user, handoff=handoff, item=item(handoff, "ica"), note="oops")

    services.handoff_item_reopen(actor=incoming.user, handoff=handoff, item=item(handoff, "ica"))

    reopened = item(handoff, "ica")
    assert (reopened.done_at, reopened.done_by) == (None, None)
    before = stored_state(handoff)
    with pytest.raises(HandoffConflict, match="is not done"):
        services.handoff_item_reopen(actor=incoming.user, handoff=handoff, item=reopened)
    assert stored_state(handoff) == before


# --- Transfer of open work -------------------------------------------------------------------------------------


@pytest.fixture
def open_work(tenant, foreign, director, incoming, role, bystander):
    """Open and closed work around the home account: only the outgoing person's open items on the
    handoff's account may move."""
    manager = tenant.manager
    elsewhere = held_account(manager, role, company=tenant.company)  # not in the handoff
    resolved = raise_pager(tenant, subject="Yesterday's outage")
    escalation_resolve(actor=tenant.manager_user, escalation=resolved, comment="Card replaced.")
    return {
        "escalations": [raise_pager(tenant, subject="T1 to Golden down"),
                        raise_pager(tenant, subject="DS3 to Boulder bouncing")],
        "proposals": [
            ProposalFactory(account=tenant.account, owner=manager, stage=Proposal.Stage.DRAFT, title="Ethernet 10G"),
            ProposalFactory(account=tenant.account, owner=manager, stage=Proposal.Stage.NEGOTIATING,
                            title="Collocation in Denver"),
        ],
        "staying": {
            "resolved": resolved,
            "other account": raise_pager(tenant, subject="Other account down", account=elsewhere),
            "other person": EscalationFactory(account=tenant.account, assignee=bystander),
            "foreign": raise_pager(foreign, subject="Foreign outage"),
            "won": ProposalFactory(account=tenant.account, owner=manager, stage=Proposal.Stage.WON),
            "someone else's": ProposalFactory(account=tenant.account, owner=bystander),
            "other account proposal": ProposalFactory(account=elsewhere, owner=manager),
        },
    }


def snapshot(staying) -> dict:
    return {
        name: (row.assignee_id if isinstance(row, Escalation) else row.owner_id)
        for name, row in ((n, type(r).objects.get(pk=r.pk)) for n, r in staying.items())
    }


def test_transfer_moves_every_open_escalation_and_proposal_and_nothing_else(
    handoff, open_work, tenant, director, incoming
):
    before = snapshot(open_work["staying"])
    assert [w["type"] for w in services.open_work(handoff)] == ["escalation", "escalation", "proposal", "proposal"]

    counts = services.handoff_transfer_open_items(actor=director.user, handoff=handoff)

    assert counts == {"escalations": 2, "proposals": 2}
    for escalation in open_work["escalations"]:
        escalation.refresh_from_db()
        assert escalation.assignee == incoming
    for proposal in open_work["proposals"]:
        proposal.refresh_from_db()
        assert proposal.owner == incoming
    assert snapshot(open_work["staying"]) == before
    assert services.open_work(handoff) == []
    assert not Escalation.objects.open().filter(assignee=tenant.manager, account=tenant.account).exists()
    assert not Proposal.objects.filter(
        owner=tenant.manager, account=tenant.account, stage__in=Proposal.OPEN_STAGES
    ).exists()


def test_transfer_records_the_handoff_on_each_escalation_and_proposal(handoff, open_work, director):
    services.handoff_transfer_open_items(actor=director.user, handoff=handoff)

    reason = f"Handoff #{handoff.pk}: Service Manager passes from Home Manager to Ivan Incoming."
    for escalation in open_work["escalations"]:
        event = Event.objects.get(escalation=escalation, kind=Event.Kind.REASSIGNED)
        assert event.comment == reason
        assert event.data == {
            "from": "Home Manager", "to": "Ivan Incoming",
            "customer_text": "Your service manager for this item is now Ivan Incoming.",
            "handoff": True,
        }
        assert event.actor == director.user
    for proposal in open_work["proposals"]:
        change = Change.objects.get(part="proposals", object_id=proposal.pk, action=Change.Action.UPDATED)
        assert change.note == reason
        assert change.changes == {"owner": ["Home Manager", "Ivan Incoming"]}
    assert not Event.objects.filter(escalation=open_work["staying"]["resolved"], kind="reassigned").exists()


def test_transfer_ticks_the_transfer_items_and_tells_the_incoming_person(handoff, open_work, director, incoming):
    services.handoff_transfer_open_items(actor=director.user, handoff=handoff)

    (transfer_item,) = items_of(handoff, step=Step.TRANSFER)
    assert (transfer_item.done_at, transfer_item.done_by) == (NOW, director.user)
    assert transfer_item.note == "Moved 2 escalation(s) and 2 proposal(s) to Ivan Incoming."
    handoff.refresh_from_db()
    assert handoff.transferred_at == NOW
    (notice,) = Notification.objects.filter(key__startswith=f"handoff:{handoff.pk}:transfer:")
    assert (notice.recipient, notice.subject) == (incoming.user, "4 open item(s) handed over to you")
    assert f"escalation #{open_work['escalations'][0].pk}: T1 to Golden down" in notice.body
    assert "proposal: Collocation in Denver" in notice.body


@pytest.mark.skipif(connection.vendor != "sqlite", reason="stores an over-long title only SQLite accepts")
def test_a_transfer_that_fails_part_way_moves_nothing(handoff, open_work, director, tenant, incoming):
    # A legacy proposal whose title no longer passes validation: saving it fails after the
    # escalations were already handed over in the same transaction.
    ProposalFactory(account=tenant.account, owner=tenant.manager, title="x" * 250)
    before = stored_state(handoff)

    with pytest.raises(ValidationError):
        services.handoff_transfer_open_items(actor=director.user, handoff=handoff)
    assert stored_state(handoff) == before

    assert {e.assignee_id for e in Escalation.objects.filter(pk__in=[e.pk for e in open_work["escalations"]])} == {
        tenant.manager.pk
    }
    assert not Event.objects.filter(kind="reassigned").exists()
    assert not Proposal.objects.filter(owner=incoming).exists()
    assert not items_of(handoff, step=Step.TRANSFER)[0].is_done


def test_transfer_again_later_picks_up_what_arrived_since(handoff, open_work, tenant, director, incoming):
    services.handoff_transfer_open_items(actor=director.user, handoff=handoff)
    late = raise_pager(tenant, subject="Arrived after the transfer")  # still routed to Home Manager
    assert late.assignee == tenant.manager
    assert [w["id"] for w in services.open_work(handoff)] == [late.pk]

    counts = services.handoff_transfer_open_items(actor=director.user, handoff=handoff)

    assert counts == {"escalations": 1, "proposals": 0}
    late.refresh_from_db()
    assert late.assignee == incoming
    assert services.open_work(handoff) == []
    (transfer_item,) = items_of(handoff, step=Step.TRANSFER)
    assert transfer_item.note == "Moved 2 escalation(s) and 2 proposal(s) to Ivan Incoming."  # the first run's


def test_the_outgoing_person_may_transfer_but_the_incoming_person_may_not(handoff, open_work, tenant, incoming):
    before = stored_state(handoff)
    with pytest.raises(PermissionDenied):
        services.handoff_transfer_open_items(actor=incoming.user, handoff=handoff)
    assert stored_state(handoff) == before

    assert services.handoff_transfer_open_items(actor=tenant.manager_user, handoff=handoff) == {
        "escalations": 2, "proposals": 2
    }


# --- Confirmation ------------------------------------------------------------------------------------------------


def test_the_incoming_person_confirms_once(handoff, incoming):
    services.handoff_confirm(actor=incoming.user, handoff=handoff)

    handoff.refresh_from_db()
    assert (handoff.confirmed_at, handoff.confirmed_by) == (NOW, incoming.user)
    assert handoff.events.last().text == "Confirmed by Ivan Incoming"
    before = stored_state(handoff)
    with pytest.raises(HandoffConflict, match="already confirmed"):
        services.handoff_confirm(actor=incoming.user, handoff=handoff)
    assert stored_state(handoff) == before


def test_the_director_confirms_on_behalf_of_the_incoming_person_and_the_outgoing_one_may_not(
    handoff, director, tenant
):
    before = stored_state(handoff)
    with pytest.raises(PermissionDenied):
        services.handoff_confirm(actor=tenant.manager_user, handoff=handoff)
    assert stored_state(handoff) == before

    services.handoff_confirm(actor=director.user, handoff=handoff)

    handoff.refresh_from_db()
    assert handoff.confirmed_by == director.user
    assert handoff.events.last().text == "Confirmed by Dora Director on behalf of Ivan Incoming"


# --- Completion ------------------------------------------------------------------------------------------------------


def kinds(blockers) -> list[str]:
    return [b["kind"] for b in blockers]


def test_completion_is_blocked_with_every_blocker_listed(handoff, open_work, director, clock):
    clock.move_to(denver(2026, 3, 16, 9))
    before = stored_state(handoff)

    with pytest.raises(HandoffConflict) as caught:
        services.handoff_complete(actor=director.user, handoff=handoff)

    assert stored_state(handoff) == before
    blockers = caught.value.blockers
    assert kinds(blockers) == ["open_item"] * 4 + ["checklist"] * 8 + ["confirmation"]
    first = open_work["escalations"][0]
    assert {"kind": "open_item", "type": "escalation", "id": first.pk, "account": first.account.number,
            "title": "T1 to Golden down", "status": "New"} in blockers
    assert {b["title"] for b in blockers if b["kind"] == "checklist"} == {
        i.title for i in items_of(handoff)
    }
    handoff.refresh_from_db()
    assert handoff.status == "open"


def test_completion_waits_for_the_effective_date(handoff, director, clock):
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 15, 23, 30))  # Sunday evening, the day before
    before = stored_state(handoff)

    with pytest.raises(HandoffConflict) as caught:
        services.handoff_complete(actor=director.user, handoff=handoff)

    assert caught.value.blockers == [{"kind": "effective_date", "detail": "The handoff completes on 2026-03-16."}]
    assert stored_state(handoff) == before
    clock.move_to(denver(2026, 3, 16, 0, 30))
    assert services.handoff_complete(actor=director.user, handoff=handoff).status == "completed"


def test_completion_is_blocked_by_an_open_item_that_arrived_after_the_transfer(handoff, tenant, director, clock):
    ready_to_complete(handoff, actor=director.user)
    late = raise_pager(tenant, subject="Arrived on the last day")
    clock.move_to(denver(2026, 3, 16, 9))
    before = stored_state(handoff)

    with pytest.raises(HandoffConflict) as caught:
        services.handoff_complete(actor=director.user, handoff=handoff)
    assert stored_state(handoff) == before

    assert caught.value.blockers == [
        {"kind": "open_item", "type": "escalation", "id": late.pk, "account": tenant.account.number,
         "title": "Arrived on the last day", "status": "New"}
    ]


def test_completion_switches_the_assignments_and_keeps_the_history(handoff, tenant, director, incoming, role, clock):
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 9))

    services.handoff_complete(actor=director.user, handoff=handoff)

    handoff.refresh_from_db()
    assert (handoff.status, handoff.completed_by) == ("completed", director.user)
    assert handoff.completed_at == denver(2026, 3, 16, 9)
    ending = Assignment.objects.get(pk=tenant.assignment.pk)
    assert (ending.person, ending.start_date, ending.end_date) == (tenant.manager, dt.date(2024, 1, 1),
                                                                   dt.date(2026, 3, 15))
    row = HandoffAccount.objects.get(handoff=handoff)
    starting = row.starting
    assert (starting.person, starting.role, starting.start_date, starting.end_date) == (
        incoming, role, EFFECTIVE, None
    )
    assert starting.note == f"Handoff #{handoff.pk} from Home Manager"
    assert starting.created_by == director.user
    history = Assignment.objects.filter(account=tenant.account, role=role).order_by("start_date")
    assert [(a.person.name, a.start_date, a.end_date) for a in history] == [
        ("Home Manager", dt.date(2024, 1, 1), dt.date(2026, 3, 15)),
        ("Ivan Incoming", EFFECTIVE, None),
    ]
    assert handoff.events.last().text == "Completed: Ivan Incoming is Service Manager from 16 Mar 2026"


def test_a_late_completion_switches_from_the_day_it_completes(handoff, tenant, director, clock):
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 19, 11))

    services.handoff_complete(actor=director.user, handoff=handoff)

    assert Assignment.objects.get(pk=tenant.assignment.pk).end_date == dt.date(2026, 3, 18)
    assert HandoffAccount.objects.get(handoff=handoff).starting.start_date == dt.date(2026, 3, 19)


def test_completion_tells_the_customers_users_who_may_view_the_team_and_the_people(
    handoff, tenant, foreign, director, incoming, clock, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    no_team_right = MembershipFactory(company=tenant.company, can_view_team=False).user
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 9))

    with django_capture_on_commit_callbacks(execute=True):
        services.handoff_complete(actor=director.user, handoff=handoff)

    (told,) = Notification.objects.filter(kind="team_change")
    assert (told.recipient, told.email) == (tenant.user, tenant.user.email)
    assert told.subject == "Your new Service Manager: Ivan Incoming"
    assert told.body.startswith(
        f"From 16 Mar 2026, Ivan Incoming is your Service Manager for account {tenant.account.number}"
    )
    assert incoming.email in told.body
    assert told.url == f"/accounts/{tenant.account.pk}/"  # the team page, never the (internal) handoff
    assert NOTE not in told.body
    assert notice_keys(handoff, "completed") == {
        f"handoff:{handoff.pk}:completed:{p.pk}" for p in (tenant.manager, incoming, director)
    }
    recipients = {address for message in mailoutbox for address in message.to}
    assert tenant.user.email in recipients
    assert no_team_right.email not in recipients and foreign.user.email not in recipients
    customer_mail = next(m for m in mailoutbox if m.to == [tenant.user.email])
    assert customer_mail.subject == "[Summit Wholesale] Your new Service Manager: Ivan Incoming"


def test_only_a_manager_completes_the_handoff(handoff, incoming, tenant, director, clock):
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 9))
    before = stored_state(handoff)

    for actor in (incoming.user, tenant.manager_user):
        with pytest.raises(PermissionDenied):
            services.handoff_complete(actor=actor, handoff=handoff)
    assert stored_state(handoff) == before


def test_a_completion_with_a_conflicting_assignment_rolls_back_entirely(
    tenant, director, incoming, role, clock
):
    # On the second account Home Manager leaves at the end of June and Tara Third is already
    # booked from July: Ivan's open-ended assignment from 16 March would overlap hers.
    second = held_account(tenant.manager, role, company=tenant.company, number="HT-9999-0001",
                          end_date=dt.date(2026, 6, 30))
    AssignmentFactory(account=second, role=role, person=PersonFactory(name="Tara Third"),
                      start_date=dt.date(2026, 7, 1))
    handoff = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role)
    assert [r.account for r in handoff.accounts.all()] == [tenant.account, second]
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 9))
    before = stored_state(handoff)

    with pytest.raises(ValidationError) as caught:
        services.handoff_complete(actor=director.user, handoff=handoff)
    assert stored_state(handoff) == before

    assert caught.value.messages == [
        "HT-9999-0001: Service Manager on HT-9999-0001 is held by Tara Third from 2026-07-01; "
        "end that assignment first."
    ]
    handoff.refresh_from_db()
    assert handoff.status == "open" and handoff.completed_at is None
    assert Assignment.objects.get(pk=tenant.assignment.pk).end_date is None  # the first account too
    assert not Assignment.objects.filter(person=incoming).exists()
    assert not HandoffAccount.objects.filter(handoff=handoff, starting__isnull=False).exists()
    assert not Notification.objects.filter(kind="team_change").exists()


# --- Cancel --------------------------------------------------------------------------------------------------------


def test_cancel_needs_a_reason_and_stops_the_handoff(handoff, director, incoming):
    before = stored_state(handoff)
    with pytest.raises(ValidationError):
        services.handoff_cancel(actor=director.user, handoff=handoff, reason="   ")
    assert stored_state(handoff) == before

    services.handoff_cancel(actor=director.user, handoff=handoff, reason="  Ivan stays in Chicago. ")

    handoff.refresh_from_db()
    assert (handoff.status, handoff.cancel_reason) == ("cancelled", "Ivan stays in Chicago.")
    cancelled = stored_state(handoff)
    with pytest.raises(HandoffConflict, match="The handoff is cancelled."):
        services.handoff_item_complete(actor=director.user, handoff=handoff, item=item(handoff, "ica"))
    with pytest.raises(HandoffConflict):
        services.handoff_confirm(actor=incoming.user, handoff=handoff)
    assert stored_state(handoff) == cancelled


def test_cancel_leaves_work_already_moved_with_the_incoming_person(handoff, open_work, director, incoming):
    services.handoff_transfer_open_items(actor=director.user, handoff=handoff)

    services.handoff_cancel(actor=director.user, handoff=handoff, reason="Postponed.")

    assert {e.assignee for e in Escalation.objects.filter(pk__in=[e.pk for e in open_work["escalations"]])} == {
        incoming
    }


def test_only_a_manager_cancels_and_a_completed_handoff_cannot_be_cancelled(handoff, incoming, director, clock):
    before = stored_state(handoff)
    with pytest.raises(PermissionDenied):
        services.handoff_cancel(actor=incoming.user, handoff=handoff, reason="I changed my mind.")
    assert stored_state(handoff) == before
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 9))
    services.handoff_complete(actor=director.user, handoff=handoff)
    completed = stored_state(handoff)

    with pytest.raises(HandoffConflict, match="The handoff is completed."):
        services.handoff_cancel(actor=director.user, handoff=handoff, reason="Too late.")
    assert stored_state(handoff) == completed

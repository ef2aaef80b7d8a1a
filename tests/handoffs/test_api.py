"""The handoffs API (/api/v1/handoffs/): carrier staff only; every endpoint with its status codes
and bodies, the 409 listing what blocks a completion, the customers' view (nothing), the team
endpoint's ``changing`` field, and the query budgets of the list and the detail."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Proposal
from escalations.services import escalation_create
from handoffs import services
from handoffs.models import ChecklistItem, Handoff, Step
from tests.clients import signed_in as login
from tests.teams.factories import AccountFactory, AssignmentFactory, PersonFactory, RoleFactory

from .conftest import NOTE
from .factories import (
    EFFECTIVE,
    ContactFactory,
    ProposalFactory,
    denver,
    items_of,
    ready_to_complete,
    start_handoff,
    stored_state,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/handoffs/"


def url(handoff, action="") -> str:
    return f"{API}{handoff.pk}/{action}/" if action else f"{API}{handoff.pk}/"


def item_url(handoff, item) -> str:
    return f"{API}{handoff.pk}/items/{item.pk}/complete/"


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def item(handoff, code) -> ChecklistItem:
    return ChecklistItem.objects.get(handoff_account__handoff=handoff, template__code=code)


def raise_pager(tenant, subject="Circuit 12345 down", account=None):
    return escalation_create(
        actor=tenant.user, account=account or tenant.account, channel="pager", category="repair", subject=subject
    )


def second_account(tenant, role, number=None):
    """Another account of the home company on which Home Manager is the service manager."""
    account = AccountFactory(company=tenant.company, **({"number": number} if number else {}))
    AssignmentFactory(account=account, person=tenant.manager, role=role)
    return account


def start_body(tenant, incoming, /, **extra) -> dict:
    """Hand the home account's service manager role to ``incoming``; ``extra`` changes any field."""
    return {"role": "service-manager", "outgoing": tenant.manager.pk, "incoming": incoming.pk,
            "effective_date": EFFECTIVE.isoformat()} | extra


# --- Start ----------------------------------------------------------------------------------------------


def test_the_director_starts_a_handoff_for_one_account(director_client, tenant, incoming, role):
    response = post(director_client, API, start_body(tenant, incoming, accounts=[tenant.account.pk], note=NOTE))

    assert response.status_code == 201, response.content
    body = response.json()
    handoff = Handoff.objects.get()
    assert body["id"] == handoff.pk
    assert (body["role"], body["scope"], body["status"], body["effective_date"]) == (
        "service-manager", "accounts", "open", "2026-03-16"
    )
    assert body["outgoing"]["id"] == tenant.manager.pk and body["incoming"]["name"] == "Ivan Incoming"
    assert body["note"] == NOTE
    assert body["progress"] == {"done": 0, "total": 8}
    (account,) = body["accounts"]
    assert (account["account"], account["account_number"], account["company_name"]) == (
        tenant.account.pk, tenant.account.number, "Home Telecom"
    )
    assert (account["ending"], account["starting"], account["progress"]) == (
        tenant.assignment.pk, None, {"done": 0, "total": 8}
    )
    assert [i["title"] for i in account["items"]][:2] == [
        "Corporate profile and contacts reviewed", "Sales and service objectives reviewed"
    ]
    assert {i["owner"] for i in account["items"]} == {"incoming", "outgoing"}
    assert body["open_items"] == []
    assert body["events"][0]["actor"] == "dora.director"


@pytest.mark.parametrize("choice", [{"all_accounts": True}, {}])
def test_start_without_chosen_accounts_takes_all_accounts_held_in_the_role(
    choice, director_client, tenant, incoming, role
):
    second = second_account(tenant, role)

    response = post(director_client, API, start_body(tenant, incoming, **choice))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["scope"] == "all"
    assert {a["account"] for a in body["accounts"]} == {tenant.account.pk, second.pk}
    assert body["progress"] == {"done": 0, "total": 16}


def test_a_handoff_to_the_same_person_is_a_400_on_the_incoming_field(director_client, tenant, incoming):
    response = post(director_client, API, start_body(tenant, incoming, incoming=tenant.manager.pk))

    assert response.status_code == 400
    assert response.json() == {"incoming": ["The incoming person must be someone other than the outgoing person."]}
    assert not Handoff.objects.exists()


def test_chosen_accounts_and_all_accounts_together_are_a_400(director_client, tenant, incoming):
    response = post(director_client, API, start_body(tenant, incoming, accounts=[tenant.account.pk],
                                                     all_accounts=True))

    assert response.status_code == 400
    assert response.json() == {"accounts": ["Choose accounts or all accounts, not both."]}
    assert not Handoff.objects.exists()


def test_the_services_refusals_are_400s_with_field_messages(director_client, tenant, foreign, incoming, role):
    past = post(director_client, API, start_body(tenant, incoming, effective_date="2026-03-01"))
    not_held = post(director_client, API, start_body(tenant, incoming, accounts=[foreign.account.pk]))
    inactive = PersonFactory(name="Gone Person", is_active=False)
    gone = post(director_client, API, start_body(tenant, incoming, incoming=inactive.pk))

    assert past.status_code == 400
    assert past.json() == {"effective_date": ["The effective date cannot be in the past (today is 02 Mar 2026)."]}
    # Dora does not see the foreign account at all: it is not a choice.
    assert not_held.status_code == 400 and list(not_held.json()) == ["accounts"]
    assert gone.status_code == 400 and list(gone.json()) == ["incoming"]
    assert not Handoff.objects.exists()


def test_an_account_not_held_by_the_outgoing_person_is_a_400_naming_it(tenant, incoming, role, admin):
    elsewhere = AccountFactory(number="EL-9876-0001")

    response = post(login(admin.user), API, start_body(tenant, incoming, accounts=[elsewhere.pk]))

    assert response.status_code == 400
    assert response.json() == {"accounts": ["Home Manager does not hold Service Manager on EL-9876-0001."]}
    assert not Handoff.objects.exists()


def test_an_account_already_in_an_open_handoff_is_a_400(director_client, tenant, incoming, handoff):
    before = stored_state(handoff)

    response = post(director_client, API, start_body(tenant, incoming, incoming=PersonFactory().pk))

    assert response.status_code == 400
    assert response.json() == {"accounts": [f"{tenant.account.number} is already in handoff #{handoff.pk}."]}
    assert list(Handoff.objects.values_list("pk", flat=True)) == [handoff.pk]
    assert stored_state(handoff) == before


def test_an_account_listed_twice_is_taken_once(director_client, tenant, incoming, role):
    response = post(director_client, API, start_body(tenant, incoming, accounts=[tenant.account.pk] * 2))

    assert response.status_code == 201, response.content
    (account,) = response.json()["accounts"]
    assert account["account"] == tenant.account.pk and account["progress"] == {"done": 0, "total": 8}
    handoff = Handoff.objects.get()
    assert list(handoff.accounts.values_list("account", flat=True)) == [tenant.account.pk]
    assert ChecklistItem.objects.filter(handoff_account__handoff=handoff).count() == 8


def test_staff_who_are_not_the_directors_may_not_start(tenant, incoming, bystander):
    for user in (tenant.manager_user, incoming.user, bystander.user):
        response = post(login(user), API, start_body(tenant, incoming))
        assert response.status_code == 403, (user, response.content)
        assert response.json() == {"detail": "Only the outgoing person's director or a carrier admin can do this."}
    assert not Handoff.objects.exists()


def test_a_customer_cannot_start_a_handoff(tenant, incoming, customer):
    # Refused before the body is read: whether the customer may name Ivan (he serves no account of
    # theirs at first), or sends no body at all, the answer is the same 403, never field errors.
    invisible = post(customer, API, start_body(tenant, incoming))
    empty = post(customer, API, {})
    AssignmentFactory(account=tenant.account, person=incoming, role=RoleFactory(code="sales-executive"))
    refused = post(customer, API, start_body(tenant, incoming))

    assert [r.status_code for r in (invisible, empty, refused)] == [403, 403, 403]
    assert empty.json() == {"detail": "Only the carrier's staff can do this."}
    assert not Handoff.objects.exists()


# --- List ------------------------------------------------------------------------------------------------------


@pytest.fixture
def three(tenant, director, incoming, role, handoff):
    """The home handoff (open, 1 account, 3 items ticked), a completed one and a cancelled one."""
    for code in ("profile-contacts", "objectives", "network"):
        services.handoff_item_complete(actor=incoming.user, handoff=handoff, item=item(handoff, code))
    completed = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                              accounts=[second_account(tenant, role, "HT-9101-0001")],
                              effective_date=dt.date(2026, 3, 2))
    ready_to_complete(completed, actor=director.user)
    services.handoff_complete(actor=director.user, handoff=completed)
    cancelled = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                              accounts=[second_account(tenant, role, "HT-9102-0001")])
    services.handoff_cancel(actor=director.user, handoff=cancelled, reason="Postponed.")
    return {"open": handoff, "completed": completed, "cancelled": cancelled}


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_list_shows_open_handoffs_with_their_progress(director_client, three):
    response = director_client.get(API)

    assert ids(response) == [three["open"].pk]
    (row,) = response.json()["results"]
    assert row["progress"] == {"done": 3, "total": 8}
    assert row["note"] == NOTE  # staff only: customers never get a row


def test_the_list_filters_by_status(director_client, three):
    assert ids(director_client.get(API, {"status": "completed"})) == [three["completed"].pk]
    assert ids(director_client.get(API, {"status": "cancelled"})) == [three["cancelled"].pk]
    assert set(ids(director_client.get(API, {"status": "all"}))) == {h.pk for h in three.values()}
    completed = director_client.get(API, {"status": "completed"}).json()["results"][0]
    assert completed["progress"] == {"done": 8, "total": 8}
    assert completed["completed_at"] is not None


def test_an_unknown_status_is_a_400(director_client):
    response = director_client.get(API, {"status": "late"})

    assert response.status_code == 400
    assert response.json() == {"status": ["One of open, completed, cancelled or all."]}


def test_the_list_searches_people_accounts_and_companies(director_client, three, tenant):
    everything = {h.pk for h in three.values()}

    assert set(ids(director_client.get(API, {"status": "all", "q": "ivan"}))) == everything
    assert set(ids(director_client.get(API, {"status": "all", "q": "home manager"}))) == everything
    assert ids(director_client.get(API, {"status": "all", "q": "HT-9101"})) == [three["completed"].pk]
    assert ids(director_client.get(API, {"status": "all", "q": tenant.account.number})) == [three["open"].pk]
    assert set(ids(director_client.get(API, {"status": "all", "q": "Home Telecom"}))) == everything
    assert ids(director_client.get(API, {"status": "all", "q": "Nobody Such"})) == []


def test_a_search_keeps_the_progress_numbers(director_client, tenant, director, incoming, role):
    second_account(tenant, role)
    handoff = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role)
    services.handoff_item_complete(actor=incoming.user, handoff=handoff, item=items_of(handoff)[0])

    plain = director_client.get(API).json()["results"][0]["progress"]
    searched = director_client.get(API, {"q": "Ivan"}).json()["results"][0]["progress"]

    assert plain == {"done": 1, "total": 16}
    assert searched == plain


def test_staff_see_only_the_handoffs_they_are_part_of_or_direct(three, bystander, incoming, tenant, admin):
    everything = {h.pk for h in three.values()}

    assert ids(login(bystander.user).get(API, {"status": "all"})) == []
    assert set(ids(login(incoming.user).get(API, {"status": "all"}))) == everything
    assert set(ids(login(tenant.manager_user).get(API, {"status": "all"}))) == everything
    assert set(ids(login(admin.user).get(API, {"status": "all"}))) == everything


def test_the_list_keeps_to_its_query_budget(
    director_client, tenant, director, incoming, role, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                          accounts=[second_account(tenant, role)])

    add(2)
    # session, user, membership (tenancy), staff person, count, page
    with django_assert_max_num_queries(6):
        assert len(ids(director_client.get(API))) == 2
    add(8)
    with django_assert_max_num_queries(6):
        assert len(ids(director_client.get(API))) == 10


# --- Detail ----------------------------------------------------------------------------------------------------


def test_the_detail_shows_checklists_progress_open_items_and_the_log(director_client, handoff, tenant, incoming):
    escalation = raise_pager(tenant, subject="T1 to Golden down")
    proposal = ProposalFactory(account=tenant.account, owner=tenant.manager, title="Ethernet 10G")
    services.handoff_item_complete(actor=incoming.user, handoff=handoff, item=item(handoff, "ica"),
                                   note="Amendment 4 still pending.")

    response = director_client.get(url(handoff))

    assert response.status_code == 200
    body = response.json()
    assert body["progress"] == {"done": 1, "total": 8}
    ica = next(i for i in body["accounts"][0]["items"] if i["title"] == "ICA and pending amendments reviewed")
    assert (ica["is_done"], ica["done_by"], ica["note"], ica["owner"]) == (
        True, "ivan.incoming", "Amendment 4 still pending.", "incoming"
    )
    assert body["open_items"] == [
        {"type": "escalation", "id": escalation.pk, "account": tenant.account.number, "title": "T1 to Golden down",
         "status": "New"},
        {"type": "proposal", "id": proposal.pk, "account": tenant.account.number, "title": "Ethernet 10G",
         "status": "Presented"},
    ]
    assert [e["text"] for e in body["events"]] == [
        "Started for 1 account(s): Service Manager: Home Manager hands over to Ivan Incoming on 16 Mar 2026.",
        f"{tenant.account.number}: “ICA and pending amendments reviewed” done",
    ]


def test_the_detail_keeps_to_its_query_budget(
    director_client, tenant, director, incoming, role, django_assert_max_num_queries
):
    small = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                          accounts=[tenant.account])
    big = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                        accounts=[second_account(tenant, role) for _ in range(3)])
    for handoff in (small, big):
        for row in handoff.accounts.all():
            raise_pager(tenant, subject="Down", account=row.account)
            ProposalFactory(account=row.account, owner=tenant.manager)
    for handoff in (small, big):
        services.handoff_item_complete(actor=director.user, handoff=handoff, item=items_of(handoff)[0])
    assert big.accounts.count() == 3

    for handoff in (small, big):
        # session, user, membership (tenancy), staff person; handoff, accounts, items, events, their
        # actors; open escalations, open proposals
        with django_assert_max_num_queries(11):
            assert director_client.get(url(handoff)).status_code == 200


# --- Checklist items -------------------------------------------------------------------------------------------------


def test_ticking_an_item_with_a_note_and_a_link_answers_the_updated_handoff(handoff, incoming):
    network = item(handoff, "network")

    response = post(login(incoming.user), item_url(handoff, network),
                    {"note": "Walked the POIs.", "link": "https://wiki.carrier.example/net"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["progress"] == {"done": 1, "total": 8}
    ticked = next(i for i in body["accounts"][0]["items"] if i["id"] == network.pk)
    assert (ticked["is_done"], ticked["note"], ticked["link"], ticked["done_by"]) == (
        True, "Walked the POIs.", "https://wiki.carrier.example/net", "ivan.incoming"
    )
    assert ticked["done_at"] == "2026-03-02T10:00:00-07:00"


def test_ticking_an_item_with_an_uploaded_file(handoff, tenant):
    files = item(handoff, "files")
    upload = SimpleUploadedFile("handover.pdf", b"%PDF-1.4 notes", content_type="application/pdf")

    response = login(tenant.manager_user).post(item_url(handoff, files), {"file": upload, "note": "All in."})

    assert response.status_code == 200, response.content
    ticked = next(i for i in response.json()["accounts"][0]["items"] if i["id"] == files.pk)
    assert "/media/handoffs/evidence/2026/03/handover" in ticked["file"]


def test_ticking_errors_answer_400_403_404_and_409(handoff, tenant, incoming, director, role, director_client):
    other = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                          accounts=[second_account(tenant, role)])
    incoming_client = login(incoming.user)
    before, other_before = stored_state(handoff), stored_state(other)

    bad_link = post(incoming_client, item_url(handoff, item(handoff, "network")), {"link": "not a link"})
    not_theirs = post(incoming_client, item_url(handoff, item(handoff, "files")), {"note": "Done"})
    wrong_handoff = post(director_client, item_url(handoff, item(other, "files")), {})
    transfer = post(director_client, item_url(handoff, item(handoff, "open-work")), {})
    assert (stored_state(handoff), stored_state(other)) == (before, other_before)
    post(director_client, item_url(handoff, item(handoff, "files")), {})
    ticked = stored_state(handoff)
    twice = post(director_client, item_url(handoff, item(handoff, "files")), {})
    assert stored_state(handoff) == ticked

    assert bad_link.status_code == 400 and list(bad_link.json()) == ["link"]
    assert not_theirs.status_code == 403
    assert not_theirs.json() == {"detail": "This item belongs to the outgoing person."}
    assert wrong_handoff.status_code == 404
    assert transfer.status_code == 409
    assert transfer.json() == {"detail": "This item is done by transferring the open work (Transfer)."}
    assert twice.status_code == 409 and "already done" in twice.json()["detail"]


# --- Transfer, introduction, confirm -------------------------------------------------------------------------------


def test_transfer_answers_the_counts_moved(handoff, tenant, incoming, director_client):
    escalation = raise_pager(tenant)
    ProposalFactory(account=tenant.account, owner=tenant.manager)
    ProposalFactory(account=tenant.account, owner=tenant.manager, stage=Proposal.Stage.LOST)

    response = post(director_client, url(handoff, "transfer"))

    assert response.status_code == 200
    assert response.json() == {"escalations": 1, "proposals": 1}
    escalation.refresh_from_db()
    assert escalation.assignee == incoming
    assert director_client.get(url(handoff)).json()["open_items"] == []
    transferred = stored_state(handoff)
    assert post(login(incoming.user), url(handoff, "transfer")).status_code == 403
    assert stored_state(handoff) == transferred


def test_scheduling_the_introduction_answers_201_with_the_item_done(
    handoff, tenant, contact, director_client, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(director_client, url(handoff, "introduction"),
                        {"account": tenant.account.pk, "starts_at": "2026-03-12T16:00:00Z", "duration_minutes": 30})

    assert response.status_code == 201, response.content
    intro = next(i for i in response.json()["accounts"][0]["items"] if i["step"] == Step.INTRODUCTION)
    assert intro["is_done"] and intro["meeting"] is not None
    (message,) = mailoutbox
    assert "carla@home.example" in message.to


def test_introduction_errors_are_400s(handoff, tenant, foreign, role, contact, director_client):
    elsewhere = ContactFactory(account=second_account(tenant, role))  # Dora sees it, not in the handoff
    foreign_contact = ContactFactory(account=foreign.account)
    body = {"account": tenant.account.pk, "starts_at": "2026-03-12T16:00:00Z"}
    before = stored_state(handoff)

    past = post(director_client, url(handoff, "introduction"), {**body, "starts_at": "2026-03-01T16:00:00Z"})
    other_account = post(director_client, url(handoff, "introduction"), {**body, "contacts": [elsewhere.pk]})
    not_visible = post(director_client, url(handoff, "introduction"), {**body, "contacts": [foreign_contact.pk]})

    assert past.status_code == 400 and past.json() == {"starts_at": ["Pick a time in the future."]}
    assert other_account.status_code == 400
    assert other_account.json() == {"contacts": ["Choose contacts of this account."]}
    assert not_visible.status_code == 400 and list(not_visible.json()) == ["contacts"]
    assert stored_state(handoff) == before


def test_an_introduction_with_only_contacts_without_email_is_refused(
    handoff, tenant, contact, director_client, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    no_email = ContactFactory(account=tenant.account, name="Nora No-Email", email="")
    before = stored_state(handoff)

    with django_capture_on_commit_callbacks(execute=True):
        response = post(director_client, url(handoff, "introduction"),
                        {"account": tenant.account.pk, "starts_at": "2026-03-12T16:00:00Z", "contacts": [no_email.pk]})

    assert response.status_code == 400
    assert not items_of(handoff, step=Step.INTRODUCTION)[0].is_done
    assert stored_state(handoff) == before and mailoutbox == []


def test_confirm_answers_200_then_409_and_403_for_the_outgoing_person(handoff, incoming, tenant):
    before = stored_state(handoff)
    assert post(login(tenant.manager_user), url(handoff, "confirm")).status_code == 403
    assert stored_state(handoff) == before

    response = post(login(incoming.user), url(handoff, "confirm"))
    confirmed = stored_state(handoff)
    again = post(login(incoming.user), url(handoff, "confirm"))
    assert stored_state(handoff) == confirmed

    assert response.status_code == 200 and response.json()["confirmed_at"] == "2026-03-02T10:00:00-07:00"
    assert again.status_code == 409 and again.json() == {"detail": "The handoff was already confirmed."}


# --- Complete and cancel ----------------------------------------------------------------------------------------


def test_completing_with_open_items_left_is_a_409_listing_them(handoff, tenant, director_client, clock):
    escalation = raise_pager(tenant, subject="T1 to Golden down")
    proposal = ProposalFactory(account=tenant.account, owner=tenant.manager, title="Ethernet 10G")
    before = stored_state(handoff)

    response = post(director_client, url(handoff, "complete"))

    assert response.status_code == 409
    assert stored_state(handoff) == before
    body = response.json()
    assert body["detail"] == "The handoff cannot complete yet."
    assert body["open_items"] == [
        {"kind": "open_item", "type": "escalation", "id": escalation.pk, "account": tenant.account.number,
         "title": "T1 to Golden down", "status": "New"},
        {"kind": "open_item", "type": "proposal", "id": proposal.pk, "account": tenant.account.number,
         "title": "Ethernet 10G", "status": "Presented"},
    ]
    assert [b["kind"] for b in body["blockers"]] == ["effective_date", "open_item", "open_item"] + ["checklist"] * 8 + [
        "confirmation"
    ]
    assert {b["id"] for b in body["blockers"] if b["kind"] == "checklist"} == {i.pk for i in items_of(handoff)}


def test_completing_before_the_effective_date_is_a_409_and_on_it_a_200(
    handoff, tenant, director, director_client, clock
):
    ready_to_complete(handoff, actor=director.user)
    before = stored_state(handoff)

    early = post(director_client, url(handoff, "complete"))
    assert stored_state(handoff) == before
    clock.move_to(denver(2026, 3, 16, 8, 0))
    response = post(director_client, url(handoff, "complete"))

    assert early.status_code == 409
    assert early.json()["blockers"] == [{"kind": "effective_date", "detail": "The handoff completes on 2026-03-16."}]
    assert early.json()["open_items"] == []
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "completed" and body["completed_at"] == "2026-03-16T08:00:00-06:00"
    (account,) = body["accounts"]
    assert account["starting"] is not None and account["ending"] == tenant.assignment.pk


def test_the_incoming_person_may_not_complete(handoff, incoming, director, clock):
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 8, 0))
    before = stored_state(handoff)

    assert post(login(incoming.user), url(handoff, "complete")).status_code == 403
    assert stored_state(handoff) == before


def test_cancel_needs_a_reason_and_then_nothing_else_can_happen(handoff, director_client):
    before = stored_state(handoff)
    missing = post(director_client, url(handoff, "cancel"), {})
    assert stored_state(handoff) == before
    response = post(director_client, url(handoff, "cancel"), {"reason": "Ivan stays in Chicago."})
    cancelled = stored_state(handoff)
    afterwards = post(director_client, url(handoff, "complete"))
    assert stored_state(handoff) == cancelled

    assert missing.status_code == 400 and missing.json() == {"reason": ["This field is required."]}
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["cancel_reason"]) == ("cancelled", "Ivan stays in Chicago.")
    assert afterwards.status_code == 409 and afterwards.json() == {"detail": "The handoff is cancelled."}


# --- Customers and strangers -----------------------------------------------------------------------------------------


def every_action(handoff) -> list[str]:
    first = items_of(handoff)[0]
    return [item_url(handoff, first), *(url(handoff, a) for a in ("transfer", "introduction", "confirm", "complete",
                                                                  "cancel"))]


@pytest.mark.parametrize("who", ["customer", "foreign customer", "unrelated staff"])
def test_customers_and_unrelated_staff_never_see_a_handoff(who, handoff, tenant, foreign, bystander):
    user = {"customer": tenant.user, "foreign customer": foreign.user, "unrelated staff": bystander.user}[who]
    client = login(user)
    before = stored_state(handoff)

    assert client.get(API, {"status": "all"}).json()["results"] == []
    assert client.get(API, {"status": "all", "q": "Ivan"}).json()["results"] == []
    assert client.get(url(handoff)).status_code == 404
    for path in every_action(handoff):
        response = post(client, path, {"reason": "x", "account": tenant.account.pk,
                                       "starts_at": "2026-03-12T16:00:00Z"})
        assert response.status_code == 404, (path, response.status_code)
    handoff.refresh_from_db()
    assert handoff.status == "open" and handoff.confirmed_at is None
    assert stored_state(handoff) == before


# --- The team endpoint ----------------------------------------------------------------------------------------------


def team(client, account):
    response = client.get(f"/api/v1/accounts/{account.pk}/team/")
    assert response.status_code == 200, response.content
    return response


def test_the_team_endpoint_says_the_team_is_changing_without_the_internal_note(handoff, tenant, customer):
    response = team(customer, tenant.account)

    assert response.json()["changing"] == [
        {"role": "Service Manager", "person": "Ivan Incoming", "replaces": "Home Manager", "start_date": "2026-03-16"}
    ]
    assert NOTE not in response.content.decode()
    assert "Boulder office" not in response.content.decode()


def test_the_team_endpoint_shows_the_new_person_once_the_handoff_completes(
    handoff, tenant, director, customer, clock
):
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 8, 0))
    services.handoff_complete(actor=director.user, handoff=handoff)

    body = team(customer, tenant.account).json()

    assert body["changing"] == []
    assert [m["person"]["name"] for m in body["service"]] == ["Ivan Incoming"]


def test_another_companys_customer_sees_no_change_on_their_own_team(handoff, foreign):
    assert team(login(foreign.user), foreign.account).json()["changing"] == []
    assert login(foreign.user).get(f"/api/v1/accounts/{handoff.accounts.get().account_id}/team/").status_code == 404

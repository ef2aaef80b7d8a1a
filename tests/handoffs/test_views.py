"""Handoff pages: the list for directors, the start form, the handoff page with its checklist,
transfer, confirmation and completion; the customer's team page notice; and the scoping (customers
and unrelated staff get 404, the internal note never reaches a customer)."""

import datetime as dt
import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from escalations.services import escalation_create
from handoffs import services
from handoffs.models import ChecklistItem, Handoff
from tests.clients import signed_in as login
from tests.teams.factories import AccountFactory, AssignmentFactory, CompanyFactory, PersonFactory, UserFactory

from .conftest import NOTE
from .factories import (
    EFFECTIVE,
    MeetingFactory,
    ProposalFactory,
    denver,
    items_of,
    ready_to_complete,
    start_handoff,
    stored_state,
)

pytestmark = pytest.mark.django_db

LIST = "/handoffs/"
NEW = "/handoffs/new/"


def page(handoff) -> str:
    return reverse("handoff_detail", args=[handoff.pk])


def text(response) -> str:
    """The page's text with tags and whitespace runs collapsed (for phrases spanning elements)."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def item(handoff, code) -> ChecklistItem:
    return ChecklistItem.objects.get(handoff_account__handoff=handoff, template__code=code)


def held_account(tenant, role, company=None, number=None):
    account = AccountFactory(company=company or tenant.company, **({"number": number} if number else {}))
    AssignmentFactory(account=account, person=tenant.manager, role=role)
    return account


def raise_pager(tenant, subject="T1 to Golden down"):
    return escalation_create(actor=tenant.user, account=tenant.account, channel="pager", category="repair",
                             subject=subject)


# --- The list -----------------------------------------------------------------------------------------------


@pytest.fixture
def three(tenant, director, incoming, role, handoff):
    """The home handoff (open, 3 items ticked), a completed one (9101-0001) and a cancelled one."""
    for code in ("profile-contacts", "objectives", "network"):
        services.handoff_item_complete(actor=incoming.user, handoff=handoff, item=item(handoff, code))
    completed = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                              accounts=[held_account(tenant, role, number="HT-9101-0001")],
                              effective_date=dt.date(2026, 3, 2))
    ready_to_complete(completed, actor=director.user)
    services.handoff_complete(actor=director.user, handoff=completed)
    cancelled = start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                              accounts=[held_account(tenant, role, number="HT-9102-0001")])
    services.handoff_cancel(actor=director.user, handoff=cancelled, reason="Postponed.")
    return {"open": handoff, "completed": completed, "cancelled": cancelled}


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'<td><a href="/handoffs/(\d+)/">#', response.content.decode())]


def test_the_list_shows_handoffs_in_progress_with_their_checklist_progress(director_client, three):
    response = director_client.get(LIST)

    assert listed(response) == [three["open"].pk]
    assert "Home Manager → Ivan Incoming" in text(response)
    assert "3 of 8" in text(response)
    assert re.search(r'class="tab active" href="\?status=open" aria-current="page">In progress<',
                     response.content.decode())


def test_the_status_tabs_show_completed_cancelled_and_all(director_client, three):
    assert listed(director_client.get(LIST, {"status": "completed"})) == [three["completed"].pk]
    assert listed(director_client.get(LIST, {"status": "cancelled"})) == [three["cancelled"].pk]
    assert sorted(listed(director_client.get(LIST, {"status": "all"}))) == sorted(h.pk for h in three.values())
    assert listed(director_client.get(LIST, {"status": "nonsense"})) == [three["open"].pk]  # back to open
    completed = director_client.get(LIST, {"status": "completed"})
    assert "8 of 8" in text(completed)
    assert 'aria-current="page">Completed<' in completed.content.decode()


def test_the_list_searches_people_accounts_and_companies(director_client, three):
    assert listed(director_client.get(LIST, {"status": "all", "q": "HT-9101"})) == [three["completed"].pk]
    assert len(listed(director_client.get(LIST, {"status": "all", "q": "Home Telecom"}))) == 3
    empty = director_client.get(LIST, {"status": "all", "q": "Nobody Such"})
    assert listed(empty) == []
    assert "No handoffs to show matching “Nobody Such”." in text(empty)


@pytest.fixture
def many(tenant, director, incoming, role):
    """26 one-account handoffs of "Rocky & Plains Telecom": one more than a page."""
    company = CompanyFactory(name="Rocky & Plains Telecom")
    return [
        start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                      accounts=[held_account(tenant, role, company=company, number=f"8{i:03d}-0001")])
        for i in range(26)
    ]


def next_link(response) -> str:
    match = re.search(r'<a href="([^"]+)">Next →</a>', response.content.decode())
    assert match, "no Next link"
    return html.unescape(match.group(1))


def test_the_list_pages_by_25(director_client, many):
    first = director_client.get(LIST)

    assert listed(first) == [h.pk for h in many[:25]]
    assert "Page 1 of 2" in text(first)
    second = director_client.get(LIST + next_link(first))
    assert listed(second) == [many[25].pk]
    assert "Page 2 of 2" in text(second)


def test_the_next_page_keeps_a_search_with_an_ampersand(director_client, many):
    first = director_client.get(LIST, {"q": "Rocky & Plains"})

    assert len(listed(first)) == 25
    query = parse_qs(urlsplit(next_link(first)).query)
    assert query["q"] == ["Rocky & Plains"]


# --- Starting ------------------------------------------------------------------------------------------------


def start_form(tenant, incoming, /, **changes) -> dict:
    return {"role": "service-manager", "outgoing": tenant.manager.pk, "incoming": incoming.pk,
            "effective_date": EFFECTIVE.isoformat(), "scope": "all", "note": NOTE} | changes


def test_the_start_form_offers_roles_people_and_the_accounts(director_client, tenant, incoming, role):
    response = director_client.get(NEW)

    assert response.status_code == 200
    content = response.content.decode()
    assert '<option value="service-manager"' in content
    assert f'<option value="{incoming.pk}">Ivan Incoming</option>' in content
    assert f'value="{tenant.account.pk}"' in content
    assert 'value="2026-03-02"' in content  # today by default


def test_starting_for_all_accounts_takes_every_account_held(director_client, tenant, incoming, role):
    second = held_account(tenant, role)

    response = director_client.post(NEW, start_form(tenant, incoming))

    handoff = Handoff.objects.get()
    assert response.status_code == 302 and response["Location"] == page(handoff)
    assert handoff.scope == "all" and handoff.note == NOTE
    assert {r.account for r in handoff.accounts.all()} == {tenant.account, second}
    follow = director_client.get(response["Location"])
    assert f"Handoff #{handoff.pk} started for 2 account(s)." in text(follow)


def test_starting_for_chosen_accounts_takes_only_those(director_client, tenant, incoming, role):
    second = held_account(tenant, role)

    response = director_client.post(NEW, start_form(tenant, incoming, scope="accounts", accounts=[second.pk]))

    assert response.status_code == 302
    handoff = Handoff.objects.get()
    assert handoff.scope == "accounts"
    assert [r.account for r in handoff.accounts.all()] == [second]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (lambda t: {"incoming": t.manager.pk}, "The incoming person must be someone other than the outgoing person."),
        (lambda t: {"scope": "accounts"}, "Choose at least one account, or hand over all accounts."),
        (lambda t: {"effective_date": "2026-03-01"},
         "The effective date cannot be in the past (today is 02 Mar 2026)."),
    ],
    ids=["same person", "no account chosen", "past date"],
)
def test_the_start_form_shows_what_is_wrong(changes, message, director_client, tenant, incoming, role):
    response = director_client.post(NEW, start_form(tenant, incoming, **changes(tenant)))

    assert response.status_code == 200
    assert message in text(response)
    assert not Handoff.objects.exists()


def test_the_start_form_names_accounts_already_in_a_handoff(director_client, tenant, director, incoming, handoff):
    third = PersonFactory(name="Tara Third", reports_to=director)
    before = stored_state(handoff)

    response = director_client.post(NEW, start_form(tenant, incoming, incoming=third.pk))

    assert response.status_code == 200
    assert f"{tenant.account.number} is already in handoff #{handoff.pk}." in text(response)
    assert list(Handoff.objects.values_list("pk", flat=True)) == [handoff.pk]
    assert stored_state(handoff) == before


def test_staff_who_may_not_start_are_told_so_on_the_form(tenant, incoming, role, bystander):
    response = login(bystander.user).post(NEW, start_form(tenant, incoming))

    assert response.status_code == 200
    assert "Only the outgoing person's director or a carrier admin can do this." in text(response)
    assert not Handoff.objects.exists()


# --- The handoff page -------------------------------------------------------------------------------------------


def test_the_handoff_page_shows_progress_the_checklist_and_the_internal_note(director_client, handoff):
    response = director_client.get(page(handoff))

    assert response.status_code == 200
    body = text(response)
    assert "Service Manager: Home Manager → Ivan Incoming" in body
    assert "0 of 8 checklist items done" in body
    assert re.search(r'data-testid="account-progress">0 of 8<', response.content.decode())
    assert f"Internal note: {NOTE}" in body
    assert "Mark “Network reviewed” done" in body and "Mark “Files handed over” done" in body
    assert "Mark “Open issues and proposals transferred” done" not in body
    assert "Done by “Transfer all open work”." in body
    assert "Confirm on behalf of Ivan Incoming" in body
    assert "Complete the handoff" in body


def test_the_incoming_person_gets_tick_forms_for_their_own_items_only(handoff, incoming):
    body = text(login(incoming.user).get(page(handoff)))

    assert "Mark “Network reviewed” done" in body
    assert "Mark “Files handed over” done" not in body
    assert "I confirm I take these accounts over" in body
    assert "Complete the handoff" not in body


def test_ticking_an_item_on_the_page_moves_the_progress(director_client, handoff):
    network = item(handoff, "network")

    response = director_client.post(
        reverse("handoff_item_complete", args=[handoff.pk, network.pk]),
        {f"item{network.pk}-note": "Walked the POIs.", f"item{network.pk}-link": "wiki.carrier.example/net"},
    )

    assert response.status_code == 302 and response["Location"] == page(handoff)
    network.refresh_from_db()
    assert network.is_done and network.note == "Walked the POIs."
    assert network.link == "https://wiki.carrier.example/net"
    body = text(director_client.get(page(handoff)))
    assert "“Network reviewed” done." in body
    assert "1 of 8 checklist items done" in body
    assert "Walked the POIs." in body


def test_a_meeting_of_the_account_is_evidence_and_another_accounts_is_refused(director_client, handoff, tenant):
    meetings = item(handoff, "meetings")
    review = MeetingFactory(account=tenant.account, title="Quarterly service review")
    elsewhere = MeetingFactory(account=AccountFactory(), title="Someone else's review")
    url = reverse("handoff_item_complete", args=[handoff.pk, meetings.pk])
    before = stored_state(handoff)

    refused = director_client.post(url, {f"item{meetings.pk}-meeting": elsewhere.pk}, follow=True)
    assert refused.redirect_chain == [(f"{page(handoff)}#item-{meetings.pk}", 302)]
    assert "Select a valid choice" in text(refused)
    assert "Someone else" not in text(refused)
    assert stored_state(handoff) == before

    response = director_client.post(url, {f"item{meetings.pk}-meeting": review.pk})
    assert response.status_code == 302
    meetings.refresh_from_db()
    assert meetings.is_done and meetings.meeting == review
    assert "Meeting: Quarterly service review" in text(director_client.get(page(handoff)))


def test_a_bad_link_redisplays_the_page_with_the_error(director_client, handoff):
    network = item(handoff, "network")
    before = stored_state(handoff)

    response = director_client.post(reverse("handoff_item_complete", args=[handoff.pk, network.pk]),
                                    {f"item{network.pk}-link": "http://"}, follow=True)

    assert response.redirect_chain == [(f"{page(handoff)}#item-{network.pk}", 302)]
    assert "Enter a valid URL." in text(response)
    assert 'value="http://"' in response.content.decode()  # the form as it was filled in
    network.refresh_from_db()
    assert not network.is_done
    assert stored_state(handoff) == before


def test_the_transfer_button_moves_the_open_work(director_client, handoff, tenant, incoming):
    escalation = raise_pager(tenant)
    ProposalFactory(account=tenant.account, owner=tenant.manager, title="Ethernet 10G")
    before = text(director_client.get(page(handoff)))
    assert f"#{escalation.pk} T1 to Golden down" in before and "Ethernet 10G" in before
    assert "Transfer all open work to Ivan Incoming" in before

    response = director_client.post(reverse("handoff_transfer", args=[handoff.pk]))

    assert response.status_code == 302
    escalation.refresh_from_db()
    assert escalation.assignee == incoming
    after = director_client.get(page(handoff))
    assert "Transferred 1 escalation(s) and 1 proposal(s)." in text(after)
    assert 'data-testid="no-open-work"' in after.content.decode()


def test_completing_too_early_shows_what_stands_in_the_way(director_client, handoff, tenant):
    escalation = raise_pager(tenant)
    before = stored_state(handoff)

    response = director_client.post(reverse("handoff_complete", args=[handoff.pk]), follow=True)

    assert response.redirect_chain == [(f"{page(handoff)}#finish-h", 302)]
    body = text(response)
    assert "The handoff cannot complete yet." in body
    assert "What stands in the way" in body
    assert "The handoff completes on 2026-03-16." in body
    assert (
        f"Open escalation on {tenant.account.number} still names Home Manager: #{escalation.pk} T1 to Golden down"
    ) in body
    assert f"{tenant.account.number}: “Network reviewed” is not done" in body
    assert "The incoming person has not confirmed yet." in body
    assert f'href="/escalations/{escalation.pk}/"' in response.content.decode()
    handoff.refresh_from_db()
    assert handoff.status == "open"
    assert stored_state(handoff) == before


def test_the_director_confirms_on_behalf_and_completes_on_the_effective_date(
    director_client, handoff, director, clock
):
    services.handoff_transfer_open_items(actor=director.user, handoff=handoff)
    for entry in items_of(handoff, done_at__isnull=True):
        services.handoff_item_complete(actor=director.user, handoff=handoff, item=entry, note="Done.")

    confirmed = director_client.post(reverse("handoff_confirm", args=[handoff.pk]))
    assert confirmed.status_code == 302
    body = text(director_client.get(page(handoff)))
    assert "Confirmed 2 Mar 2026 10:00 by Dora Director." in body
    assert "Confirmed by Dora Director on behalf of Ivan Incoming" in body  # the log
    clock.move_to(denver(2026, 3, 16, 8, 0))

    completed = director_client.post(reverse("handoff_complete", args=[handoff.pk]))

    assert completed.status_code == 302
    after = director_client.get(page(handoff))
    assert re.search(r'data-testid="handoff-status">Completed<', after.content.decode())
    assert "Ivan Incoming holds the role from 16 Mar 2026" in text(after)
    assert "Complete the handoff" not in text(after)


def test_the_introduction_is_scheduled_from_the_page(
    director_client, handoff, tenant, contact, eager_tasks, mailoutbox, django_capture_on_commit_callbacks
):
    prefix = f"intro{tenant.account.pk}"
    assert f"Schedule the introduction meeting for {tenant.account.number}" in text(director_client.get(page(handoff)))

    with django_capture_on_commit_callbacks(execute=True):
        response = director_client.post(
            reverse("handoff_introduction", args=[handoff.pk, tenant.account.pk]),
            {f"{prefix}-starts_at": "2026-03-12T10:00", f"{prefix}-duration_minutes": "30",
             f"{prefix}-location": "Video call"},
        )

    assert response.status_code == 302
    intro = item(handoff, "introduction")
    assert intro.meeting.starts_at == denver(2026, 3, 12, 10, 0)
    (message,) = mailoutbox
    assert "carla@home.example" in message.to
    assert "Schedule the introduction meeting" not in text(director_client.get(page(handoff)))


def test_cancelling_needs_a_reason(director_client, handoff):
    before = stored_state(handoff)
    missing = director_client.post(reverse("handoff_cancel", args=[handoff.pk]), {"reason": ""})
    assert stored_state(handoff) == before
    response = director_client.post(reverse("handoff_cancel", args=[handoff.pk]), {"reason": "Postponed."})

    assert missing.status_code == 302 and missing["Location"] == f"{page(handoff)}#cancel"
    assert response.status_code == 302
    assert "Cancelled: Postponed." in text(director_client.get(page(handoff)))


# --- Scoping: customers and unrelated staff -------------------------------------------------------------------------


def every_page(handoff, tenant) -> list[tuple[str, str]]:
    first = items_of(handoff)[0]
    return [
        ("get", LIST), ("get", NEW), ("post", NEW), ("get", page(handoff)),
        ("post", reverse("handoff_item_complete", args=[handoff.pk, first.pk])),
        ("post", reverse("handoff_item_reopen", args=[handoff.pk, first.pk])),
        ("post", reverse("handoff_transfer", args=[handoff.pk])),
        ("post", reverse("handoff_introduction", args=[handoff.pk, tenant.account.pk])),
        ("post", reverse("handoff_confirm", args=[handoff.pk])),
        ("post", reverse("handoff_complete", args=[handoff.pk])),
        ("post", reverse("handoff_cancel", args=[handoff.pk])),
    ]


@pytest.mark.parametrize("who", ["customer", "foreign customer"])
def test_customers_get_404_for_every_handoff_page(who, handoff, tenant, foreign):
    client = login(tenant.user if who == "customer" else foreign.user)
    before = stored_state(handoff)

    for method, path in every_page(handoff, tenant):
        response = getattr(client, method)(path, {"reason": "x"} if method == "post" else None)
        assert response.status_code == 404, (method, path, response.status_code)
    handoff.refresh_from_db()
    assert handoff.status == "open"
    assert list(Handoff.objects.values_list("pk", flat=True)) == [handoff.pk]
    assert stored_state(handoff) == before


def test_staff_not_related_to_the_handoff_get_404(handoff, tenant, bystander):
    client = login(bystander.user)
    before = stored_state(handoff)

    assert listed(client.get(LIST, {"status": "all"})) == []
    for method, path in every_page(handoff, tenant)[3:]:
        response = getattr(client, method)(path, {"reason": "x"} if method == "post" else None)
        assert response.status_code == 404, (method, path, response.status_code)
    assert stored_state(handoff) == before


def test_the_directors_director_sees_the_handoff_and_may_complete_it(handoff, director, clock):
    vice_president = PersonFactory(name="Vera VP", user=UserFactory(username="vera.vp"))
    director.reports_to = vice_president
    director.save(update_fields=["reports_to"])
    client = login(vice_president.user)

    assert listed(client.get(LIST)) == [handoff.pk]
    assert "Complete the handoff" in text(client.get(page(handoff)))
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 8, 0))
    assert client.post(reverse("handoff_complete", args=[handoff.pk])).status_code == 302
    handoff.refresh_from_db()
    assert handoff.completed_by == vice_president.user


def test_an_introduction_for_an_account_outside_the_handoff_is_a_404(director_client, handoff, tenant, role):
    elsewhere = held_account(tenant, role)  # Dora sees it; it is not in this handoff
    before = stored_state(handoff)

    response = director_client.post(reverse("handoff_introduction", args=[handoff.pk, elsewhere.pk]),
                                    {f"intro{elsewhere.pk}-starts_at": "2026-03-12T10:00"})

    assert response.status_code == 404
    assert stored_state(handoff) == before


def test_signed_out_visitors_are_sent_to_sign_in(client, handoff):
    response = client.get(page(handoff))

    assert response.status_code == 302 and response["Location"].startswith("/auth/login/")


# --- The customer's team page -------------------------------------------------------------------------------------


CHANGING = "Your team is changing: Ivan Incoming takes over from Home Manager as your Service Manager on 16 Mar 2026"


def test_the_customers_team_page_says_the_team_is_changing(handoff, tenant, customer):
    home = customer.get("/")
    account = customer.get(reverse("account_detail", args=[tenant.account.pk]))

    for response in (home, account):
        assert response.status_code == 200
        assert 'data-testid="team-changing"' in response.content.decode()
        assert CHANGING in text(response)


def test_another_company_sees_no_change_on_its_team_page(handoff, foreign):
    home = login(foreign.user).get("/")

    assert home.status_code == 200
    assert 'data-testid="team-changing"' not in home.content.decode()
    assert "Ivan Incoming" not in text(home)


def test_the_notice_is_gone_and_the_new_person_shown_once_the_handoff_completes(
    handoff, tenant, director, customer, clock
):
    ready_to_complete(handoff, actor=director.user)
    clock.move_to(denver(2026, 3, 16, 8, 0))
    services.handoff_complete(actor=director.user, handoff=handoff)

    home = customer.get("/")

    assert 'data-testid="team-changing"' not in home.content.decode()
    names = re.findall(r'<h4 class="person-name">([^<]+)</h4>', home.content.decode())
    assert "Ivan Incoming" in names and "Home Manager" not in names


def test_the_notice_is_gone_once_the_handoff_is_cancelled(handoff, director, customer):
    services.handoff_cancel(actor=director.user, handoff=handoff, reason="Postponed.")

    assert 'data-testid="team-changing"' not in customer.get("/").content.decode()


def test_the_internal_note_never_reaches_a_customer_page(
    handoff, tenant, director, contact, customer, eager_tasks, django_capture_on_commit_callbacks
):
    escalation = raise_pager(tenant)
    ProposalFactory(account=tenant.account, owner=tenant.manager)
    services.handoff_transfer_open_items(actor=director.user, handoff=handoff)
    with django_capture_on_commit_callbacks(execute=True):
        services.handoff_schedule_introduction(actor=director.user, handoff=handoff, account=tenant.account,
                                               starts_at=denver(2026, 3, 12, 10, 0))
    account_id = tenant.account.pk
    paths = [
        "/", reverse("account_detail", args=[account_id]), f"/api/v1/accounts/{account_id}/team/",
        reverse("escalation_detail", args=[escalation.pk]), f"/accounts/{account_id}/dossier/",
        f"/accounts/{account_id}/dossier/history/",
    ]

    for path in paths:
        response = customer.get(path)
        assert response.status_code == 200, path
        assert NOTE not in response.content.decode(), path
        assert "Boulder office" not in html.unescape(response.content.decode()), path


def test_a_handoff_started_in_spanish_has_its_checklist_in_every_language(tenant, director, incoming, role):
    director_session = login(director.user)
    director_session.post("/language/", {"language": "es"})
    with translation.override("es"):
        handoff = start_handoff(
            actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role, accounts=[tenant.account]
        )
    item = ChecklistItem.objects.get(handoff_account__handoff=handoff, template__code="network")

    assert (item.title_en, item.title_es, item.title_pt_br) == ("Network reviewed", "Red revisada", "Rede revisada")
    spanish = director_session.get(reverse("handoff_detail", args=[handoff.pk])).content.decode()
    english = login(incoming.user).get(reverse("handoff_detail", args=[handoff.pk])).content.decode()
    assert "Red revisada" in spanish and "Network reviewed" not in spanish
    assert "Network reviewed" in english

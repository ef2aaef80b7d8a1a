"""Every URL pattern, fed a foreign company's objects, answers 404 (or 403/405), never data.

A new URL with a parameter fails here until it is listed below: either in ``FOREIGN_KWARGS``
(walked) or in ``NOT_TENANT_DATA`` with the reason it carries no tenant data.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# URL names whose parameters are not tenant objects, and why.
NOT_TENANT_DATA = {
    "api:role-detail": "the role catalogue is the carrier's, the same for everyone",
    "invitation_accept": "the unguessable token is the credential; tested in test_views",
}
NAMESPACES_NOT_WALKED = {
    "admin": "the back office is for carrier admins only (is_staff); checked separately below",
}
ALLAUTH_PREFIX = "/auth/"  # allauth's keyed links (email confirmation, reset) are not tenant data


def _patterns(resolver=None, namespace=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if entry.namespace and namespace:
                ns = f"{namespace}:{entry.namespace}"
            yield from _patterns(entry, ns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            keys = set(entry.pattern.regex.groupindex)
            yield name, keys, prefix + str(entry.pattern)


def foreign_kwargs(name, foreign):
    account, company = foreign.account, foreign.company
    item = foreign.escalation
    if name.startswith("api:escalation-"):
        return {"pk": item.pk}
    handoff, item_id = foreign.handoff, foreign.handoff_item.pk
    if name == "api:handoff-complete-item" or name.startswith("handoff_item_"):
        return {"pk": handoff.pk, "item_id": item_id}
    if name.startswith("api:handoff-") or name.startswith("handoff_"):
        return {"pk": handoff.pk} | ({"account_id": account.pk} if name == "handoff_introduction" else {})
    postmortem = foreign.postmortem
    if name in ("api:postmortem-preventive-action", "postmortem_preventive_action"):
        verb = {} if name.startswith("api:") else {"verb": "done"}
        return {"pk": postmortem.pk, "action_id": foreign.preventive_action.pk} | verb
    if name in ("postmortem_version", "postmortem_version_pdf"):
        return {"pk": postmortem.pk, "number": 1}
    if name == "postmortem_action":
        return {"pk": postmortem.pk, "action": "publish"}
    if name.startswith("api:postmortem-") or name.startswith("postmortem_"):
        return {"pk": postmortem.pk}
    # The account dossier: every part's rows, their downloads and calendar files.
    dossier_rows = {
        "contact": foreign.contact, "amendment": foreign.amendment, "meeting": foreign.meeting,
        "proposal": foreign.proposal, "file": foreign.dossier_file,
    }
    for noun, row in dossier_rows.items():
        if name.startswith(f"api:dossier-{noun}-"):
            return {"account_id": account.pk} | ({} if name.endswith("-list") else {"pk": row.pk})
    if name in ("dossier_part_edit", "dossier_part_delete"):
        return {"account_id": account.pk, "part": "contacts", "pk": foreign.contact.pk}
    table = {
        "escalation_detail": {"pk": item.pk},
        "escalation_timeline": {"pk": item.pk},
        "queue_action": {"pk": item.pk, "action": "respond"},
        "escalation_action": {"pk": item.pk, "action": "acknowledge"},
        "account_detail": {"account_id": account.pk},
        "company_users": {"company_id": company.pk},
        "membership_edit": {"company_id": company.pk, "membership_id": foreign.membership.pk},
        "api:company-detail": {"pk": company.pk},
        "api:account-detail": {"pk": account.pk},
        "api:account-team": {"pk": account.pk},
        "api:person-detail": {"pk": foreign.manager.pk},
        "api:assignment-detail": {"pk": foreign.assignment.pk},
        "api:dossier-detail": {"account_id": account.pk},
        "api:dossier-history": {"account_id": account.pk},
        "dossier": {"account_id": account.pk},
        "dossier_profile_edit": {"account_id": account.pk},
        "dossier_history": {"account_id": account.pk},
        "dossier_part_create": {"account_id": account.pk, "part": "contacts"},
        "dossier_file_download": {"account_id": account.pk, "pk": foreign.dossier_file.pk},
        "dossier_amendment_document": {"account_id": account.pk, "pk": foreign.amendment.pk},
        "meeting_ics": {"pk": foreign.meeting.pk},
        # The feed's token is its credential (tested in tests/dossiers/test_ical.py); walked here
        # with the token of a feed that was rotated away, which must no longer answer.
        "calendar_feed": {"token": foreign.old_feed_token},
    }
    return table.get(name)


def _walk(client, foreign, *, also_skip=frozenset()):
    checked, wrong = [], []
    for name, keys, route in _patterns():
        keys.discard("format")
        skipped = NOT_TENANT_DATA.keys() | also_skip
        if not keys or name in skipped or name.split(":")[0] in NAMESPACES_NOT_WALKED:
            continue
        if route.startswith(ALLAUTH_PREFIX.strip("/")):
            continue
        kwargs = foreign_kwargs(name, foreign)
        assert kwargs is not None, (
            f"URL {name!r} ({route}) takes {sorted(keys)}: add it to foreign_kwargs() so the "
            f"scoping walk covers it, or to NOT_TENANT_DATA with the reason."
        )
        url = reverse(name, kwargs=kwargs)
        statuses = {client.get(url).status_code, client.post(url).status_code}
        # "Not yours" and "does not exist" are the same answer; 405 where a method is not served.
        if not (statuses <= {404, 405} and 404 in statuses):
            wrong.append(f"{name} {url} answered {sorted(statuses)}")
        checked.append(name)
    assert wrong == []
    return checked


@pytest.fixture
def foreign(foreign):
    from escalations.services import escalation_create

    foreign.escalation = escalation_create(
        actor=foreign.user, account=foreign.account, channel="pager", category="repair", subject="Circuit down"
    )
    from dossiers.services import calendar_feed_get_or_create
    from tests.dossiers.factories import (
        AmendmentFactory,
        ContactFactory,
        DossierFileFactory,
        MeetingFactory,
        ProposalFactory,
        upload,
    )

    foreign.contact = ContactFactory(account=foreign.account)
    foreign.amendment = AmendmentFactory(account=foreign.account, document=upload())
    foreign.meeting = MeetingFactory(account=foreign.account, contacts=[foreign.contact], people=[foreign.manager])
    foreign.proposal = ProposalFactory(account=foreign.account, owner=foreign.manager)
    foreign.dossier_file = DossierFileFactory(account=foreign.account)
    foreign.old_feed_token = calendar_feed_get_or_create(user=foreign.user).token
    calendar_feed_get_or_create(user=foreign.user, rotate=True)
    _foreign_handoff(foreign)
    _foreign_postmortem(foreign)
    return foreign


def _foreign_handoff(foreign):
    """A handoff of the foreign account's manager, started by their director."""
    import datetime as dt

    from accountteam.clock import carrier_today
    from handoffs.services import handoff_start
    from tests.teams.factories import PersonFactory, UserFactory

    director = PersonFactory(name="Foreign Director", user=UserFactory(username="foreign.director"))
    foreign.manager.reports_to = director
    foreign.manager.save()
    foreign.handoff = handoff_start(
        actor=director.user, role=foreign.assignment.role, outgoing=foreign.manager,
        incoming=PersonFactory(name="Foreign Newcomer"), effective_date=carrier_today() + dt.timedelta(days=7),
        note="Internal: a foreign note",
    )
    foreign.handoff_item = foreign.handoff.accounts.get().items.first()


def _foreign_postmortem(foreign):
    """A published post-mortem of the foreign account, with a preventive action."""
    import datetime as dt

    from django.utils import timezone

    from postmortems import services

    now = timezone.now()
    pm = services.postmortem_request(
        actor=foreign.user, account=foreign.account, ticket_number="F-1", circuit_id="CKT F",
        event_start=now - dt.timedelta(hours=12), event_end=now - dt.timedelta(hours=1), impact="Down",
    )
    actor = foreign.manager_user
    services.postmortem_accept(actor=actor, postmortem=pm, complexity="low")
    services.postmortem_analysis_update(actor=actor, postmortem=pm, summary="S", root_cause="R", restoration="Fixed")
    foreign.preventive_action = services.preventive_action_add(
        actor=actor, postmortem=pm, description="Never again", owner=foreign.manager, due_on=now.date()
    )
    services.postmortem_publish(actor=actor, postmortem=pm)
    foreign.postmortem = pm


@pytest.mark.django_db
def test_customer_user_gets_404_for_every_url_with_a_foreign_object(client, tenant, foreign):
    client.force_login(tenant.user)
    checked = _walk(client, foreign)
    assert {"account_detail", "api:account-team", "api:assignment-detail"} <= set(checked)


@pytest.mark.django_db
def test_staff_not_on_the_account_gets_404_for_every_url_with_its_objects(client, tenant, foreign):
    client.force_login(tenant.manager_user)
    # Staff see the carrier's directory of people, so a person is not "foreign" to them.
    checked = _walk(client, foreign, also_skip={"api:person-detail"})
    assert "account_detail" in checked


@pytest.mark.django_db
def test_back_office_is_closed_to_customer_users(client, tenant, foreign):
    client.force_login(tenant.user)
    response = client.get(reverse("admin:teams_account_change", args=[foreign.account.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

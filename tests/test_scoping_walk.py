"""Every URL pattern, fed a foreign company's objects, answers 404 (or 403/405), never data.

A new URL with a parameter fails here until it is listed below: either in ``FOREIGN_KWARGS``
(walked) or in ``NOT_TENANT_DATA`` with the reason it carries no tenant data.
"""

import re

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
# URL names every carrier staff member may open whatever accounts they serve, and why: walked for
# customers (404), skipped in the walks of staff.
STAFF_WIDE = {
    name: "the mail taken in is the carrier's: any staff member works the quarantine"
    for name in ("mail_detail", "mail_original", "mail_accept", "mail_discard", "api:mail-detail",
                 "api:mail-accept", "api:mail-discard")
}
# URL names of objects every carrier staff member sees, whatever accounts they serve, and why: walked
# for customers (404), skipped in the walks of staff.
STAFF_SEE_ALL = {
    name: "network notices are the network's: any staff member reads and updates every one"
    for name in ("maintenance_detail", "maintenance_ics", "maintenance_edit", "maintenance_cancel",
                 "maintenance_status", "api:network-notice-detail", "api:network-notice-cancel",
                 "api:network-notice-set-status")
}
# URL names of the outgoing webhooks' endpoints and deliveries: the carrier admins' only (they carry
# every company's events), so walked for customers and staff alike, who must get 404.
WEBHOOK_ENDPOINT_ROUTES = ("webhook_detail", "webhook_edit", "webhook_delete", "webhook_rotate_secret",
                           "api:webhook-endpoint-detail", "api:webhook-endpoint-rotate-secret")
WEBHOOK_DELIVERY_ROUTES = ("webhook_delivery", "webhook_delivery_replay", "api:webhook-delivery-detail",
                           "api:webhook-delivery-replay")


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
    if name.startswith("api:mail-") or name.startswith("mail_"):
        return {"pk": foreign.inbound.pk}
    if name in STAFF_SEE_ALL:
        return {"pk": foreign.network_notice.pk}
    if name in WEBHOOK_ENDPOINT_ROUTES:
        return {"pk": foreign.webhook_endpoint.pk}
    if name in WEBHOOK_DELIVERY_ROUTES:
        return {"pk": foreign.webhook_delivery.pk}
    if name in ("touchpoints_plan", "touchpoints_item_create"):
        return {"company_id": company.pk}
    touchpoints = {
        "touchpoints_item_edit": foreign.plan_item, "api:review-plan-item-detail": foreign.plan_item,
        "touchpoints_occurrence": foreign.occurrence, "touchpoints_hold": foreign.occurrence,
        "api:review-occurrence-detail": foreign.occurrence, "api:review-occurrence-hold": foreign.occurrence,
        "touchpoints_action_done": foreign.review_action, "api:review-action-item-detail": foreign.review_action,
        "api:review-action-item-done": foreign.review_action,
    }
    if name in touchpoints:
        return {"pk": touchpoints[name].pk}
    service_rows = {
        "service_time_entry_edit": foreign.time_entry, "service_time_entry_delete": foreign.time_entry,
        "api:service-time-entry-detail": foreign.time_entry,
        "service_package_edit": foreign.service_package, "api:service-package-detail": foreign.service_package,
    }
    if name in service_rows:
        return {"pk": service_rows[name].pk}
    if name in ("service_company_usage", "service_package_create"):
        return {"company_id": company.pk}
    if name.startswith("service_report") or name == "service_credit_create":
        return {"company_id": company.pk}
    if name == "service_credit_action":
        return {"pk": foreign.service_credit.pk, "action": "approve"}
    if name.startswith("api:service-credit-"):
        return {"pk": foreign.service_credit.pk}
    if name.startswith("api:service-report-"):
        return {"pk": company.pk}
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
        "escalation_follow": {"pk": item.pk},
        "escalation_schedule": {"pk": item.pk},
        "escalation_reschedule": {"pk": item.pk},
        "queue_action": {"pk": item.pk, "action": "respond"},
        "queue_panel": {"pk": item.pk},
        "escalation_action": {"pk": item.pk, "action": "acknowledge"},
        "account_detail": {"account_id": account.pk},
        "company_users": {"company_id": company.pk},
        "company_two_factor": {"company_id": company.pk},
        "membership_edit": {"company_id": company.pk, "membership_id": foreign.membership.pk},
        "api:membership-detail": {"pk": foreign.membership.pk},
        "api:invitation-detail": {"pk": foreign.invitation.pk},
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
        # API tokens are their user's own: another user's token is "not found".
        "api_token_detail": {"pk": foreign.api_token.pk},
        "api_token_revoke": {"pk": foreign.api_token.pk},
        # A notice is its recipient's own: opening another user's is "not found".
        "notification_open": {"pk": foreign.notice.pk},
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
    from accountteam.tokens import api_token_create

    foreign.api_token, _ = api_token_create(user=foreign.user, name="Foreign script")
    calendar_feed_get_or_create(user=foreign.user, rotate=True)
    from accountteam.models import Notification

    foreign.notice = Notification.objects.create(
        key="foreign:notice", kind="team_change", recipient=foreign.user, subject="Foreign notice", body="Foreign",
        url="/",
    )
    from teams.services import invitation_create

    foreign.invitation = invitation_create(
        actor=foreign.user, company=foreign.company, email="invited@foreign.example", permissions={},
        accept_url_builder=lambda token: f"/invitations/{token}/",
    )
    _foreign_handoff(foreign)
    _foreign_postmortem(foreign)
    _foreign_service(foreign)
    _foreign_webhook(foreign)
    _foreign_network_notice(foreign)
    _foreign_touchpoints(foreign)
    from tests.mailin.factories import InboundMessageFactory

    # A quarantined message from the foreign company's user, about its account.
    foreign.inbound = InboundMessageFactory(sender=foreign.user.email, user=foreign.user, account=foreign.account,
                                            company=foreign.company, reason="not_member")
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


def _foreign_touchpoints(foreign):
    """The foreign company's review plan: a touch point held (its minutes and an action item shared
    with the company's users), the next one due."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accountteam.clock import carrier_today
    from touchpoints import services

    director = get_user_model().objects.get(username="foreign.director")
    foreign.plan_item = services.plan_item_create(
        actor=director, company=foreign.company, kind="touch_point", cadence_months=1,
        owner_role=foreign.assignment.role, first_due_on=carrier_today(),
    )
    foreign.occurrence = services.occurrence_hold(
        actor=director, occurrence=foreign.plan_item.occurrences.get(), account=foreign.account,
        starts_at=timezone.now() - dt.timedelta(hours=2), minutes="Foreign minutes",
        action_items=[{"description": "Foreign action", "owner": foreign.manager, "due_on": carrier_today()}],
    )
    foreign.review_action = foreign.occurrence.action_items.get()


def _foreign_network_notice(foreign):
    """A planned maintenance on the foreign account, published by its service manager."""
    import datetime as dt

    from django.utils import timezone

    from maintenance.services import notice_publish

    starts = timezone.now() + dt.timedelta(days=3)
    foreign.network_notice = notice_publish(
        actor=foreign.manager_user, kind="maintenance", reference="GCR-FOREIGN-1", title="Foreign maintenance",
        starts_at=starts, ends_at=starts + dt.timedelta(hours=4), impact="Foreign impact",
        accounts=[foreign.account],
    )


def _foreign_webhook(foreign):
    """A carrier admin's webhook endpoint, and its delivery of the foreign item's event."""
    from django.utils import timezone

    import webhooks
    from tests.teams.factories import PersonFactory, UserFactory
    from webhooks.models import Delivery
    from webhooks.services import endpoint_create

    admin = PersonFactory(name="Webhook Admin", is_carrier_admin=True, user=UserFactory(username="webhook.admin"))
    foreign.webhook_endpoint, _secret = endpoint_create(
        actor=admin.user, name="Foreign NOC", url="https://noc.example/hooks", events=["escalation.raised"]
    )
    webhooks.emit_many([webhooks.WebhookEvent(name="escalation.raised", occurred_at=timezone.now(),
                                              data={"id": foreign.escalation.pk})])
    foreign.webhook_delivery = Delivery.objects.get(endpoint=foreign.webhook_endpoint)


def _foreign_service(foreign):
    """The foreign company's service package, and an hour its manager logged on its escalation (with
    an internal note)."""
    from decimal import Decimal

    from accountteam.clock import carrier_today
    from service import services
    from service.catalogue import seed_activities
    from service.models import Activity
    from tests.teams.factories import PersonFactory, UserFactory

    seed_activities(Activity)  # a data migration's rows, which a transactional test's flush may have undone
    admin = PersonFactory(name="Foreign Admin", is_carrier_admin=True, user=UserFactory(username="foreign.admin"))
    foreign.service_package = services.package_create(
        actor=admin.user, company=foreign.company, name="Foreign Gold", hours_per_month=Decimal("10"),
        activities=list(Activity.objects.all()), start_date=carrier_today().replace(day=1),
    )
    foreign.time_entry = services.time_entry_create(
        actor=foreign.manager_user, company=foreign.company,
        activity=Activity.objects.get(code="escalation-management"), date=carrier_today(), hours=Decimal("1"),
        note="Internal: a foreign note", escalation=foreign.escalation,
    )
    from servicereports import services as report_services

    foreign.service_credit = report_services.credit_request(
        actor=foreign.manager_user, company=foreign.company, amount="10.00", currency="USD", reason="Foreign credit",
    )


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
    assert set(STAFF_WIDE) <= set(checked)
    assert set(STAFF_SEE_ALL) <= set(checked)
    assert {*WEBHOOK_ENDPOINT_ROUTES, *WEBHOOK_DELIVERY_ROUTES} <= set(checked)


@pytest.mark.django_db
def test_a_foreign_customer_user_gets_404_on_every_mail_url_even_about_their_own_account(client, foreign):
    client.force_login(foreign.user)
    checked = _walk(client, foreign, also_skip={n for n, _, _ in _patterns() if n not in STAFF_WIDE})
    assert set(checked) == set(STAFF_WIDE)


@pytest.mark.django_db
def test_staff_not_on_the_account_gets_404_for_every_url_with_its_objects(client, tenant, foreign):
    client.force_login(tenant.manager_user)
    # Staff see the carrier's directory of people, so a person is not "foreign" to them.
    checked = _walk(client, foreign, also_skip={"api:person-detail", *STAFF_WIDE, *STAFF_SEE_ALL})
    assert "account_detail" in checked
    assert {*WEBHOOK_ENDPOINT_ROUTES, *WEBHOOK_DELIVERY_ROUTES} <= set(checked)  # staff, not admins: 404


# What a user limited to another account of the same company may still open: the company's own
# pages, which are not any one account's.
COMPANY_WIDE = {
    "api:company-detail": "the company itself: its name and kind",
    "touchpoints_plan": "the company's review plan, read by its members with the view-team right",
    "touchpoints_item_create": "the company's review plan (customers may not add to it: 403)",
    "touchpoints_occurrence": "a review of the company (held on one account, shared with the company's users)",
    "touchpoints_hold": "a review of the company (customers may not record it: 403)",
    "touchpoints_action_done": "an action item of the company's review (customers may not mark it: 403)",
    "api:review-plan-item-detail": "the company's review plan",
    "api:review-occurrence-detail": "a review of the company",
    "api:review-occurrence-hold": "a review of the company (customers: 403)",
    "api:review-action-item-detail": "an action item of the company's review",
    "api:review-action-item-done": "an action item of the company's review (customers: 403)",
    "company_users": "the company's users page (without the manage-users right: 403)",
    "company_two_factor": "the company's two-factor setting (without the manage-users right: 403)",
    "membership_edit": "a member of the company (without the manage-users right: 403)",
}


@pytest.mark.django_db
def test_a_user_limited_to_another_account_gets_404_for_every_url_of_this_one(client, foreign):
    """A member of the foreign company with every right but the manage-users one, limited to a
    second account of it: every URL of the first account's objects answers 404."""
    from tests.teams.factories import AccountFactory, MembershipFactory, UserFactory

    other = AccountFactory(company=foreign.company, number="9900-0002")
    limited = MembershipFactory(user=UserFactory(username="limited.user"), company=foreign.company,
                                all_accounts=False, can_request_postmortem=True)
    limited.accounts.set([other])
    client.force_login(limited.user)
    checked = _walk(client, foreign, also_skip={*COMPANY_WIDE, *STAFF_WIDE})
    assert {"account_detail", "escalation_detail", "api:escalation-detail", "dossier", "postmortem_detail",
            "maintenance_detail", "api:network-notice-detail", "meeting_ics"} <= set(checked)


@pytest.mark.django_db
def test_back_office_is_closed_to_customer_users(client, tenant, foreign):
    client.force_login(tenant.user)
    response = client.get(reverse("admin:teams_account_change", args=[foreign.account.pk]))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_a_backup_sees_nothing_of_a_colleague_who_is_in_the_office(client, tenant, foreign):
    """The foreign manager names the home manager as backup: while the foreign manager is in the
    office their items stay theirs, so every URL of them answers 404 to the backup."""
    foreign.manager.backup = tenant.manager
    foreign.manager.save(update_fields=["backup"])
    client.force_login(tenant.manager_user)
    checked = _walk(client, foreign, also_skip={"api:person-detail", *STAFF_WIDE, *STAFF_SEE_ALL})
    assert {"escalation_detail", "api:escalation-detail"} <= set(checked)

    foreign.manager.availability = "out_of_office"
    foreign.manager.save(update_fields=["availability"])
    # Out of the office: the backup works the item (the accounts themselves stay foreign).
    assert client.get(reverse("escalation_detail", args=[foreign.escalation.pk])).status_code == 200
    assert client.get(reverse("account_detail", args=[foreign.account.pk])).status_code == 404


# --- Ids that cannot exist ------------------------------------------------------------------------

# URL parameters that are not ids, and why; every other one names an object by its number.
NOT_IDS = {
    "action": "the name of an action (a slug); an unknown one is the view's 404",
    "verb": "the name of a change to a preventive action (a slug)",
    "part": "a dossier part, routed by its converter",
    "token": "a credential (an invitation's, a calendar feed's), tested with its view",
}
# Not a number at all, and a number no row can have (past every integer column's range).
CANNOT_EXIST = ("abc", "99999999999999999999")
WRITE_METHODS = ("post", "put", "patch", "delete")


def _url(route: str, kwargs: dict) -> str:
    """The path of ``route`` (a ``path()`` route or a router's regex) with ``kwargs`` put in, as
    they are: unlike ``reverse``, a value the route's converter refuses can be put in too."""
    filled = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(kwargs[m.group(1)]), route)
    filled = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), filled)
    return "/" + filled.replace("^", "").replace("$", "")


def _routes_with_ids(foreign):
    """(name, route, valid kwargs, id parameter names) for every walked route that takes an id."""
    for name, keys, route in _patterns():
        if "format" in keys or name.split(":")[0] in NAMESPACES_NOT_WALKED or route.startswith("auth/"):
            continue  # a format suffix is the same view again
        ids = keys - NOT_IDS.keys()
        if not ids:
            continue
        kwargs = {"pk": foreign.assignment.role.pk} if name == "api:role-detail" else foreign_kwargs(name, foreign)
        assert kwargs is not None, f"URL {name!r} ({route}): add it to foreign_kwargs()"
        yield name, route, kwargs, ids


@pytest.mark.django_db
def test_an_id_that_cannot_exist_answers_404_on_every_route(client, foreign):
    # Signed in as the staff of the objects' company, with every other parameter right: only the
    # id is wrong, so nothing but the id can be what answers.
    client.force_login(foreign.manager_user)
    wrong, checked = [], set()
    for name, route, kwargs, ids in _routes_with_ids(foreign):
        for param in sorted(ids):
            for bad in CANNOT_EXIST:
                url = _url(route, kwargs | {param: bad})
                statuses = {client.generic(method.upper(), url).status_code for method in ("get", *WRITE_METHODS)}
                # A number routes, so a method the route does not serve may answer 405 first.
                allowed = {404} if not bad.isdigit() else {404, 405}
                if not (statuses <= allowed and 404 in statuses):
                    wrong.append(f"{name} {url} answered {sorted(statuses)}")
        checked.add(name)
    assert wrong == []
    assert {"api:handoff-detail", "api:postmortem-pdf", "api:postmortem-preventive-action", "handoff_detail",
            "mail_detail", "api:mail-accept"} <= checked


# --- Writes: who may, before what they send -------------------------------------------------------

# API routes a customer user may write to, and why: an empty body is their 400. Every other API
# write is the carrier staff's, refused before the body is read: 403, or 404 for an object the
# customer cannot see (a handoff), or 405 for a method the route does not serve.
CUSTOMER_WRITES = {
    "api_token": "signing in for a token: the body is the credentials",
    "api_tokens_list": "anyone signed in makes their own API tokens",
    "api_token_detail": "and revokes their own",
    "api:me-settings": "anyone signed in changes their own settings",
    "api:escalation-list": "customers raise escalations",
    "api:escalation-comment": "and comment on their items",
    "api:escalation-escalate": "and take them to the director (staff escalate too)",
    "api:escalation-cancel": "and cancel what they raised by mistake (staff cancel too)",
    "api:escalation-reopen": "and reopen a resolved item (customers only)",
    "api:escalation-follow": "and follow an item of their company",
    "api:escalation-unfollow": "or stop following it",
    "api:postmortem-list": "customers with the post-mortem right request one",
    "api:dossier-contact-list": "a customer's user managers keep their company's contacts",
    "api:dossier-contact-detail": "a customer's user managers keep their company's contacts",
    "api:company-detail": "a customer's user managers set their company's two-factor rule",
    "api:membership-detail": "a customer's user managers change their company's members' rights",
    "api:invitation-list": "a customer's user managers invite users",
}


@pytest.mark.django_db
def test_staff_only_api_writes_refuse_a_customer_before_reading_the_body(client, foreign):
    # The foreign company's own customer user (every right, a user manager): the objects are
    # theirs to see, so the refusal is about the write, not about scope.
    client.force_login(foreign.user)
    names = {name for name, _, route in _patterns() if route.startswith("api/")}
    assert set(CUSTOMER_WRITES) <= names, "CUSTOMER_WRITES names a route that is gone"
    wrong, checked = [], set()
    for name, keys, route in _patterns():
        if not route.startswith("api/") or "format" in keys or name in CUSTOMER_WRITES:
            continue  # a format suffix is the same view again
        kwargs = {"pk": foreign.assignment.role.pk} if name == "api:role-detail" else foreign_kwargs(name, foreign)
        url = _url(route, kwargs or {})
        for method in WRITE_METHODS:
            response = client.generic(method.upper(), url, "{}", content_type="application/json")
            if response.status_code not in (403, 404, 405):
                wrong.append(f"{method.upper()} {name} {url} answered {response.status_code}: {response.content[:120]}")
        checked.add(name)
    assert wrong == []
    staff_writes = {"api:handoff-list", "api:escalation-acknowledge", "api:postmortem-accept", "api:postmortem-notes",
                    "api:mail-accept", "api:mail-discard"}
    assert staff_writes <= checked
    assert {"api:network-notice-list", "api:network-notice-detail", "api:network-notice-set-status"} <= checked


# --- NUL characters in query parameters -----------------------------------------------------------

# Every query parameter a page reads; a NUL in any of them is the page's error to show, never a 500.
PAGE_QUERY_PARAMETERS = (
    "q", "status", "channel", "category", "overdue", "page", "account", "company", "director", "person",
    "format", "table", "group_by", "from", "to", "period", "state", "level", "version",
    "week", "month", "escalation", "meeting", "postmortem", "date_from", "date_to", "action", "actor",
)
# Pages whose 5xx is their answer, and why.
SERVER_ERRORS_BY_DESIGN = {
    "readyz": "its 503 says the database, the cache or the broker is down; it reads no parameter",
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["user", "manager_user", "director"])
def test_a_nul_character_in_any_query_parameter_of_any_page_is_not_a_server_error(client, foreign, who):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="foreign.director") if who == "director" else getattr(foreign, who)
    client.force_login(user)
    every = dict.fromkeys(PAGE_QUERY_PARAMETERS, "a\x00b")
    wrong = []
    for name, keys, route in _patterns():
        keys.discard("format")
        if route.startswith(("api/", "auth/", "admin/")) or name in NOT_TENANT_DATA | SERVER_ERRORS_BY_DESIGN.keys():
            continue
        url = _url(route, foreign_kwargs(name, foreign) if keys else {})
        # All at once; and one by one on the lists and reports (no URL parameters), where a
        # refused parameter could otherwise answer before the next one is read.
        queries = [every] + ([{param: "a\x00b"} for param in every] if not keys and who == "director" else [])
        for query in queries:
            status = client.get(url, query).status_code
            if status >= 500:
                wrong.append(f"{name} {url}?{'&'.join(query)} (NUL) answered {status}")
    assert wrong == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/v1/postmortems/", "q"),
        ("/api/v1/handoffs/", "q"),
        ("/api/v1/mail/", "q"),
        ("/api/v1/network-notices/", "q"),
        ("/api/v1/accounts/{account}/dossier/history/", "part"),
    ],
)
def test_a_nul_character_in_an_api_query_parameter_is_a_400_naming_it(client, foreign, path, param):
    client.force_login(foreign.manager_user)

    response = client.get(path.format(account=foreign.account.pk), {param: "\x00"})

    assert response.status_code == 400
    assert list(response.json()) == [param]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/accounts/", "/escalations/", "/postmortems/", "/handoffs/", "/mail/", "/maintenance/"]
)
def test_a_nul_character_in_a_list_search_is_an_error_on_the_page(client, foreign, path):
    client.force_login(foreign.manager_user)

    response = client.get(path, {"q": "Foreign\x00"})

    assert response.status_code == 200
    assert "Search: Null characters are not allowed." in response.content.decode()

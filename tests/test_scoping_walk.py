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
    }
    return table.get(name)


def _walk(client, foreign, *, also_skip=frozenset()):
    checked = []
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
        assert statuses <= {403, 404, 405}, f"{name} {url} answered {statuses}"
        assert statuses & {403, 404}, f"{name} {url} answered {statuses}"
        checked.append(name)
    return checked


@pytest.fixture
def foreign(foreign):
    from escalations.services import escalation_create

    foreign.escalation = escalation_create(
        actor=foreign.user, account=foreign.account, channel="pager", category="repair", subject="Circuit down"
    )
    return foreign


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

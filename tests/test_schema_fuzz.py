"""Schema-driven fuzzing: every operation of the API, with requests generated from its OpenAPI
schema by schemathesis, answers without a server error and as the schema documents it.

- The schema is the one the portal serves (``/api/schema/``), loaded in-process through the WSGI
  application: no server, and the requests run in the test's transaction.
- Each test signs in one kind of caller with a session cookie (and the CSRF token a session's
  writes need): a customer user, a service manager, a carrier admin, on the demo data set
  (``manage.py seed_demo``).
- Every operation gets ``MAX_EXAMPLES`` generated requests (schemathesis' fuzzing phase, valid and
  schema-breaking ones: wrong types, missing fields, NUL characters, ids that cannot exist). The
  carrier admin, who may write everywhere and so reaches every input check, also gets the coverage
  phase: the invalid values schemathesis derives from each parameter and field in turn, repeated
  query parameters, and the methods a route does not serve.
- Path ids are drawn from the database's rows as the test starts (the caller's and others') about
  half the time, so requests reach real objects, and from the generator otherwise.
- Generation is deterministic (derandomized, no example database): a failure reproduces.

The checks: no 5xx, and the answer conforms to the schema: its status code is documented, its
content type too, and its body matches the documented shape. Whether an input should have been
accepted is for the other tests.

No operation is left out. ``pytest -m fuzz`` runs only these; they run in the normal suite too.
"""

from __future__ import annotations

import io
import secrets

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _config(*, coverage: bool) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "generation": {
                "mode": "all",  # valid requests and requests that break the schema
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "database": "none",
                # The session cookie authenticates; a generated Authorization header would not.
                "with-security-parameters": False,
                # A failure is reported as generated: shrinking it would cost more than it tells.
                "no-shrink": True,
            },
            "phases": {
                # Each test is one caller's walk over the operations, not a sequence of calls.
                "stateful": {"enabled": False},
                # Invalid values of each parameter and field in turn (the valid ones are the fuzzing
                # phase's), repeated query parameters, and the methods a route does not serve.
                "coverage": {"enabled": coverage, "generation": {"mode": "negative"}},
            },
        }
    )


@pytest.fixture
def demo_data(db):
    from accountteam.tokens import api_token_create

    call_command("seed_demo", stdout=io.StringIO())
    from tests.mailin.factories import InboundMessageFactory

    InboundMessageFactory.create_batch(2)  # so that mail/{id}/ has rows in quarantine
    for username in ("clec.user", "service.manager", "carrier.admin"):  # so that tokens/{id}/ has rows
        api_token_create(user=get_user_model().objects.get(username=username), name="Fuzzing")
    _webhook_rows()


def _webhook_rows():
    """A webhook endpoint and deliveries (pending and failed), so that webhooks/…/{id}/ have rows."""
    from django.utils import timezone

    import webhooks
    from escalations.models import Escalation
    from escalations.webhook_events import item_event
    from webhooks.models import Delivery
    from webhooks.services import endpoint_create

    admin = get_user_model().objects.get(username="carrier.admin")
    endpoint_create(actor=admin, name="Fuzzing", url="https://noc.example/hooks", events=["escalation.raised"])
    item = Escalation.objects.select_related("company", "account").order_by("pk").first()
    webhooks.emit_many([item_event("escalation.raised", item, timezone.now())] * 2)
    Delivery.objects.filter(pk=Delivery.objects.order_by("pk").values("pk")[:1]).update(status="failed")


@pytest.fixture
def wsgi_app():
    """The portal as a WSGI application. Its requests run inside the test's transaction, so the
    per-request clean-up of connections (which would close it) is off, as in Django's test client."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _real_path_parameters() -> dict:
    """Per route (a path template or its start), the rows whose ids fill its path parameters."""
    from accountteam.models import ApiToken
    from dossiers.models import Amendment, Contact, DossierFile, Meeting, Proposal
    from escalations.models import Escalation
    from handoffs.models import ChecklistItem, Handoff
    from mailin.models import InboundMessage
    from maintenance.models import NetworkNotice
    from postmortems.models import PostMortem, PreventiveAction
    from service.models import ServicePackage, TimeEntry
    from servicereports.models import ServiceCredit
    from teams.models import Account, Assignment, Company, Invitation, Membership, Person, Role
    from touchpoints.models import ActionItem, Occurrence, PlanItem
    from webhooks.models import Delivery, Endpoint

    # In the order of their ids, so that the same draws pick the same rows on every run.
    def ids(model, name="id"):
        return lambda: [{name: pk} for pk in model.objects.order_by("pk").values_list("pk", flat=True)]

    def dossier(model):
        return lambda: [
            {"account_id": a, "id": pk} for pk, a in model.objects.order_by("pk").values_list("pk", "account_id")
        ]

    return {
        "/api/v1/auth/tokens/{id}/": ids(ApiToken),
        "/api/v1/companies/{id}/": ids(Company),
        "/api/v1/accounts/{id}/": ids(Account),
        "/api/v1/people/{id}/": ids(Person),
        "/api/v1/roles/{id}/": ids(Role),
        "/api/v1/assignments/{id}/": ids(Assignment),
        "/api/v1/memberships/{id}/": ids(Membership),
        "/api/v1/invitations/{id}/": ids(Invitation),
        "/api/v1/escalations/{id}/": ids(Escalation),
        "/api/v1/handoffs/{id}/": ids(Handoff),
        "/api/v1/postmortems/{id}/": ids(PostMortem),
        "/api/v1/mail/{id}/": ids(InboundMessage),
        "/api/v1/service/packages/{id}/": ids(ServicePackage),
        "/api/v1/service/time-entries/{id}/": ids(TimeEntry),
        "/api/v1/network-notices/{id}/": ids(NetworkNotice),
        "/api/v1/review-plan-items/{id}/": ids(PlanItem),
        "/api/v1/review-occurrences/{id}/": ids(Occurrence),
        "/api/v1/review-action-items/{id}/": ids(ActionItem),
        "/api/v1/service-reports/{id}/": ids(Company),
        "/api/v1/service-credits/{id}/": ids(ServiceCredit),
        "/api/v1/webhooks/endpoints/{id}/": ids(Endpoint),
        "/api/v1/webhooks/deliveries/{id}/": ids(Delivery),
        "/api/v1/accounts/{account_id}/dossier/": ids(Account, "account_id"),
        "/api/v1/handoffs/{id}/items/{item_id}/": lambda: [
            {"id": h, "item_id": pk}
            for pk, h in ChecklistItem.objects.order_by("pk").values_list("pk", "handoff_account__handoff")
        ],
        "/api/v1/postmortems/{id}/preventive-actions/{action_id}/": lambda: [
            {"id": p, "action_id": pk}
            for pk, p in PreventiveAction.objects.order_by("pk").values_list("pk", "postmortem")
        ],
        "/api/v1/accounts/{account_id}/dossier/contacts/{id}/": dossier(Contact),
        "/api/v1/accounts/{account_id}/dossier/amendments/{id}/": dossier(Amendment),
        "/api/v1/accounts/{account_id}/dossier/meetings/{id}/": dossier(Meeting),
        "/api/v1/accounts/{account_id}/dossier/proposals/{id}/": dossier(Proposal),
        "/api/v1/accounts/{account_id}/dossier/files/{id}/": dossier(DossierFile),
    }


def _parameter_names(template: str) -> set[str]:
    return {part[1:-1] for part in template.split("/") if part.startswith("{")}


def _load(wsgi_app, *, coverage: bool):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, config=_config(coverage=coverage))
    # Read once, before the first request: a strategy that changed as requests delete rows would
    # make Hypothesis' replays inconsistent. A row deleted since is simply a 404.
    routes = {route: rows() for route, rows in _real_path_parameters().items()}
    for operation in schema.get_all_operations():
        path = operation.ok().path
        if "{" in path:
            assert _route_of(routes, path) is not None, f"{path}: add its rows to _real_path_parameters()"

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        real = routes[_route_of(routes, context.operation.path)] if path_parameters else []
        if not real:
            return st.just(path_parameters)
        return st.one_of(st.sampled_from(real), st.just(path_parameters))

    return schema


def _route_of(routes, path: str) -> str | None:
    """The longest route that ``path`` starts with and that names all of its parameters."""
    names = _parameter_names(path)
    matches = [route for route in routes if path.startswith(route) and _parameter_names(route) == names]
    return max(matches, key=len) if matches else None


@pytest.fixture
def api_schema(demo_data, wsgi_app):
    return _load(wsgi_app, coverage=False)


@pytest.fixture
def api_schema_with_coverage(demo_data, wsgi_app):
    return _load(wsgi_app, coverage=True)


fuzzed = schemathesis.pytest.from_fixture("api_schema")
fuzzed_and_covered = schemathesis.pytest.from_fixture("api_schema_with_coverage")


def _signed_in(username: str) -> dict:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    csrf = secrets.token_hex(16)  # a CSRF secret (32 characters), as the cookie and the header
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf},
        "headers": {"X-CSRFToken": csrf},
    }


@pytest.fixture
def customer_user(demo_data):
    return _signed_in("clec.user")


@pytest.fixture
def service_manager(demo_data):
    return _signed_in("service.manager")


@pytest.fixture
def carrier_admin(demo_data):
    return _signed_in("carrier.admin")


def _call(case, session):
    case.call_and_validate(cookies=session["cookies"], headers=session["headers"], checks=CHECKS)


@fuzzed.parametrize()
def test_every_operation_as_a_customer_user(case, customer_user):
    _call(case, customer_user)


@fuzzed.parametrize()
def test_every_operation_as_a_service_manager(case, service_manager):
    _call(case, service_manager)


@fuzzed_and_covered.parametrize()
def test_every_operation_as_a_carrier_admin(case, carrier_admin):
    _call(case, carrier_admin)

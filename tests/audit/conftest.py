import datetime as dt

import pytest
from django.utils import timezone

from accountteam.models import AuditAction
from tests.audit.factories import AuditEventFactory


@pytest.fixture
def trail(tenant, foreign, admin):
    """Events of both companies, and the carrier's own (internal, and of no company)."""
    now = timezone.now()
    return {
        "home_sign_in": AuditEventFactory(
            action=AuditAction.SIGN_IN_SUCCEEDED, actor=tenant.user, actor_name="Home User",
            company_id=tenant.company.pk, company_name=tenant.company.name, at=now - dt.timedelta(days=1),
        ),
        "home_token": AuditEventFactory(
            action=AuditAction.API_TOKEN_CREATED, actor=tenant.user, actor_name="Home User",
            company_id=tenant.company.pk, company_name=tenant.company.name, summary="API token “%(name)s” made.",
            details={"name": "Home script"}, at=now - dt.timedelta(hours=1),
        ),
        "home_policy": AuditEventFactory(
            action=AuditAction.RESPONSE_POLICY_UPDATED, actor=admin.user, actor_name="Ada Admin", internal=True,
            company_id=tenant.company.pk, company_name=tenant.company.name, at=now - dt.timedelta(minutes=30),
        ),
        "foreign_sign_in": AuditEventFactory(
            action=AuditAction.SIGN_IN_FAILED, actor=None, actor_name="foreign.user",
            company_id=foreign.company.pk, company_name=foreign.company.name, at=now - dt.timedelta(minutes=20),
        ),
        "staff_availability": AuditEventFactory(
            action=AuditAction.AVAILABILITY_CHANGED, actor=tenant.manager_user, actor_name="Home Manager",
            internal=True, at=now - dt.timedelta(minutes=10),
        ),
    }

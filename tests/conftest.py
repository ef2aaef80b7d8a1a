import pytest
from django.core.cache import cache

from tests.teams.factories import (
    AccountFactory,
    AssignmentFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Sign-ins in tests need not cost a million hash rounds each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Rate limits count in the cache: start every test from an empty one.
    if not settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


@pytest.fixture
def eager_tasks():
    """Tasks run in the process instead of going to the broker (no stray messages)."""
    from accountteam.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


class Tenant:
    """A customer company with one account, a full-rights user and a service manager."""

    def __init__(self, label: str):
        self.account = AccountFactory(company__name=f"{label} Telecom")
        self.company = self.account.company
        self.user = UserFactory(username=f"{label.lower()}.user")
        self.membership = MembershipFactory(
            user=self.user, company=self.company, can_request_postmortem=True, can_manage_users=True
        )
        self.manager = PersonFactory(name=f"{label} Manager")
        self.manager_user = UserFactory(username=f"{label.lower()}.manager")
        self.manager.user = self.manager_user
        self.manager.save()
        self.assignment = AssignmentFactory(
            account=self.account, person=self.manager, role=RoleFactory(code="service-manager")
        )


@pytest.fixture
def tenant(db):
    return Tenant("Home")


@pytest.fixture
def foreign(db):
    return Tenant("Foreign")

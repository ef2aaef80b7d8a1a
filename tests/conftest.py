import os
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine
from django.core.cache import cache

from tests.clients import signed_in
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
    elif worker := os.environ.get("PYTEST_XDIST_WORKER"):
        # Each pytest-xdist process has its own Redis database, so one's FLUSHDB and rate-limit
        # counters never reach the other: CACHE_URL's database for gw0, the next one for gw1.
        default = settings.CACHES["default"]
        settings.CACHES = {"default": default | {"LOCATION": worker_database(default["LOCATION"], worker)}}
    cache.clear()


def worker_database(url: str, worker: str) -> str:
    """``redis://host:port/1`` for worker ``gw2`` is ``redis://host:port/3``."""
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + int(worker.removeprefix('gw'))}"))


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


@pytest.fixture
def make_client():
    """How ``customer``, ``staff`` and ``director_client`` are signed in: ``make_client(user)``, a
    browser session by default. An API test module overrides it with its own API client."""
    return signed_in


@pytest.fixture
def manager(tenant):
    """The home tenant's service manager's portal user."""
    return tenant.manager_user


@pytest.fixture
def customer(tenant, make_client):
    """The home tenant's full-rights customer user, signed in."""
    return make_client(tenant.user)


@pytest.fixture
def staff(tenant, make_client):
    """The home tenant's service manager, signed in."""
    return make_client(tenant.manager_user)


@pytest.fixture
def director_name():
    """The name of the ``director`` (her username: the name in lower case, a dot for the space).
    A folder's conftest overrides it to name its own director."""
    return "Home Director"


@pytest.fixture
def director(tenant, director_name):
    """The home tenant's service manager reports to this director, who has a portal user."""
    person = PersonFactory(
        name=director_name, title="Director", user=UserFactory(username=director_name.lower().replace(" ", "."))
    )
    tenant.manager.reports_to = person
    tenant.manager.save(update_fields=["reports_to"])
    return person


@pytest.fixture
def director_client(director, make_client):
    return make_client(director.user)


@pytest.fixture
def admin(db):
    """A carrier admin with a portal user."""
    return PersonFactory(
        name="Ada Admin", title="Carrier admin", is_carrier_admin=True, user=UserFactory(username="ada.admin")
    )


def clock_at(instant, *, autouse=False):
    """A ``clock`` fixture for a test module or folder: time stands still at ``instant`` until a
    test moves it (``clock.move_to``). ``clock = clock_at(NOW)``, autouse for every test there."""

    @pytest.fixture(name="clock", autouse=autouse)
    def clock():
        with time_machine.travel(instant, tick=False) as traveller:
            yield traveller

    return clock


def pytest_collection_modifyitems(config, items):
    """Tests that run a real Celery worker share the broker's queue: under pytest-xdist they all
    run in one process (``--dist loadgroup``), one after the other."""
    for item in items:
        if item.get_closest_marker("worker") is not None:
            item.add_marker(pytest.mark.xdist_group("broker"))

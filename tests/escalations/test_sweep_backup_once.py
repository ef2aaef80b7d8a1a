"""The sweep's backup notices go out once per point, whether it runs twice or late."""

import pytest

from accountteam.models import Notification
from escalations.sweep import escalations_sweep
from tests.escalations.factories import denver, raise_item
from tests.teams.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]


@pytest.fixture
def backup(tenant):
    person = PersonFactory(name="Bea Backup")
    tenant.manager.availability = "out_of_office"
    tenant.manager.availability_until = denver(2026, 1, 20, 8, 0)
    tenant.manager.backup = person
    tenant.manager.save()
    return person


def test_each_point_reaches_the_backup_once(tenant, backup):
    raise_item(tenant, at=denver(2026, 1, 13, 10, 0))
    for at in (
        denver(2026, 1, 13, 14, 0),
        denver(2026, 1, 13, 14, 0),
        denver(2026, 1, 13, 14, 5),
        denver(2026, 1, 14, 9, 0),
        denver(2026, 1, 14, 9, 0),
        denver(2026, 1, 15, 12, 0),
    ):
        escalations_sweep(now=at)
    kinds = sorted(Notification.objects.filter(email=backup.email).values_list("kind", flat=True))
    assert kinds == ["backup_assigned", "overdue", "reminder"]

"""The weekly digest: Celery beat runs ``reviews.tasks.weekly_digests`` hourly; each director gets
one email on Monday in the 07:00 hour of their own calendar's zone, exactly once per ISO week,
with the group's overdue items and last week's compliance.

Monday 19 Jan 2026: 07:05 in Chicago (CST, UTC−6) is 13:05 UTC; in Denver (MST, UTC−7) 14:05 UTC.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import translation

from accountteam.celery import app
from accountteam.models import Notification, UserSettings
from escalations import services
from reviews import tasks
from tests.escalations.factories import denver, raise_item
from tests.reviews.conftest import calendar
from tests.teams.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
MONDAY_0705_CHICAGO = dt.datetime(2026, 1, 19, 7, 5, tzinfo=CHICAGO)
MONDAY_0705_DENVER = denver(2026, 1, 19, 7, 5)


@pytest.fixture
def week(tenant, director, foreign):
    """Last week (12–18 Jan) Home Manager answered one pager in time and one late; one raised on
    Friday is still unanswered (overdue). Another group's overdue item must not appear."""
    home = tenant.manager_user
    quick = raise_item(tenant, at=denver(2026, 1, 13, 10), subject="Quick one")
    services.escalation_respond(actor=home, escalation=quick, now=denver(2026, 1, 13, 10, 10))
    late = raise_item(tenant, at=denver(2026, 1, 13, 11), subject="Late one")
    services.escalation_respond(actor=home, escalation=late, now=denver(2026, 1, 13, 11, 45))
    forgotten = raise_item(tenant, at=denver(2026, 1, 16, 10), subject="T1 to Boulder down")
    raise_item(foreign, at=denver(2026, 1, 16, 10), subject="Foreign outage")
    return {"quick": quick, "late": late, "forgotten": forgotten}


def run_at(instant, capture) -> int:
    """Run the hourly task at ``instant`` as beat would; mail goes out after commit."""
    with time_machine.travel(instant, tick=False), capture(execute=True):
        return tasks.weekly_digests.apply().get()


def digests() -> list[Notification]:
    return list(Notification.objects.filter(kind="digest").order_by("pk"))


def test_beat_runs_the_digest_task_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["reviews-weekly-digests"]
    assert entry["task"] == "reviews.tasks.weekly_digests"
    assert entry["schedule"].minute == {5}
    assert len(entry["schedule"].hour) == 24
    assert "reviews.tasks.weekly_digests" in app.tasks


def test_director_gets_the_digest_on_monday_at_7_with_overdue_items_and_last_weeks_figures(
    week, director, eager_tasks, django_capture_on_commit_callbacks
):
    assert run_at(MONDAY_0705_DENVER, django_capture_on_commit_callbacks) == 1
    (message,) = mail.outbox
    assert message.to == [director.email]
    assert message.subject == "[Summit Wholesale] Weekly review 2026-W03: 1 overdue, 33% met due"
    body = message.body
    assert "OVERDUE NOW: 1" in body
    assert f"#{week['forgotten'].pk} T1 to Boulder down (Home Telecom" in body
    assert "Home Manager, due Fri 16 Jan 10:30 MST" in body
    assert "Foreign outage" not in body
    assert "LAST WEEK (Mon 12 Jan - Sun 18 Jan 2026)" in body
    assert "Received: 3" in body
    assert "Met target: 33% (1 of 3)" in body
    assert "Met due: 33% (1 of 3)" in body
    assert "Median first response: 27 min (90th percentile 41 min)" in body
    assert "- Home Manager: 3 received, met due 33% (1 of 3)" in body
    assert "Reassign or open overdue items: http://127.0.0.1:8000/review/" in body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html" and "T1 to Boulder down" in html
    (notice,) = digests()
    assert (notice.key, notice.recipient, notice.url) == (
        f"digest:{director.pk}:2026-W04",
        director.user,
        "/review/digest/",
    )


def test_running_twice_in_the_hour_sends_one_digest(week, director, eager_tasks, django_capture_on_commit_callbacks):
    assert run_at(MONDAY_0705_DENVER, django_capture_on_commit_callbacks) == 1
    assert run_at(MONDAY_0705_DENVER, django_capture_on_commit_callbacks) == 0
    assert run_at(MONDAY_0705_DENVER + dt.timedelta(minutes=50), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
    assert len(digests()) == 1


def test_next_monday_brings_the_next_weeks_digest(week, director, eager_tasks, django_capture_on_commit_callbacks):
    run_at(MONDAY_0705_DENVER, django_capture_on_commit_callbacks)
    run_at(MONDAY_0705_DENVER + dt.timedelta(days=7), django_capture_on_commit_callbacks)
    assert [n.key for n in digests()] == [f"digest:{director.pk}:2026-W04", f"digest:{director.pk}:2026-W05"]
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    "local",
    [
        denver(2026, 1, 19, 6, 55),  # Monday, too early
        denver(2026, 1, 19, 8, 5),  # Monday, an hour late
        denver(2026, 1, 20, 7, 5),  # Tuesday
        denver(2026, 1, 18, 7, 5),  # Sunday
    ],
    ids=["monday-06", "monday-08", "tuesday-07", "sunday-07"],
)
def test_no_digest_at_other_hours_or_days(week, director, local, eager_tasks, django_capture_on_commit_callbacks):
    assert run_at(local, django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert digests() == []


def test_each_director_gets_it_at_7_on_their_own_clock(
    tenant, director, foreign, other_director, eager_tasks, django_capture_on_commit_callbacks
):
    # Olga works from Chicago: her Monday 07:00 comes an hour before Dana's in Denver.
    other_director.calendar = calendar("Chicago office", "America/Chicago")
    other_director.save(update_fields=["calendar"])

    assert run_at(MONDAY_0705_CHICAGO, django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[other_director.email]]
    assert MONDAY_0705_CHICAGO.astimezone(ZoneInfo("America/Denver")).hour == 6  # Dana: not yet

    assert run_at(MONDAY_0705_DENVER, django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[other_director.email], [director.email]]
    assert [n.key for n in digests()] == [f"digest:{other_director.pk}:2026-W04", f"digest:{director.pk}:2026-W04"]


def test_only_directors_who_sign_in_and_have_active_reports_get_one(
    tenant, director, eager_tasks, django_capture_on_commit_callbacks
):
    PersonFactory(name="No Sign-in Director").reports.add(PersonFactory(name="Their report"))
    lapsed = PersonFactory(name="Lapsed Director", user=UserFactory(username="lapsed"))
    PersonFactory(name="Gone", reports_to=lapsed, is_active=False)
    assert run_at(MONDAY_0705_DENVER, django_capture_on_commit_callbacks) == 1
    assert [m.to for m in mail.outbox] == [[director.email]]


def test_director_who_turned_email_off_gets_it_under_the_bell_only(
    week, director, eager_tasks, django_capture_on_commit_callbacks
):
    UserSettings.objects.create(user=director.user, notify_by_email=False)
    assert run_at(MONDAY_0705_DENVER, django_capture_on_commit_callbacks) == 1
    assert mail.outbox == []
    (notice,) = digests()
    assert notice.in_app and not notice.email_due


def test_quiet_week_still_sends_a_digest_saying_so(director, tenant, eager_tasks, django_capture_on_commit_callbacks):
    run_at(MONDAY_0705_DENVER, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject.endswith("0 overdue, nothing due")
    assert "Nothing is overdue." in message.body
    assert "Received: 0" in message.body


def test_the_digest_is_written_in_the_directors_language(
    week, director, eager_tasks, django_capture_on_commit_callbacks
):
    UserSettings.objects.create(user=director.user, language="es")

    with translation.override("en"):  # the beat's worker
        assert run_at(MONDAY_0705_DENVER, django_capture_on_commit_callbacks) == 1

    (notice,) = digests()
    assert notice.language == "es"
    assert notice.subject == "Revisión semanal 2026-W03: 1 vencido, 33% dentro del plazo"
    assert "VENCIDOS AHORA: 1" in notice.body
    assert "Recibidos: 3" in notice.body
    assert "SEMANA PASADA (" in notice.body
    assert "OVERDUE NOW" not in notice.body and "Received:" not in notice.body
    (message,) = mail.outbox
    assert message.subject == "[Summit Wholesale] Revisión semanal 2026-W03: 1 vencido, 33% dentro del plazo"
    assert message.extra_headers["Content-Language"] == "es"

"""Tasks sent through the configured broker are executed by a real Celery worker."""

import datetime as dt
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.management import CommandError, call_command
from django.utils import timezone

from accountteam.celery import app
from teams import tasks
from teams.models import Person
from tests.teams.factories import PersonFactory


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_task_sent_through_the_broker_is_run_by_a_worker(settings):
    """Whatever CELERY_BROKER_URL says (Redis in CI, the embedded SQLite broker by default)."""
    person = PersonFactory(
        availability="out_of_office", availability_until=timezone.now() - dt.timedelta(minutes=5)
    )
    # A queue of its own, so that a worker of a running `make run` cannot take the message.
    queue = f"test-{uuid.uuid4().hex[:12]}"
    assert not app.conf.task_always_eager
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue], loglevel="WARNING"):
        tasks.availability_expire.apply_async(queue=queue)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            person.refresh_from_db()
            if person.availability == Person.Availability.IN_OFFICE:
                break
            time.sleep(0.2)
    assert person.availability == Person.Availability.IN_OFFICE
    assert person.availability_until is None


def test_beat_schedule_runs_the_availability_sweep_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["teams-expire-availability"]
    assert entry["task"] == tasks.availability_expire.name
    assert entry["schedule"] == settings.AVAILABILITY_SWEEP_SECONDS == 60
    assert tasks.availability_expire.name in app.tasks



@pytest.mark.worker
def test_embedded_default_broker_delivers_beat_and_worker_tasks(tmp_path):
    """`make run`'s shape with no server at all: SQLite database, SQLite broker, a worker
    process and a beat process (DatabaseScheduler). Beat must put the sweep on the broker
    and the worker must run it."""
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}",
        "CACHE_URL": "",
        "AVAILABILITY_SWEEP_SECONDS": "1",
    }
    python = sys.executable
    celery = str(Path(python).with_name("celery"))

    def manage(*args):
        subprocess.run([python, "manage.py", *args], cwd=root, env=env, check=True,
                       capture_output=True, timeout=120)

    manage("migrate", "--no-input")
    manage("shell", "-c", (
        "import datetime as dt; from django.utils import timezone; from demo import teams as demo; "
        "from teams.models import Person; demo.seed_demo(); "
        "Person.objects.filter(email='dana.whitfield@carrier.example').update("
        "availability='out_of_office', availability_until=timezone.now() - dt.timedelta(minutes=1))"
    ))
    logs = [(tmp_path / name).open("w") for name in ("worker.log", "beat.log")]
    processes = [
        subprocess.Popen([celery, "-A", "accountteam", "worker", "--pool=solo", "--loglevel=INFO"],
                         cwd=root, env=env, stdout=logs[0], stderr=subprocess.STDOUT),
        subprocess.Popen([celery, "-A", "accountteam", "beat", "--loglevel=INFO",
                          f"--schedule={tmp_path / 'beat-schedule'}"],
                         cwd=root, env=env, stdout=logs[1], stderr=subprocess.STDOUT),
    ]
    check = [python, "manage.py", "shell", "-c", (
        "from teams.models import Person; "
        "print(Person.objects.get(email='dana.whitfield@carrier.example').availability)")]
    try:
        state = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and state != "in_office":
            time.sleep(1)
            state = subprocess.run(check, cwd=root, env=env, capture_output=True, text=True,
                                   timeout=60).stdout.strip().splitlines()[-1:]
            state = state[0] if state else ""
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        for log in logs:
            log.close()
    output = "\n".join((tmp_path / n).read_text()[-2000:] for n in ("worker.log", "beat.log"))
    assert state == "in_office", output
    # The container health check of beat sees the sweep it sent.
    manage("beat_health", "--minutes", "5")


@pytest.mark.django_db
def test_beat_health_fails_when_beat_has_sent_nothing():
    with pytest.raises(CommandError, match="no periodic task"):
        call_command("beat_health")

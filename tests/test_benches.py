"""The four benchmarks (bench/) run, at a tiny scale, as documented: each as a script of its own
with ``--json``, whose ``measurements`` (bench/summary.py) give every endpoint or operation its
p50 and p95, CPU time and SQL statements. So a change to the models or the pages that breaks a
bench breaks this test instead of the next person's performance work.

bench/queue_pages.py and bench/sweep.py need PostgreSQL (they load with COPY) and a database whose
name ends in "bench": when the suite runs on PostgreSQL, this module creates one of its own
(``test_<database>[_<xdist worker>]_bench``), migrates it and drops it at the end. On SQLite they
are skipped; the mail intake and import benches then run on a SQLite file of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "postgis")

# One process, in order: the module's bench database is shared by its tests.
pytestmark = pytest.mark.xdist_group("benches")


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if urlsplit(url).scheme in POSTGRES_SCHEMES else None


@pytest.fixture(scope="module")
def bench_env(tmp_path_factory) -> dict[str, str]:
    """The environment of a bench process: this one's, without what points at the suite's shared
    services (its database, broker and cache: the benches have their own), files under a
    temporary folder, and an in-memory broker for the e-mails the sweep enqueues."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    for name in ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"):
        env.pop(name, None)
    media = tmp_path_factory.mktemp("bench-media")
    return env | {"CELERY_BROKER_URL": "memory://", "MEDIA_ROOT": str(media), "PYTHONUNBUFFERED": "1"}


@pytest.fixture(scope="module")
def postgres_bench_url(bench_env):
    """A migrated PostgreSQL database for the benches, created for this module and dropped after."""
    url = _postgres_url()
    if url is None:
        pytest.skip("bench/queue_pages.py and bench/sweep.py need PostgreSQL (COPY); DATABASE_URL is not PostgreSQL")
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = "_".join(filter(None, ["test", parts.path.strip("/"), worker, "bench"]))
    admin = psycopg2.connect(urlunsplit(parts._replace(scheme="postgresql")))
    admin.autocommit = True  # CREATE and DROP DATABASE cannot run in a transaction
    database = sql.Identifier(name)
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))  # an aborted run's
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(database))  # owned by the connecting role
            # A throwaway database: no need to wait for each commit to reach the disk.
            cursor.execute(sql.SQL("ALTER DATABASE {} SET synchronous_commit = off").format(database))
        bench_url = urlunsplit(parts._replace(path=f"/{name}"))
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT, env=bench_env | {"DATABASE_URL": bench_url}, check=True, timeout=600,
        )  # fmt: skip
        yield bench_url
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        admin.close()


@pytest.fixture(scope="module")
def batch_bench_url(request, tmp_path_factory):
    """Where the mail intake and import benches run: the PostgreSQL bench database when the suite
    runs on PostgreSQL, else a SQLite file (its name ends in "bench", as the benches ask)."""
    if _postgres_url() is not None:
        return request.getfixturevalue("postgres_bench_url")
    return f"sqlite:///{tmp_path_factory.mktemp('bench-sqlite') / 'test_bench'}"


def run_bench(script: str, *args: str, env: dict[str, str], database_url: str) -> dict:
    """Run ``bench/<script>`` as documented (a script, from the project root) with ``--json``."""
    result = subprocess.run(
        [sys.executable, f"bench/{script}", *args, "--json"],
        cwd=ROOT, env=env | {"DATABASE_URL": database_url}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, f"bench/{script} exited {result.returncode}:\n{result.stderr[-4000:]}"
    return json.loads(result.stdout)


def assert_measured(report: dict, *, bench: str, cpu_per: dict[str, str]) -> None:
    """Every endpoint or operation of ``cpu_per`` (label: what its CPU time is divided by) is
    measured, with sane figures, and nothing else."""
    assert report["bench"] == bench
    measurements = report["measurements"]
    assert set(measurements) == set(cpu_per)
    for label, m in measurements.items():
        cpu = f"cpu_ms_per_{cpu_per[label]}"
        assert [k for k in m if k.startswith("cpu_ms_per_")] == [cpu], (label, m)
        assert m["count"] >= 1, (label, m)
        assert 0 < m["p50_ms"] <= m["p95_ms"] <= m["max_ms"], (label, m)
        assert m[cpu] > 0, (label, m)
        assert m["statements"] > 0 and m["statements_mean"] > 0, (label, m)


QUEUE_ENDPOINTS = {
    "queue page",
    "queue body, overdue tab (htmx poll)",
    "queue API",
    "queue API, search q=T1",
    "director dashboard",
    "compliance report API",
}
TINY_SCALE = ["--companies", "10"]


@pytest.fixture(scope="module")
def queue_report(postgres_bench_url, bench_env) -> dict:
    return run_bench(
        "queue_pages.py", *TINY_SCALE, "--open", "400", "--closed", "600", "--manager-items", "40",
        "--manager-closed", "100", "--group", "2", "--requests", "3", "--warmup", "1",
        env=bench_env, database_url=postgres_bench_url,
    )  # fmt: skip


@pytest.fixture(scope="module")
def sweep_report(queue_report, postgres_bench_url, bench_env) -> dict:
    """The sweep bench run after the queue bench, which reshaped the bench rows: it must reload."""
    return run_bench(
        "sweep.py", *TINY_SCALE, "--escalations", "200", "--due", "20", "--auto-escalate", "2",
        env=bench_env, database_url=postgres_bench_url,
    )  # fmt: skip


def test_queue_bench_times_every_endpoint_per_request(queue_report):
    assert_measured(queue_report, bench="queue_pages", cpu_per=dict.fromkeys(QUEUE_ENDPOINTS, "request"))
    assert queue_report["failed"] == {} and queue_report["missing"] == []
    assert queue_report["rows"]["open"] == 400 and queue_report["rows"]["closed"] == 600


def test_sweep_bench_reloads_after_the_queue_bench_and_sweeps_what_is_due(sweep_report):
    assert_measured(sweep_report, bench="sweep", cpu_per={"sweep": "item", "idle sweep": "sweep"})
    # The queue bench's 1,000 rows went with a TRUNCATE that names the (empty) tables referring to
    # escalations, post-mortems and the rest, as PostgreSQL requires; then the sweep did what its
    # due rows call for.
    assert sweep_report["deleted_before_load"] | {"notifications": 0} == {
        "escalations": 1000, "events": 0, "notifications": 0, "by_orm": 0, "truncated": True,
    }  # fmt: skip
    assert sweep_report["rows"]["bench"] == 200
    result, expected = sweep_report["sweep"]["result"], sweep_report["expected"]
    assert result == {k: expected[k] for k in result} and result["items"] == 20
    assert sweep_report["still_due_after"] == 0


def test_sweep_clean_deletes_the_bench_rows_their_events_and_notifications(sweep_report, postgres_bench_url, bench_env):
    deleted = run_bench("sweep.py", "--clean", env=bench_env, database_url=postgres_bench_url)["deleted"]
    assert deleted["escalations"] == 200 and deleted["events"] > 0 and deleted["notifications"] > 0
    assert deleted["truncated"]


def test_mail_intake_bench_times_each_message(batch_bench_url, bench_env):
    report = run_bench("mail_intake.py", "--messages", "20", env=bench_env, database_url=batch_bench_url)
    assert_measured(report, bench="mail_intake", cpu_per={"message_deliver": "message"})
    assert report["measurements"]["message_deliver"]["count"] == 20
    assert report["items_raised"] > 0


def test_import_bench_times_the_check_and_the_import(batch_bench_url, bench_env):
    report = run_bench(
        "import_assignments.py", "--rows", "50", "--people", "10", "--repeat", "2",
        env=bench_env, database_url=batch_bench_url,
    )  # fmt: skip
    assert_measured(report, bench="import_assignments", cpu_per={"check": "row", "import": "row"})
    assert report["imported"] == 50
    assert report["measurements"]["import"]["count"] == 2

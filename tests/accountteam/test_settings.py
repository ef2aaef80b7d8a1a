import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


# The browser tests allow the ORM inside Playwright's event loop; a deployment never does.
TEST_ONLY = ("DJANGO_ALLOW_ASYNC_UNSAFE",)


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**base, **env},
    )


def test_production_mode_passes_check_deploy_without_warnings():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        APP_ENV="production", SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="portal.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**env, "APP_ENV": "production"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_development_defaults_need_no_server():
    """SQLite under var/, the SQLite broker, mail written to files under var/mail/."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL", "CACHE_URL", "APP_ENV")}
    code = ("from django.conf import settings as s; print(s.DATABASES['default']['NAME']); "
            "print(s.CELERY_BROKER_URL); print(s.EMAIL_BACKEND); print(s.EMAIL_FILE_PATH)")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code], cwd=ROOT,
        capture_output=True, text=True, timeout=120, env=env,
    )
    database, broker, backend, mail_path = result.stdout.split()
    assert database == str(ROOT / "var" / "db.sqlite3")
    assert broker == f"sqla+sqlite:///{ROOT / 'var' / 'broker.sqlite3'}"
    assert backend == "django.core.mail.backends.filebased.EmailBackend"
    assert mail_path == str(ROOT / "var" / "mail")

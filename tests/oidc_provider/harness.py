"""Start and stop the test OpenID Connect provider (``serve.py``) for a test session, and walk a
sign-in through it without a browser (``sign_in_without_browser``)."""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_ID = "sso"
CALLBACK = f"/auth/oidc/{PROVIDER_ID}/login/callback/"
PASSWORD = "provider-password-1"
CLIENT_ID = "account-team-portal"
CLIENT_SECRET = "portal-client-secret-for-tests"
STAFF_EMAIL = "grace.hopper@carrier.example"
# The provider's users (``__init__`` says what each name's first word does).
USERS = {
    "grace": STAFF_EMAIL,
    "wrong-issuer.grace": STAFF_EMAIL,
    "bad-signature.grace": STAFF_EMAIL,
    "unverified.grace": STAFF_EMAIL,
    "mfa.grace": STAFF_EMAIL,
    "stranger": "nobody.here@carrier.example",
    "outsider": "grace.hopper@elsewhere.example",
}
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class Provider:
    issuer: str

    @property
    def origin(self) -> str:
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"


@contextmanager
def running_provider(workdir: Path):
    """The provider, started with its database and log in ``workdir``; stopped afterwards."""
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        # The Django test client's host, and the live server's (any port of the loopback address).
        "redirect_uris": [f"http://testserver{CALLBACK}", f"http://127.0.0.1{CALLBACK}", f"http://localhost{CALLBACK}"],
        "users": [
            {"username": name, "password": PASSWORD, "email": email, "first_name": "Grace", "last_name": "Hopper"}
            for name, email in USERS.items()
        ],
    }
    config_path = workdir / "oidc_provider.json"
    config_path.write_text(json.dumps(config), encoding="utf-8")
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))
    } | {"OIDC_PROVIDER_DB": str(workdir / "oidc_provider.sqlite3"), "PYTHONPATH": str(ROOT)}
    log = open(workdir / "oidc_provider.log", "w", encoding="utf-8")  # closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", str(config_path)],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=log, text=True,
    )
    try:
        line = _first_line(process)
        match = re.fullmatch(r"port=(\d+)", line.strip())
        if match is None:
            raise RuntimeError(f"the test OIDC provider did not start: {line!r}; see {workdir / 'oidc_provider.log'}")
        yield Provider(issuer=f"http://127.0.0.1:{match.group(1)}/o")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _first_line(process) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout=STARTUP_SECONDS):
            return "(nothing within the startup time)"
    return process.stdout.readline()


def portal_settings(settings, provider: Provider, **overrides) -> None:
    """Point the portal (pytest-django's ``settings``) at ``provider``, as the SSO_* environment would."""
    settings.SSO_OIDC_SERVER_URL = provider.issuer
    settings.SSO_OIDC_NAME = "Carrier SSO"
    settings.SSO_STAFF_EMAIL_DOMAINS = ["carrier.example"]
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "Carrier SSO",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": provider.issuer, "oauth_pkce_enabled": True},
                }
            ]
        }
    }
    policy = settings.CONTENT_SECURITY_POLICY
    directives = policy["DIRECTIVES"] | {"form-action": [*policy["DIRECTIVES"]["form-action"], provider.origin]}
    settings.CONTENT_SECURITY_POLICY = policy | {"DIRECTIVES": directives}
    for name, value in overrides.items():
        setattr(settings, name, value)


def sign_in_without_browser(client, username: str, password: str = PASSWORD, process: str = "login"):
    """The redirect dance with the Django test client for the portal and ``requests`` for the
    provider (a browser's part); returns the portal's answer to the provider's redirect back."""
    start = client.post(f"/auth/oidc/{PROVIDER_ID}/login/?process={process}")
    assert start.status_code == 302, start.content[:500]
    at_provider = requests.Session()
    login_page = at_provider.get(start["Location"], timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    signed_in = at_provider.post(
        login_page.url,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token,
              "next": re.search(r'name="next" value="([^"]*)"', login_page.text).group(1).replace("&amp;", "&")},
        allow_redirects=False, timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    authorized = at_provider.get(urljoin(login_page.url, signed_in.headers["Location"]), allow_redirects=False,
                                 timeout=10)
    assert authorized.status_code == 302, authorized.text[:500]
    back = urlsplit(authorized.headers["Location"])
    assert back.netloc == "testserver" and back.path == CALLBACK, authorized.headers["Location"]
    return client.get(f"{back.path}?{back.query}")

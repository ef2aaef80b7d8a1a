"""Run the test OpenID Connect provider: ``python -m tests.oidc_provider.serve CONFIG.json``.

The JSON file names the client (``client_id``, ``client_secret``, ``redirect_uris``) and the users
(``username``, ``password``, ``email``, ``first_name``, ``last_name``). The provider makes its
database (``OIDC_PROVIDER_DB``), listens on a free port of 127.0.0.1 and prints ``port=<port>``
once it accepts connections."""

import json
import os
import sys

from jwcrypto import jwk


def main(config_path: str) -> None:
    config = json.loads(open(config_path, encoding="utf-8").read())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    os.environ.setdefault(
        "OIDC_PROVIDER_RSA_KEY", jwk.JWK.generate(kty="RSA", size=2048).export_to_pem(private_key=True, password=None)
        .decode()
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for user in config["users"]:
        get_user_model().objects.create_user(**user)
    Application.objects.create(
        name="Account Team Portal",
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(config["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(get_wsgi_application())
    print(f"port={server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])

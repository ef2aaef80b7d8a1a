"""A real OpenID Connect provider for the single sign-on tests: a tiny Django project on
django-oauth-toolkit's OIDC support, run as a subprocess on a free loopback port
(``harness.running_provider``). Not part of the portal.

Its users misbehave on purpose, by name (``validator.py``): ``wrong-issuer`` gets an id_token whose
``iss`` is not the issuer its discovery document names, ``bad-signature`` one signed with a key
missing from its JWKS (under the published key's id), ``unverified`` one whose ``email_verified``
is false, ``mfa`` one whose ``amr`` says "mfa". Everyone else is served as a provider should.
"""

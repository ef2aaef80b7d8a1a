"""Signed-in test clients, shared by the page and API tests of every app."""

from django.test import Client
from rest_framework.test import APIClient


def signed_in(user) -> Client:
    """A browser-like client with ``user``'s session."""
    client = Client()
    client.force_login(user)
    return client


def api_as(user) -> APIClient:
    """An API client authenticated as ``user`` (no session, no CSRF)."""
    client = APIClient()
    client.force_authenticate(user)
    return client

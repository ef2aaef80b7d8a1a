"""Each user's own time zone: kept in the session, active for one request only."""

import pytest
from django.test import Client
from django.test.signals import template_rendered
from django.utils import timezone

from accountteam.models import UserSettings
from teams.time_zones import SESSION_KEY


@pytest.fixture
def zones_while_rendering():
    """The zone active each time a template renders, i.e. inside the request."""
    seen = []

    def record(sender, **kwargs):
        seen.append(timezone.get_current_timezone_name())

    template_rendered.connect(record)
    yield seen
    template_rendered.disconnect(record)


@pytest.mark.django_db
def test_the_users_zone_is_active_during_a_request_and_reset_after_it(tenant, zones_while_rendering):
    UserSettings.objects.create(user=tenant.user, time_zone="Asia/Tokyo")
    client = Client()
    client.force_login(tenant.user)
    assert client.session[SESSION_KEY] == "Asia/Tokyo"
    assert timezone.get_current_timezone_name() == timezone.get_default_timezone_name()  # sign-in activates nothing

    response = client.get("/")

    assert response.status_code == 200
    assert set(zones_while_rendering) == {"Asia/Tokyo"}
    assert timezone.get_current_timezone_name() == timezone.get_default_timezone_name()


@pytest.mark.django_db
def test_a_request_without_a_zone_does_not_inherit_the_previous_requests(tenant, zones_while_rendering):
    UserSettings.objects.create(user=tenant.user, time_zone="Asia/Tokyo")
    tokyo, plain = Client(), Client()
    tokyo.force_login(tenant.user)
    tokyo.get("/")
    zones_while_rendering.clear()

    plain.get("/auth/login/")

    assert set(zones_while_rendering) == {timezone.get_default_timezone_name()}


@pytest.mark.django_db
def test_a_zone_that_no_longer_exists_falls_back_to_the_default(tenant, zones_while_rendering):
    client = Client()
    client.force_login(tenant.user)
    session = client.session
    session[SESSION_KEY] = "Mars/Olympus_Mons"
    session.save()

    response = client.get("/")

    assert response.status_code == 200
    assert set(zones_while_rendering) == {timezone.get_default_timezone_name()}

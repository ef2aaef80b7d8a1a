"""Times are shown in each user's own time zone (their setting, else a staff member's
calendar zone, else the portal default). Resolved at sign-in and kept in the session."""

import zoneinfo

from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils import timezone

from accountteam.calendar import validate_time_zone
from accountteam.models import UserSettings

from .scoping import staff_person

SESSION_KEY = "time_zone"
TIME_ZONE_MAX_LENGTH = UserSettings._meta.get_field("time_zone").max_length


def clean_time_zone(value: str) -> str:
    """``value`` as a user's time zone setting: an IANA name, or empty for the default. The one
    check of the settings page's form and of ``user_settings_update`` (the API's)."""
    value = (value or "").strip()
    if len(value) > TIME_ZONE_MAX_LENGTH:
        raise ValidationError(f"A time zone name has at most {TIME_ZONE_MAX_LENGTH} characters.", code="max_length")
    if value and not validate_time_zone(value):
        raise ValidationError(f"{value!r} is not a time zone name such as America/Denver.", code="invalid")
    return value


def time_zone_for(user) -> str:
    prefs = UserSettings.objects.filter(user=user).first()
    if prefs and prefs.time_zone:
        return prefs.time_zone
    person = staff_person(user)
    if person is not None:
        return person.calendar.time_zone
    return timezone.get_default_timezone_name()


def remember_time_zone(request, user):
    """Keep the user's zone in the session; the middleware activates it from the next request on."""
    request.session[SESSION_KEY] = time_zone_for(user)


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_time_zone(request, user)


class UserTimeZoneMiddleware:
    """Activates the user's zone for one request and resets it afterwards, so the zone of
    one request never leaks into the next one served by the same thread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        timezone.deactivate()
        if name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

"""Times are shown in each user's own time zone (their setting, else a staff member's
calendar zone, else the portal default). Resolved at sign-in and kept in the session."""

import functools
import unicodedata
import zoneinfo
from importlib.resources import files

from babel import Locale
from babel.dates import get_timezone_location
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accountteam.calendar import validate_time_zone
from accountteam.models import UserSettings

from .scoping import staff_person

SESSION_KEY = "time_zone"
# Set at a sign-in whose user never chose a zone: the pages offer the zone the browser reports.
UNCONFIRMED_KEY = "time_zone_unconfirmed"
TIME_ZONE_MAX_LENGTH = UserSettings._meta.get_field("time_zone").max_length
# What may be typed into the picker: a zone's name, or a label of the list (the longest is 83).
TIME_ZONE_INPUT_MAX = 120
BABEL_LOCALES = {"en": "en", "es": "es_419", "pt-br": "pt_BR"}


def _folded(text: str) -> str:
    """``text`` for matching: no case, no accents ("São Paulo" matches "sao paulo")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("_", " ").strip()


@functools.lru_cache(maxsize=1)
def _zones() -> tuple[tuple[str, str], ...]:
    """The zones people live in, each with its country: IANA's ``zone.tab`` (no aliases such as
    ``America/Buenos_Aires`` or ``US/Mountain``), as the ``tzdata`` package ships it."""
    rows = []
    for line in (files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            country, _coordinates, zone = line.split("\t")[:3]
            rows.append((zone, country))
    return tuple(rows)


@functools.lru_cache(maxsize=8)
def zone_choices(language: str = "en") -> tuple[tuple[str, str], ...]:
    """Every zone as (IANA name, "City (Country) · IANA name"), city and country named in
    ``language`` (CLDR, through Babel: "Ciudad de México (México)", "São Paulo (Brasil)"), sorted
    by city; UTC last."""
    locale = Locale.parse(BABEL_LOCALES.get(language, "en"))
    rows = []
    for zone, country in _zones():
        try:
            city = get_timezone_location(zone, locale=locale, return_city=True)
        except (LookupError, ValueError):
            city = zone.rsplit("/", 1)[-1].replace("_", " ")
        rows.append((zone, f"{city} ({locale.territories.get(country, country)}) · {zone}"))
    return (*sorted(rows, key=lambda row: _folded(row[1])), ("UTC", "UTC"))


@functools.lru_cache(maxsize=1)
def _by_words() -> dict[str, str]:
    """Every way a person may write a zone, folded, to its IANA name: the name itself, its label
    and its city in each of the portal's languages. A city two zones share is not a way in."""
    found: dict[str, set[str]] = {}
    for language in BABEL_LOCALES:
        for zone, label in zone_choices(language):
            city = label.split(" · ")[0]
            for words in (zone, label, city, city.split(" (")[0]):
                found.setdefault(_folded(words), set()).add(zone)
    return {words: next(iter(zones)) for words, zones in found.items() if len(zones) == 1}


def zone_label(zone: str) -> str:
    """``zone`` as the picker shows it in the active language ("Buenos Aires · America/…")."""
    return dict(zone_choices(translation.get_language() or "en")).get(zone, zone)


def clean_time_zone(value: str) -> str:
    """``value`` as a user's time zone setting: an IANA name, or empty for the default. The one
    check of the settings page's form and of ``user_settings_update`` (the API's). A city
    ("Buenos Aires", "sao paulo") or a label of the picker reads as its zone."""
    value = (value or "").strip()
    if len(value) > TIME_ZONE_INPUT_MAX:
        raise ValidationError(
            _("A time zone name has at most %(limit)s characters.") % {"limit": TIME_ZONE_INPUT_MAX},
            code="max_length",
        )
    if not value or ("/" in value and validate_time_zone(value)) or value == "UTC":
        return value
    zone = _by_words().get(_folded(value))
    if zone is None:
        raise ValidationError(
            _("%(value)s is not a time zone. Type a city, such as Buenos Aires, and pick it from the list.")
            % {"value": repr(value)},
            code="invalid",
        )
    return zone


def time_zone_for(user, *, chosen: str | None = None) -> str:
    """The user's zone: their setting (``chosen``, when the caller has read it), else their
    calendar's for staff, else the portal's default."""
    if chosen is None:
        chosen = _chosen_zone(user)
    if chosen:
        return chosen
    person = staff_person(user)
    if person is not None:
        return person.calendar.time_zone
    return timezone.get_default_timezone_name()


def remember_time_zone(request, user):
    """Keep the user's zone in the session; the middleware activates it from the next request on.
    A user who never chose one is offered the browser's (``UNCONFIRMED_KEY``)."""
    chosen = _chosen_zone(user)
    request.session[SESSION_KEY] = time_zone_for(user, chosen=chosen)
    request.session[UNCONFIRMED_KEY] = not chosen


def _chosen_zone(user) -> str:
    return UserSettings.objects.filter(user=user).values_list("time_zone", flat=True).first() or ""


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


"""The bounds of what the portal accepts, defined once: dates and times, and free text.

Every date and time a person or a program gives the portal (pages, API, back office, imports)
lies between ``EARLIEST`` and ``LATEST``: a meeting in the year 9999 is a typo, and date
arithmetic near the ends of the calendar (a meeting's end, a series' last day in UTC) overflows.
Free text has a length per kind of field, so that one pasted log cannot fill a notice, a page or
a PDF. The limits are documented in docs/api.md and docs/guide-service-manager.md.

Models put ``validate_date`` and ``text_field`` on their fields (ModelForms, ModelSerializers and
the back office inherit them); plain forms and serializers use the field helpers below; services
check what arrives as arguments with ``date_errors``/``text_errors`` and ``ensure``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from rest_framework import serializers

# --- Dates and times ---------------------------------------------------------------------------

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


def date_message() -> str:
    """The refusal of a date outside the bounds, in the current language ("1 Jan 2000")."""
    # Translators: the first and last dates the portal accepts, written like "1 Jan 2000".
    return _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": date_format(EARLIEST, "j M Y"),
        "latest": date_format(LATEST, "j M Y"),
    }


# The same, read in the language current wherever it is shown.
DATE_MESSAGE = lazy(date_message, str)()

# Attributes of the browser's date pickers (they refuse what the server would refuse).
DATE_INPUT_ATTRS = {"type": "date", "min": EARLIEST.isoformat(), "max": LATEST.isoformat()}
DATETIME_INPUT_ATTRS = {"type": "datetime-local", "min": f"{EARLIEST}T00:00", "max": f"{LATEST}T23:59"}

# A meeting lasts at most a day (its end is its start plus this).
MAX_MEETING_MINUTES = 24 * 60


def within(value: dt.date | dt.datetime) -> bool:
    """Whether a date, or a time's date on the user's clock (the current time zone), lies within
    the bounds. A time too far out to be read on that clock is outside them."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            try:
                value = timezone.localtime(value)
            except OverflowError:
                return False
        value = value.date()
    return EARLIEST <= value <= LATEST


def validate_date(value) -> None:
    """The validator of every date and time field (None and blanks are for ``required`` to judge)."""
    if isinstance(value, dt.date) and not within(value):
        raise ValidationError(date_message(), code="date_out_of_bounds")


def date_errors(**values) -> dict[str, str]:
    """A message per named date or time outside the bounds (None passes)."""
    return {name: date_message() for name, value in values.items() if isinstance(value, dt.date) and not within(value)}


def date_input(**attrs) -> forms.DateInput:
    return forms.DateInput(attrs={**DATE_INPUT_ATTRS, **attrs}, format="%Y-%m-%d")


def datetime_input(**attrs) -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={**DATETIME_INPUT_ATTRS, **attrs}, format="%Y-%m-%dT%H:%M")


def date_form_field(**kwargs) -> forms.DateField:
    """A form's date field within the bounds, with the browser's date picker."""
    kwargs.setdefault("widget", date_input())
    return forms.DateField(validators=[validate_date], **kwargs)


def datetime_form_field(**kwargs) -> forms.DateTimeField:
    """A form's date-time field within the bounds (``datetime-local``, read in the user's zone)."""
    kwargs.setdefault("widget", datetime_input())
    return forms.DateTimeField(validators=[validate_date], **kwargs)


def date_api_field(**kwargs) -> serializers.DateField:
    return serializers.DateField(validators=[validate_date], **kwargs)


def datetime_api_field(**kwargs) -> serializers.DateTimeField:
    return serializers.DateTimeField(validators=[validate_date], **kwargs)


# --- Free text (characters) ----------------------------------------------------------------------

SUBJECT = 200  # an escalation's subject, a title
LINE = 300  # one line: a cancel reason, a correction note, a done note, a location
COMMENT = 4_000  # a comment or reason on an escalation or a post-mortem
NOTE = 4_000  # a note: a handoff's, a checklist item's evidence, a post-mortem's log, a meeting's
DESCRIPTION = 20_000  # a description, a post-mortem's impact and analysis sections, a profile
EXCERPT = 500  # how much of a person's text a notice quotes


def grouped(number: int) -> str:
    """A whole number with thousands separators, as the current language writes them ("4,000" in
    English, "4.000" in Portuguese); with no language active (translations off), as in English."""
    return number_format(number, force_grouping=True) if get_language() else f"{number:,}"


def too_long(limit: int, length: int) -> str:
    """The refusal of a text of ``length`` characters over ``limit`` ("At most 4,000 characters
    (this has 4,001)."), numbers grouped as the current language groups them."""
    return ngettext(
        # Translators: a text refused as too long; "this" is the text that was given.
        "At most %(limit)s character (this has %(length)s).",
        "At most %(limit)s characters (this has %(length)s).",
        limit,
    ) % {"limit": grouped(limit), "length": grouped(length)}


def text_errors(limit: int, **values) -> dict[str, str]:
    """A message per named text longer than ``limit``."""
    return {name: too_long(limit, len(value)) for name, value in values.items() if value and len(value) > limit}


def ensure(*errors: dict[str, str]) -> None:
    """Refuse with every message of ``errors`` under its field (nothing to refuse: return)."""
    merged = {name: message for group in errors for name, message in group.items()}
    if merged:
        raise ValidationError(merged)


def clip(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with "…" where it was cut."""
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class LimitedLengthValidator(MaxLengthValidator):
    """Django's, with the portal's wording (and thousands separators)."""

    def __call__(self, value):
        if self.compare(self.clean(value), self.limit_value):
            raise ValidationError(too_long(self.limit_value, self.clean(value)), code=self.code)


def text_field(limit: int, *args, **kwargs) -> models.TextField:
    """A model's free-text field of at most ``limit`` characters, checked by ``full_clean`` too
    (a TextField's ``max_length`` alone only reaches the form's widget)."""
    return models.TextField(*args, max_length=limit, validators=[LimitedLengthValidator(limit)], **kwargs)


class Textarea(forms.Textarea):
    """A text box whose line breaks count once, as the browser's ``maxlength`` and the character
    counter count them (a browser sends each as CR LF)."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


def text_form_field(limit: int, *, rows: int | None = None, **kwargs) -> forms.CharField:
    """A form's text field of at most ``limit`` characters (``maxlength`` on the page, where the
    character counter picks it up); a text box of ``rows`` rows, else one line."""
    if rows is not None:
        kwargs.setdefault("widget", Textarea(attrs={"rows": rows}))
    return forms.CharField(max_length=limit, **kwargs)

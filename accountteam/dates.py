"""Dates and times as each language writes them. ``FORMATS`` lists the date formats of the
templates (``|date:"…"``, localised by ``accountteam.templatetags.local_dates``) so that
makemessages extracts them; ``local_format`` does the same for Python code."""

from django.utils import dateformat
from django.utils.translation import pgettext, pgettext_lazy

FORMATS = (
    pgettext_lazy("date format", "j M Y"),
    pgettext_lazy("date format", "D j M, H:i T"),
    pgettext_lazy("date format", "j M Y H:i"),
    pgettext_lazy("date format", "D j M Y, H:i T"),
    pgettext_lazy("date format", "D j M H:i"),
    pgettext_lazy("date format", "l j F Y, H:i T"),
    pgettext_lazy("date format", "j M Y, H:i T"),
    pgettext_lazy("date format", "D j M Y"),
    pgettext_lazy("date format", "l j F, H:i T"),
    pgettext_lazy("date format", "l j F"),
    pgettext_lazy("date format", "l j F Y"),
    pgettext_lazy("date format", "r"),
    pgettext_lazy("date format", "j M Y H:i T"),
    pgettext_lazy("date format", "H:i T"),
    pgettext_lazy("date format", "D j M"),
    pgettext_lazy("date format", "l j F Y, H:i"),
    pgettext_lazy("date format", "j M, H:i"),
    pgettext_lazy("date format", "j M H:i T"),
    pgettext_lazy("date format", "j F Y"),
    pgettext_lazy("date format", "j F Y H:i T"),
    pgettext_lazy("date format", "T"),
    pgettext_lazy("date format", "H:i"),
    pgettext_lazy("date format", "D j M, H:i"),
    pgettext_lazy("date format", "D j M H:i T"),
)


def local_format(value, fmt: str) -> str:
    """``value`` (a date or an aware datetime, already in the reader's zone) in ``fmt`` as the
    active language writes it; ``fmt`` must be one of ``FORMATS``."""
    return dateformat.format(value, pgettext("date format", fmt))

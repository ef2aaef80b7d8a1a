"""``{{ value|date:"D j M Y, H:i T" }}`` in the reader's language: this ``date`` filter replaces
Django's in every template (a builtin, settings.TEMPLATES). The format is a message of its own
(context "date format"), so each language orders the parts its way ("vie 4 dic 2026", "l j \\d\\e
F": "viernes 4 de diciembre"); Django's catalogue names the days and months. The formats the
templates use are listed in ``accountteam.dates.FORMATS`` so that they are extracted, and a test
keeps that list whole."""

from django import template
from django.template.defaultfilters import date as django_date
from django.utils.translation import pgettext

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if arg and not arg.isupper():  # "DATETIME_FORMAT" and the like are already per language
        arg = pgettext("date format", arg)
    return django_date(value, arg)

"""``{{ entry.hours|hours }}``: hours as the reader's language writes them, without needless
decimals ("20", "16.5"; "16,5" in Spanish). A filter of the value alone: it never queries."""

from django import template

from service.rules import QUARTER, as_hours, hours_text

register = template.Library()


@register.filter
def hours(value) -> str:
    return hours_text(value)


@register.filter
def hours_value(value) -> str:
    """Hours for an attribute (``<progress value=…>``): a plain number with two decimals, in no
    language's way ("16.50", never "16,50")."""
    hours = as_hours(value)
    return "" if hours is None else f"{hours.quantize(QUARTER):f}"

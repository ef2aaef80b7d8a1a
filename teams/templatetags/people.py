"""People as the portal's readers know them: ``{{ user|person_name }}`` is the staff member's name,
else the user's full name (``teams.scoping.display_name``), never a bare username when there is a
name. Pure presentation: select ``…__staff_profile`` with the row and nothing here queries."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy

from teams.scoping import display_name

register = template.Library()


@register.filter
def person_name(user, nobody: str = gettext_lazy("Portal")) -> str:
    """``{{ event.actor|person_name }}``; ``{{ item.done_by|person_name:"—" }}`` for no one."""
    return display_name(user or None, nobody=nobody)

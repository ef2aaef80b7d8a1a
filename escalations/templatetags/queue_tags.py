from django import template

from escalations import rules

register = template.Library()


@register.filter
def time_left(deadline, now):
    """'2 h 05 min left' / 'overdue by 35 min' (wall-clock time to the deadline)."""
    return rules.time_left_words(deadline, now)


@register.filter
def needs_follow_up(item) -> bool:
    return rules.follow_up_required(item.channel, item.category)

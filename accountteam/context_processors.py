from django.conf import settings

from . import bounds
from .notifications import unread_count

# For the hand-written forms' ``maxlength`` (the forms classes carry their own).
TEXT_LIMITS = {"subject": bounds.SUBJECT, "line": bounds.LINE, "comment": bounds.COMMENT, "note": bounds.NOTE,
               "description": bounds.DESCRIPTION}
DATE_BOUNDS = {"min": bounds.EARLIEST.isoformat(), "max": bounds.LATEST.isoformat()}


def portal(request):
    """The carrier's name and numbers on every page, the bell's count, and the text limits."""
    user = getattr(request, "user", None)
    context = {
        "carrier_name": settings.CARRIER_NAME,
        "carrier_support_phone": settings.CARRIER_SUPPORT_PHONE,
        "carrier_repair_phone": settings.CARRIER_REPAIR_PHONE,
        "text_limits": TEXT_LIMITS,
        "date_bounds": DATE_BOUNDS,
    }
    if user is not None and user.is_authenticated:
        context["unread_notices"] = unread_count(user)
    return context

from django.conf import settings

from .notifications import unread_count


def portal(request):
    """The carrier's name and numbers on every page, and the bell's count."""
    user = getattr(request, "user", None)
    context = {
        "carrier_name": settings.CARRIER_NAME,
        "carrier_support_phone": settings.CARRIER_SUPPORT_PHONE,
        "carrier_repair_phone": settings.CARRIER_REPAIR_PHONE,
    }
    if user is not None and user.is_authenticated:
        context["unread_notices"] = unread_count(user)
    return context

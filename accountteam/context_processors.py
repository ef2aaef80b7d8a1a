from django.conf import settings

from teams.models import Membership, staff_person

from .notifications import unread_count


def portal(request):
    user = getattr(request, "user", None)
    membership = getattr(request, "membership", None)
    context = {
        "carrier_name": settings.CARRIER_NAME,
        "carrier_support_phone": settings.CARRIER_SUPPORT_PHONE,
        "carrier_repair_phone": settings.CARRIER_REPAIR_PHONE,
        "active_membership": membership,
    }
    if user is not None and user.is_authenticated:
        context["staff_person"] = staff_person(user)
        context["unread_notices"] = unread_count(user)
        if membership is not None:
            context["memberships"] = Membership.objects.filter(user=user).select_related("company")
    return context

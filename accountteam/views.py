"""Notifications (the bell) and each user's own settings."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from .calendar import validate_time_zone
from .middleware import remember_time_zone
from .models import Notification
from .notifications import user_settings


class SettingsForm(forms.Form):
    time_zone = forms.CharField(required=False, label="Time zone (IANA, e.g. America/Denver)")
    notify_by_email = forms.BooleanField(required=False, label="Email me notices")
    notify_in_app = forms.BooleanField(required=False, label="Show notices under the bell")

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        if value and not validate_time_zone(value):
            raise forms.ValidationError(f"{value!r} is not a time zone name such as America/Denver.")
        return value


@login_required
def notification_list(request):
    items = Notification.objects.filter(recipient=request.user, in_app=True).order_by("-created_at")
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_POST
def notifications_mark_read(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, "All notices marked as read.")
    return redirect("notification_list")


@login_required
def my_settings(request):
    prefs = user_settings(request.user)
    form = SettingsForm(
        request.POST or None,
        initial={
            "time_zone": prefs.time_zone,
            "notify_by_email": prefs.notify_by_email,
            "notify_in_app": prefs.notify_in_app,
        },
    )
    if request.method == "POST" and form.is_valid():
        for name, value in form.cleaned_data.items():
            setattr(prefs, name, value)
        prefs.save()
        remember_time_zone(request, request.user)
        messages.success(request, "Your settings are saved.")
        return redirect("my_settings")
    return render(request, "notifications/settings.html", {"form": form})

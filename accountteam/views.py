"""Notifications (the bell) and the API tokens page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import notifications, tokens
from .forms import ApiTokenForm
from .models import Notification


@login_required
def notification_list(request):
    items = Notification.objects.filter(recipient=request.user, in_app=True).order_by("-created_at")
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    for notice in page:
        # The list quotes each notice; the page it links to has the whole text.
        notice.excerpt = notifications.excerpt(notice.body)
    return render(request, "notifications/list.html", {"page": page})


@login_required
@require_GET
def notification_open(request, pk):
    """Open one of the user's notices (the link in the list): it is read now, so the bell's count
    drops, and the browser goes on to the page it is about. Someone else's notice is a 404; only a
    relative address on this site is followed (anything else lands back on the list)."""
    notice = get_object_or_404(Notification.objects.filter(recipient=request.user, in_app=True), pk=pk)
    notifications.notice_mark_read(notice=notice)
    url = notice.url
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return redirect(url)
    return redirect("notification_list")


@login_required
@require_POST
def notifications_mark_read(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, _("All notices marked as read."))
    return redirect("notification_list")


@login_required
def api_tokens(request):
    """The user's API tokens, and a form to make one: its secret is shown once, in the answer to
    the form (never stored, so never shown again; the page is not cached)."""
    form = ApiTokenForm(request.POST or None)
    new_token = secret = None
    if request.method == "POST" and form.is_valid():
        new_token, secret = tokens.api_token_create(
            user=request.user, name=form.cleaned_data["name"], request=request
        )
        form = ApiTokenForm()
    context = {
        "tokens": tokens.api_token_list(user=request.user),
        "form": form,
        "new_token": new_token,
        "secret": secret,
        "ttl_days": settings.API_TOKEN_TTL_DAYS,
    }
    response = render(request, "api_tokens/list.html", context)
    add_never_cache_headers(response)
    return response


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(tokens.api_token_list(user=request.user), pk=pk)
    tokens.api_token_revoke(token=token, request=request)
    messages.success(
        request,
        # Translators: %(name)s is the name the user gave the API token.
        _("The token “%(name)s” is revoked: clients that send it are refused from now on.") % {"name": token.name},
    )
    return redirect("api_tokens")


# --- Health ------------------------------------------------------------------------------------------


def healthz(request):
    """Liveness: the process serves requests. It depends on nothing else, so a database or Redis
    outage does not get healthy web processes restarted (``readyz`` says whether they can work)."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    cache.set("readyz", "ok", 10)
    if cache.get("readyz") != "ok":
        raise RuntimeError("the cache did not keep a value")


def _check_broker() -> None:
    from .celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)


READINESS_CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


def readyz(request):
    """Readiness: the database, the cache (sessions' rate limits) and the Celery broker answer.
    503 names each failing part."""
    checks, failing = {}, []
    for name, check in READINESS_CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency means "not ready"
            checks[name] = f"error: {type(exc).__name__}: {exc}"[:300]
            failing.append(name)
        else:
            checks[name] = "ok"
    body = {"status": "unavailable" if failing else "ok", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)

"""HTML pages for outgoing webhooks (carrier admins only; anyone else gets 404 for every one): the
endpoints, registering and changing one, its delivery log, one delivery with its body, and the
actions (rotate the secret, delete, replay).

A new secret is shown once, in the answer to the form that made it (never cached, never stored
in the session); every other action answers with a redirect (Post/Redirect/Get)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accountteam.forms import add_service_errors
from teams.scoping import staff_person

from . import selectors, services
from .forms import DeliveryFiltersForm, EndpointForm
from .models import Delivery
from .rules import WebhookConflict

PAGE_SIZE = 25


def _require_admin(request) -> None:
    person = staff_person(request.user)
    if person is None or not person.is_carrier_admin:
        raise Http404  # the endpoints are the carrier admins' only: to anyone else there are none


@login_required
def endpoint_list(request):
    _require_admin(request)
    return render(request, "webhooks/list.html", {"endpoints": list(selectors.endpoint_list(user=request.user))})


def _secret_page(request, endpoint, secret: str, *, new: bool):
    response = render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret, "new": new})
    add_never_cache_headers(response)
    return response


@login_required
def endpoint_create(request):
    _require_admin(request)
    form = EndpointForm(request.POST or None, initial={"is_active": True})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                endpoint, secret = services.endpoint_create(actor=request.user, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _secret_page(request, endpoint, secret, new=True)
        status = 400
    return render(request, "webhooks/form.html", {"form": form}, status=status)


@login_required
def endpoint_detail(request, pk: int):
    _require_admin(request)
    endpoint = selectors.endpoint_get(user=request.user, pk=pk)
    form = DeliveryFiltersForm(request.GET)
    filters = form.filters()
    status, event = filters.get("status", ""), filters.get("event", "")
    rows = selectors.delivery_list(user=request.user, endpoint=endpoint, status=status, event=event)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint, "page": page, "filter_form": form, "status": status, "event": event,
        "page_params": urlencode({"status": status, "event": event}),
    }
    if request.htmx:
        return render(request, "webhooks/partials/_deliveries.html", context)
    return render(request, "webhooks/detail.html", context)


@login_required
def endpoint_edit(request, pk: int):
    _require_admin(request)
    endpoint = selectors.endpoint_get(user=request.user, pk=pk)
    initial = {"name": endpoint.name, "url": endpoint.url, "events": endpoint.events, "is_active": endpoint.is_active}
    form = EndpointForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.endpoint_update(actor=request.user, endpoint=endpoint, request=request, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Changes saved."))
                return redirect("webhook_detail", pk)
        status = 400
    return render(request, "webhooks/form.html", {"form": form, "endpoint": endpoint}, status=status)


@login_required
@require_POST
def endpoint_delete(request, pk: int):
    _require_admin(request)
    endpoint = selectors.endpoint_get(user=request.user, pk=pk)
    services.endpoint_delete(actor=request.user, endpoint=endpoint, request=request)
    messages.success(request, _("“%(name)s” is removed: nothing more is sent to it.") % {"name": endpoint.name})
    return redirect("webhook_list")


@login_required
@require_POST
def endpoint_rotate_secret(request, pk: int):
    _require_admin(request)
    endpoint = selectors.endpoint_get(user=request.user, pk=pk)
    endpoint, secret = services.endpoint_rotate_secret(actor=request.user, endpoint=endpoint, request=request)
    return _secret_page(request, endpoint, secret, new=False)


@login_required
def delivery_detail(request, pk: int):
    _require_admin(request)
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    try:
        body = json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False)
    except ValueError:
        body = delivery.body
    context = {
        "delivery": delivery,
        "body": body,
        "replayable": delivery.status != Delivery.Status.PENDING and delivery.endpoint.is_active,
    }
    return render(request, "webhooks/delivery.html", context)


@login_required
@require_POST
def delivery_replay(request, pk: int):
    _require_admin(request)
    delivery = selectors.delivery_get(user=request.user, pk=pk)
    try:
        services.delivery_replay(actor=request.user, delivery=delivery)
    except WebhookConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Sent again: the log shows the answer in a moment."))
    return redirect("webhook_delivery", pk)

"""HTML pages of the director's review: the dashboard (overdue and at-risk items of the group,
with reassignment), compliance over a period with charts, and the weekly digest. Every table
exports as CSV with ``?format=csv&table=…``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from escalations import services as escalation_services
from escalations.models import Channel
from postmortems import selectors as postmortem_selectors
from teams.models import Person
from touchpoints import selectors as touchpoint_selectors

from . import charts, compliance, exports, rules, selectors
from .digest import digest_for
from .forms import ReassignForm

PAGE_SIZE = 50
ITEM_COLUMNS = (
    "id",
    "subject",
    "company",
    "account",
    "channel",
    "category",
    "assignee",
    "status",
    "state",
    "target_at",
    "due_at",
    "next_deadline_at",
    "overdue_by_seconds",
    "url",
)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _scope(request) -> selectors.ReviewScope:
    params = request.POST if request.method == "POST" else request.GET
    return selectors.review_scope(user=request.user, director=params.get("director"))


def _base(scope, **keep) -> dict:
    """What every review page needs: the scope and the group parameter for links and forms
    (``keep``: parameters the group picker carries over)."""
    return {
        "scope": scope,
        "director_param": scope.query().get("director", ""),
        "keep_params": [(k, v) for k, v in keep.items() if v],
    }


def _link(scope, **params) -> str:
    query = scope.query() | {k: v for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(query)}" if query else "?"


# --- Dashboard -----------------------------------------------------------------------------------------


def _drill_down(params) -> tuple[int | None, str]:
    channel = params.get("channel") or ""
    return _int(params.get("person")), channel if channel in Channel.values else ""


def _dashboard_context(request, scope, now, *, person_id, channel, page_number=None) -> dict:
    by_person = selectors.attention_by_person(scope, now=now)
    by_channel = selectors.attention_by_channel(scope, now=now)
    for row in by_person:
        row["url"] = _link(scope, person=row["key"])
    for row in by_channel:
        row["url"] = _link(scope, channel=row["key"])
    items = selectors.attention_list(scope, now=now, person_id=person_id, channel=channel)
    page = Paginator(items, PAGE_SIZE).get_page(page_number)
    people = selectors.reassign_choices(scope)
    filters = {"person": person_id or "", "channel": channel}
    return _base(scope) | {
        "now": now,
        "by_person": by_person,
        "by_channel": by_channel,
        "totals": {
            "overdue": sum(r["overdue"] for r in by_person),
            "at_risk": sum(r["at_risk"] for r in by_person),
        },
        "page": page,
        "people": people,
        "filters": filters,
        "person_label": next((r["label"] for r in by_person if r["key"] == person_id), ""),
        "channel_label": dict(Channel.choices).get(channel, ""),
        "clear_url": _link(scope),
        "page_query": _link(scope, **filters).lstrip("?"),
        "csv_people": _link(scope, format="csv", table="people"),
        "csv_channels": _link(scope, format="csv", table="channels"),
        "csv_items": _link(scope, format="csv", table="items", **filters),
        "show_messages": bool(request.htmx),
    }


@login_required
def review_dashboard(request):
    scope = _scope(request)
    now = timezone.now()
    person_id, channel = _drill_down(request.GET)
    if request.GET.get("format") == "csv":
        return _dashboard_csv(request, scope, now, person_id=person_id, channel=channel)
    context = _dashboard_context(
        request, scope, now, person_id=person_id, channel=channel, page_number=request.GET.get("page")
    )
    if request.htmx:
        return render(request, "reviews/partials/_dashboard.html", context)
    return render(request, "reviews/dashboard.html", context | _open_postmortems(scope) | _overdue_reviews(scope, now))


POSTMORTEM_PANEL_LIMIT = 50


def _open_postmortems(scope) -> dict:
    """The group's open post-mortems, due first (one query; the full page only, not the htmx
    refreshes of the items above)."""
    members = scope.members()
    if members is None:  # every group: a carrier admin who has not picked one
        members = Person.objects.values("pk")
    # Overdue is the tracking item's word, as on the post-mortem pages: its clock stops while
    # waiting on the customer.
    rows = list(
        postmortem_selectors.open_for_people(members)[: POSTMORTEM_PANEL_LIMIT + 1]
    )
    return {
        "postmortems": rows[:POSTMORTEM_PANEL_LIMIT],
        "postmortems_cut": len(rows) > POSTMORTEM_PANEL_LIMIT,
    }


REVIEWS_PANEL_LIMIT = 50


def _overdue_reviews(scope, now) -> dict:
    """The group's regular reviews past due, longest overdue first (one query; the full page only)."""
    rows = list(touchpoint_selectors.overdue_for_people(scope.members(), user=scope.user, now=now,
                                                        limit=REVIEWS_PANEL_LIMIT + 1))
    return {"reviews_overdue": rows[:REVIEWS_PANEL_LIMIT], "reviews_overdue_cut": len(rows) > REVIEWS_PANEL_LIMIT}


def _item_row(item, now) -> dict:
    overdue_by = (now - item.next_deadline_at).total_seconds() if item.is_overdue(now) else None
    return {
        "id": item.pk,
        "subject": item.subject,
        "company": item.company.name,
        "account": item.account.number,
        "channel": item.channel,
        "category": item.category,
        "assignee": item.assignee.name,
        "status": item.status,
        "state": getattr(item, "state", ""),
        "target_at": item.target_at,
        "due_at": item.due_at,
        "next_deadline_at": item.next_deadline_at,
        "overdue_by_seconds": int(overdue_by) if overdue_by is not None else None,
        "url": reverse("escalation_detail", args=[item.pk]),
    }


def _dashboard_csv(request, scope, now, *, person_id, channel):
    table = request.GET.get("table", "items")
    if table == "people":
        rows = [
            {"person_id": r["key"], "person": r["label"], "overdue": r["overdue"], "at_risk": r["at_risk"]}
            for r in selectors.attention_by_person(scope, now=now)
        ]
        return exports.csv_response("review-people.csv", ("person_id", "person", "overdue", "at_risk"), rows)
    if table == "channels":
        rows = [
            {"channel": r["key"], "label": r["label"], "overdue": r["overdue"], "at_risk": r["at_risk"]}
            for r in selectors.attention_by_channel(scope, now=now)
        ]
        return exports.csv_response("review-channels.csv", ("channel", "label", "overdue", "at_risk"), rows)
    if table == "items":
        items = selectors.attention_list(scope, now=now, person_id=person_id, channel=channel)
        return exports.csv_response("review-items.csv", ITEM_COLUMNS, (_item_row(i, now) for i in items))
    # Translators: people, channels and items are parameter values, not to be translated.
    return HttpResponseBadRequest(_("Unknown table: choose people, channels or items."), content_type="text/plain")


@login_required
@require_POST
def review_reassign(request):
    """Reassign the ticked items of the group to one member, from the dashboard's one control (htmx
    in place): one POST, all or nothing (``escalations_bulk_act``), the refusal naming each item
    that refuses. An item outside the group is not found (404), whatever else is ticked."""
    scope = _scope(request)
    ticked = [_int(value) for value in request.POST.getlist("escalation")]
    # What is not an id (or a number no row can have) is not found either, never a database error.
    ids = {pk for pk in ticked if pk is not None and 0 < pk < 2**63}
    items = list(selectors.group_items(scope).filter(pk__in=ids).order_by("pk"))
    if len(items) != len(set(ticked)):
        raise Http404(_("No such item in the group."))
    form = ReassignForm(request.POST, people=selectors.reassign_choices(scope))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    elif not items:
        messages.error(request, _("Tick the items to reassign first."))
    else:
        assignee = form.cleaned_data["assignee"]
        try:
            escalation_services.escalations_bulk_act(
                actor=request.user,
                escalations=items,
                action="reassign",
                assignee=assignee,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            nothing = _("Nothing was changed.") + " " if len(items) > 1 else ""
            messages.error(request, nothing + " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not reassign these items."))
        else:
            messages.success(request, _reassigned_words(items, assignee))
    person_id, channel = _drill_down(request.POST)
    if request.htmx:
        context = _dashboard_context(
            request,
            scope,
            timezone.now(),
            person_id=person_id,
            channel=channel,
            page_number=request.POST.get("page"),
        )
        return render(request, "reviews/partials/_dashboard.html", context)
    return redirect(reverse("review_dashboard") + _link(scope, person=person_id, channel=channel))


def _reassigned_words(items, assignee) -> str:
    """'#12 “T1 down” is now with Luis Ortega.', or '3 items are now with Luis Ortega: #12, #14 and #15.'"""
    if len(items) == 1:
        return _("#%(number)s “%(subject)s” is now with %(name)s.") % {
            "number": items[0].pk, "subject": items[0].subject, "name": assignee.name,
        }
    numbers = [f"#{item.pk}" for item in items]
    # Translators: two items or more; %(numbers)s lists all but the last ("#12, #14"), %(last)s is the last ("#15").
    return ngettext(
        "%(count)s item is now with %(name)s: %(numbers)s and %(last)s.",
        "%(count)s items are now with %(name)s: %(numbers)s and %(last)s.",
        len(items),
    ) % {"count": len(items), "name": assignee.name, "numbers": ", ".join(numbers[:-1]), "last": numbers[-1]}


# --- Compliance ---------------------------------------------------------------------------------------

TREND_COLUMNS = ("week", "monday", "met_due", "missed_due", "met_due_percent")
CHART_MAX_BARS = 40


@login_required
def review_compliance(request):
    scope = _scope(request)
    now = timezone.now()
    today = now.astimezone(scope.zone).date()
    keep = {k: request.GET.get(k, "") for k in ("period", "from", "to")}
    base = _base(scope, **keep) | {"period_choices": rules.PERIOD_CHOICES, "params": request.GET}
    try:
        period = rules.parse_period(request.GET, today=today)
    except rules.ParamError as exc:
        return render(request, "reviews/compliance.html", base | {"errors": exc.errors}, status=400)
    if request.GET.get("format") == "csv":
        return _compliance_csv(request, scope, period, now)
    report = compliance.compliance_report(scope, period=period, now=now)
    people = report.by["person"]
    context = base | {
        "period": period,
        "report": report,
        "tables": [
            ("person", _("By person"), _("Person"), people),
            ("channel", _("By channel"), _("Channel"), report.by["channel"]),
            ("category", _("By category"), _("Category"), report.by["category"]),
            ("company", _("By customer company"), _("Company"), report.by["company"]),
        ],
        "trend_chart": charts.line_chart([(p.label, p.met_due_rate) for p in report.trend]),
        "person_chart": charts.bar_chart(
            [
                (
                    f.label,
                    f.met_due_rate,
                    _("%(met)s of %(total)s met due") % {"met": f.met_due, "total": f.met_due + f.missed_due},
                )
                for f in people[:CHART_MAX_BARS]
            ]
        ),
        "chart_cut": len(people) > CHART_MAX_BARS,
        "csv_query": _link(scope, **period.query()).lstrip("?"),
        "dashboard_query": _link(scope).lstrip("?"),
    }
    return render(request, "reviews/compliance.html", context)


def _compliance_csv(request, scope, period, now):
    table = request.GET.get("table", "person")
    stamp = f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    if table in rules.GROUP_BY:
        report = compliance.compliance_report(scope, period=period, now=now, group_bys=(table,), trend=False)
        rows = [compliance.csv_row(f.as_dict()) for f in report.by[table]]
        return exports.csv_response(f"compliance-{table}-{stamp}.csv", compliance.CSV_COLUMNS, rows)
    if table == "trend":
        report = compliance.compliance_report(scope, period=period, now=now, group_bys=(), trend=True)
        rows = [
            {
                "week": p.label,
                "monday": p.monday.isoformat(),
                "met_due": p.met_due,
                "missed_due": p.missed_due,
                "met_due_percent": exports.percent(p.met_due_rate),
            }
            for p in report.trend
        ]
        return exports.csv_response(f"compliance-trend-{stamp}.csv", TREND_COLUMNS, rows)
    tables = ", ".join(rules.GROUP_BY)
    # Translators: %(tables)s and "trend" are parameter values, not to be translated.
    message = _("Unknown table: choose %(tables)s or trend.") % {"tables": tables}
    return HttpResponseBadRequest(message, content_type="text/plain")


# --- Digest -------------------------------------------------------------------------------------------


@login_required
def review_digest(request):
    """The Monday digest as it would be mailed now (its week is the director's)."""
    scope = _scope(request)
    digest = digest_for(scope, now=timezone.now())
    return render(request, "reviews/digest.html", _base(scope) | {"digest": digest})

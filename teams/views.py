"""HTML pages for the team lookup, company switching and company users."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accountteam.forms import add_service_errors
from accountteam.languages import back_to, remember_language

from . import selectors, services, time_zones
from .forms import (
    AcceptInvitationForm,
    AccountSearchForm,
    AvailabilityForm,
    InvitationForm,
    MemberForm,
    PermissionsForm,
    SettingsForm,
)
from .models import Invitation, Membership
from .scoping import display_name, staff_person
from .tenancy import SESSION_KEY

PAGE_SIZE = 25


@login_required
@require_GET
def account_search(request):
    form = AccountSearchForm(request.GET)
    query = form.filters().get("q", "")
    company = request.membership.company if request.membership is not None else None
    accounts = selectors.account_list(user=request.user, query=query, company=company)
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "query": query, "page_params": urlencode({"q": query}) if query else "", "filter_form": form,
    }
    if request.htmx:
        return render(request, "teams/partials/_account_rows.html", context)
    return render(request, "teams/account_search.html", context)


@login_required
@require_POST
def company_switch(request):
    company_id = request.POST.get("company", "")
    if not company_id.isdigit():
        raise Http404(_("No such company."))
    membership = get_object_or_404(
        Membership.objects.select_related("company"), user=request.user, company_id=int(company_id)
    )
    request.session[SESSION_KEY] = membership.company_id
    if request.POST.get("make_default"):
        services.membership_set_default(user=request.user, company=membership.company)
        messages.success(request, _("%(company)s now loads first after you sign in.") % {"company": membership.company})
    else:
        messages.info(request, _("Now working in %(company)s.") % {"company": membership.company})
    return redirect("home")


def _company_for_user_admin(request, company_id):
    company = selectors.company_get(user=request.user, pk=company_id)
    if not selectors.user_can_manage_company_users(user=request.user, company=company):
        raise PermissionDenied(_("You cannot manage this company's users."))
    return company


@login_required
def company_users(request, company_id: int):
    company = _company_for_user_admin(request, company_id)
    form = InvitationForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor=request.user,
                company=company,
                email=form.cleaned_data["email"],
                permissions=form.permissions(),
                request=request,
                **form.scope(),
                accept_url_builder=lambda token: request.build_absolute_uri(
                    reverse("invitation_accept", args=[token])
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("company_users", company_id=company.pk)
    members = (
        Membership.objects.visible_to(request.user).filter(company=company)
        .select_related("user__staff_profile").prefetch_related("accounts")
    )
    invitations = company.invitations.filter(accepted_at__isnull=True).order_by("-created_at")[:50]
    return render(
        request,
        "teams/company_users.html",
        {
            "company": company, "members": members, "invitations": invitations, "form": form,
            "can_set_two_factor": selectors.user_can_set_company_two_factor(user=request.user, company=company),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request, company_id: int, membership_id: int):
    """A member's page (rights and the accounts they apply to); a row of the users page posts its
    rights here too (its accounts stay as they are)."""
    company = _company_for_user_admin(request, company_id)
    membership = get_object_or_404(
        Membership.objects.visible_to(request.user).filter(company=company)
        .select_related("user__staff_profile").prefetch_related("accounts"),
        pk=membership_id,
    )
    name = display_name(membership.user)
    whole = "scope" in request.POST
    form = MemberForm(
        request.POST if whole else None, company=company,
        initial={**membership.rights(), "account_access": "all" if membership.all_accounts else "chosen",
                 "accounts": list(membership.accounts.all())},
    )

    def page(status: int):
        return render(request, "teams/member.html", {"company": company, "member": membership, "form": form},
                      status=status)

    if request.method == "POST":
        try:
            if request.POST.get("remove"):
                services.membership_remove(actor=request.user, membership=membership, request=request)
                messages.success(request, _("%(name)s was removed from %(company)s.") % {"name": name,
                                                                                       "company": company})
                return redirect("company_users", company_id=company.pk)
            if whole:
                if form.is_valid():
                    services.membership_update(actor=request.user, membership=membership, request=request,
                                               permissions=form.permissions(), **form.scope())
                    messages.success(request, _("Permissions of %(name)s saved.") % {"name": name})
                    return redirect("company_users", company_id=company.pk)
                return page(400)
            rights = PermissionsForm(request.POST)
            rights.is_valid()
            services.membership_update(actor=request.user, membership=membership, permissions=rights.permissions(),
                                       request=request)
            messages.success(request, _("Permissions of %(name)s saved.") % {"name": name})
        except ValidationError as exc:
            if whole:
                add_service_errors(form, exc)
                return page(400)
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You cannot change this member."))
        return redirect("company_users", company_id=company.pk)
    return page(200)


@login_required
@require_POST
def company_two_factor(request, company_id: int):
    """The company users page's switch: every user of the company must have two-factor sign-in."""
    company = selectors.company_get(user=request.user, pk=company_id)
    required = request.POST.get("require_two_factor") == "on"
    services.company_two_factor_set(actor=request.user, company=company, required=required)
    if required:
        done = _("Every user of %(company)s now needs two-factor sign-in.")
    else:
        done = _("Two-factor sign-in is now each user's choice at %(company)s.")
    messages.success(request, done % {"company": company})
    return redirect("company_users", company_id=company.pk)


def invitation_accept(request, token: str):
    invitation = Invitation.objects.select_related("company").filter(token=token).first()
    if invitation is None or not invitation.is_open():
        # A styled answer: 404 for a link that never existed, 410 for one used, replaced or expired.
        status = 404 if invitation is None else 410
        return render(request, "teams/invitation_closed.html", {"invitation": invitation}, status=status)
    user = request.user if request.user.is_authenticated else None
    form = AcceptInvitationForm(request.POST or None) if user is None else None
    if request.method == "POST" and (user is not None or form.is_valid()):
        try:
            membership = services.invitation_accept(
                invitation=invitation,
                username=form.cleaned_data["username"] if form else "",
                password=form.cleaned_data["password"] if form else "",
                user=user,
            )
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect("home")
            add_service_errors(form, exc)
        else:
            if user is None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_KEY] = membership.company_id
            messages.success(request, _("Welcome to %(company)s.") % {"company": membership.company})
            return redirect("home")
    return render(request, "teams/invitation_accept.html", {"invitation": invitation, "form": form})


@login_required
def my_availability(request):
    person = staff_person(request.user)
    if person is None:
        raise Http404
    form = AvailabilityForm(
        request.POST or None,
        person=person,
        initial={
            "availability": person.availability,
            "availability_from": person.availability_from,
            "availability_until": person.availability_until,
            "backup": person.backup,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_set_availability(
                person=person,
                state=form.cleaned_data["availability"],
                starts=form.cleaned_data["availability_from"],
                until=form.cleaned_data["availability_until"],
                backup=form.cleaned_data["backup"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your availability is saved."))
            return redirect("my_availability")
    return render(
        request,
        "teams/my_availability.html",
        {"form": form, "person": person, "availability": selectors.person_availability(person=person)},
    )


@login_required
def my_settings(request):
    current = selectors.user_settings_get(user=request.user)
    form = SettingsForm(
        request.POST or None,
        initial={
            "language": current.language or translation.get_language(),
            "time_zone": time_zones.zone_label(current.time_zone) if current.time_zone else "",
            "notify_by_email": current.notify_by_email,
            "notify_in_app": current.notify_in_app,
        },
        # The notices apps above offer to mute (escalations: the customer's notices).
        notice_groups=current.notice_groups,
        muted=current.muted_notices,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_settings_update(
                user=request.user,
                time_zone=form.cleaned_data["time_zone"],
                language=form.cleaned_data["language"] or None,
                notify_by_email=form.cleaned_data["notify_by_email"],
                notify_in_app=form.cleaned_data["notify_in_app"],
                muted_notices=form.muted_notices(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            time_zones.remember_time_zone(request, request.user)
            if form.cleaned_data["language"]:
                remember_language(request, form.cleaned_data["language"])
            messages.success(request, _("Your settings are saved."))
            return redirect("my_settings")
    return render(request, "notifications/settings.html", {"form": form})


@require_POST
@login_required
def time_zone_confirm(request):
    """The answer to the offer of the browser's zone: use it, or keep the one shown so far. Either
    way it becomes the user's setting and is not offered again."""
    back = back_to(request)
    if request.POST.get("choice") == "browser":
        try:
            zone = time_zones.clean_time_zone(request.POST.get("time_zone", "")[:time_zones.TIME_ZONE_MAX_LENGTH + 1])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
    else:
        zone = time_zones.time_zone_for(request.user)
    services.user_settings_update(user=request.user, time_zone=zone or time_zones.time_zone_for(request.user))
    time_zones.remember_time_zone(request, request.user)
    messages.success(request, _("Times are now shown in %(zone)s time.") % {"zone": time_zones.zone_label(zone)})
    return redirect(back)

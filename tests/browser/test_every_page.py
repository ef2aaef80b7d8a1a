"""Every main page of every persona passes the accessibility and width audit at a laptop's width
(1366×900) and a phone's (390×844): no serious or critical WCAG 2.1 A/AA violation (axe-core), no
sideways scroll. One test per persona and width, one sign-in each; a failure lists every page that
failed, and the screenshots and moderate findings of every page land under ``var/``.

The journeys are audited the same way on every page they visit (``watch.py``); this test covers
the pages no journey passes through.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.contrib.auth import get_user_model

from accountteam.clock import carrier_today
from demo.dossiers import seed_dossiers
from demo.escalations import seed_demo_escalations
from demo.handoffs import seed_demo_handoff
from demo.mail import seed_demo_mail
from demo.maintenance import seed_demo_maintenance
from demo.postmortems import seed_demo_postmortems
from demo.service import seed_demo_service
from demo.servicereports import seed_demo_service_reports
from demo.touchpoints import seed_demo_touchpoints
from escalations.models import Escalation
from handoffs.models import Handoff
from handoffs.services import handoff_start
from mailin.models import InboundMessage
from maintenance.models import Kind, NetworkNotice
from postmortems.models import PostMortem
from service.models import ServicePackage, TimeEntry
from service.selectors import can_manage_packages
from servicereports.models import PublishedReport
from teams.models import Account, Membership, Person, Role
from touchpoints.models import Occurrence, PlanItem
from touchpoints.selectors import may_set_some_plan
from webhooks.models import Endpoint
from webhooks.services import endpoint_create

from .audit import inspect

User = get_user_model()

WIDTHS = {"laptop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

@pytest.fixture
def demo_everything(demo):
    """The demo data as ``manage.py seed_demo`` makes it (items, dossiers, a handoff, post-mortems,
    e-mail, the service package and its hours, the review plan, network notices and a published
    service report), and a handoff on the service side, which the demo's sales handoff is not: the service manager
    takes Prairie Voice Omaha over from Luis Ortega, so she and her director have one to open."""
    seed_demo_escalations()
    seed_dossiers()
    seed_demo_handoff()
    seed_demo_postmortems()
    seed_demo_mail()
    # An endpoint of the carrier's ticketing tool, switched off (nothing is sent), for its pages.
    endpoint_create(actor=User.objects.get(username="carrier.admin"), name="NOC ticketing",
                    url="https://noc.carrier.example/hooks/portal", events=["escalation.raised"], is_active=False)
    seed_demo_service()
    seed_demo_touchpoints()
    seed_demo_maintenance()
    seed_demo_service_reports()
    handoff_start(
        actor=User.objects.get(username="service.director"),
        role=Role.objects.get(code="service-manager"),
        outgoing=Person.objects.get(email="luis.ortega@carrier.example"),
        incoming=Person.objects.get(user__username="service.manager"),
        effective_date=carrier_today() + dt.timedelta(days=14),
        accounts=[Account.objects.get(number="7003-0001")],
        note="Luis moves to the Chicago enterprise accounts.",
    )
    return demo


def _first_id(queryset) -> int:
    pk = queryset.order_by("pk").values_list("pk", flat=True).first()
    assert pk is not None, f"the demo data has nothing for {queryset.model.__name__}"
    return pk


def pages_of(username: str | None) -> dict[str, str]:
    """The main pages ``username`` can reach (anonymous when None), by name, ids read from the
    database through each model's own scoping."""
    if username is None:
        return {
            "sign-in": "/auth/login/",
            "password-reset": "/auth/password/reset/",
            "not-found": "/this-page-does-not-exist/",
        }
    user = User.objects.get(username=username)
    account = _first_id(Account.objects.visible_to(user))
    escalation = _first_id(Escalation.objects.visible_to(user))
    postmortems = PostMortem.objects.visible_to(user)
    pages = {
        "home": "/",
        "account": f"/accounts/{account}/",
        "escalations": "/escalations/",
        "escalation": f"/escalations/{escalation}/",
        "postmortems": "/postmortems/",
        "postmortem-published": f"/postmortems/{_first_id(postmortems.filter(status='published'))}/",
        "postmortem-open": f"/postmortems/{_first_id(postmortems.exclude(status='published'))}/",
        "notifications": "/notifications/",
        "settings": "/me/settings/",
        "api-tokens": "/me/tokens/",
        "calendar": "/me/calendar/",
        "password-change": "/auth/password/change/",
        "two-factor": "/auth/2fa/",
        "not-found": "/this-page-does-not-exist/",
    }
    memberships = Membership.objects.filter(user=user)
    if memberships.exists():
        pages["raise"] = "/escalations/new/"
        pages["postmortem-request"] = "/postmortems/request/"
        managed = memberships.filter(can_manage_users=True).values_list("company_id", flat=True).first()
        if managed:
            pages["company-users"] = f"/companies/{managed}/users/"
            member = Membership.objects.filter(company_id=managed).exclude(user=user).order_by("pk").first()
            if member is not None:
                pages["company-member"] = f"/companies/{managed}/users/{member.pk}/"  # rights per account
            pages["service-hours"] = "/service/usage/"  # their company's package and hours
            pages["audit"] = "/audit/"  # their company's audit trail
        return pages | proactive_pages(user, staff=False)
    handoff = _first_id(Handoff.objects.visible_to(user))
    pages |= {
        "queue": "/queue/",
        "raise": "/escalations/new/",
        "account-search": "/accounts/?q=Front",
        "dossier": f"/accounts/{account}/dossier/",
        "dossier-history": f"/accounts/{account}/dossier/history/",
        "dossier-profile": f"/accounts/{account}/dossier/profile/",
        "handoffs": "/handoffs/",
        "handoff": f"/handoffs/{handoff}/",
        "handoff-start": "/handoffs/new/",
        "availability": "/me/availability/",
        "mail": "/mail/",
        "mail-message": f"/mail/{_first_id(InboundMessage.objects.visible_to(user))}/",
    }
    if username in {"service.director", "carrier.admin"}:
        pages |= {
            "review": "/review/",
            "compliance": "/review/compliance/",
            "digest": "/review/digest/",
        }
    if username == "carrier.admin":
        pages |= {
            "audit": "/audit/",
            "webhooks": "/webhooks/",
            "webhook-new": "/webhooks/new/",
            "webhook": f"/webhooks/{_first_id(Endpoint.objects.all())}/",
        }
    return pages | proactive_pages(user, staff=True)


def proactive_pages(user, *, staff: bool) -> dict[str, str]:
    """The service package, review plan, network notice and service report pages ``user`` reaches:
    customers read the notices, held reviews and published reports of their companies; staff also
    log time, hold reviews, publish notices and reports, and (directors, admins) set them up."""
    notices = NetworkNotice.objects.visible_to(user)
    occurrences = Occurrence.objects.visible_to(user)
    published = PublishedReport.objects.visible_to(user).order_by("pk").first()
    assert published is not None, "the demo data has no published service report"
    pages = {
        "maintenance": "/maintenance/",
        "maintenance-planned": f"/maintenance/{_first_id(notices.filter(kind=Kind.MAINTENANCE))}/",
        "maintenance-outage": f"/maintenance/{_first_id(notices.filter(kind=Kind.OUTAGE))}/",
        "touchpoints": "/touchpoints/",
        "touchpoints-held": f"/touchpoints/occurrences/{_first_id(occurrences.filter(status='held'))}/",
        "service-reports": "/reports/",
        "service-report-published": (f"/reports/companies/{published.company_id}/"
                                     f"?from={published.first:%Y-%m-%d}&to={published.last:%Y-%m-%d}"),
    }
    if not staff:
        return pages
    package = ServicePackage.objects.visible_to(user).order_by("pk").first()
    assert package is not None, "the demo data has no service package"
    company = package.company_id
    due = occurrences.filter(status="open")
    pages |= {
        "service-hours": "/service/usage/",
        "service-company-hours": f"/service/companies/{company}/",
        "time-sheet": "/service/time/",
        "log-time": "/service/time/new/",
        "touchpoints-plan": f"/touchpoints/companies/{company}/",
        # A review due, with its hold form: one of theirs when they own one.
        "touchpoints-due": f"/touchpoints/occurrences/{_first_id(due.filter(owner__user=user) or due)}/",
        "maintenance-publish": "/maintenance/new/",
        "maintenance-publish-outage": "/maintenance/new/?kind=outage",
        "maintenance-edit": f"/maintenance/{_first_id(notices.filter(kind=Kind.MAINTENANCE))}/edit/",
        "service-report": f"/reports/companies/{company}/",
    }
    own = TimeEntry.objects.filter(person__user=user).order_by("pk").values_list("pk", flat=True).first()
    if own:
        pages["time-entry"] = f"/service/time/{own}/"
    if can_manage_packages(user, package.company):
        pages |= {
            "package-edit": f"/service/packages/{package.pk}/",
            "package-new": f"/service/companies/{company}/package/new/",
        }
    if may_set_some_plan(user):
        item = _first_id(PlanItem.objects.visible_to(user).filter(company_id=company))
        pages |= {
            "touchpoints-item-new": f"/touchpoints/companies/{company}/items/new/",
            "touchpoints-item-edit": f"/touchpoints/items/{item}/edit/",
        }
    return pages


PERSONAS = ["clec.user", "clec.admin", "service.manager", "service.director", "carrier.admin", None]


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("username", PERSONAS, ids=lambda u: u or "anonymous")
def test_every_page_passes_the_accessibility_and_width_audit(
    demo_everything, live_server, browser, sign_in, username, width
):
    context = browser.new_context(viewport=WIDTHS[width])
    context.set_default_timeout(15_000)
    page = context.new_page()
    started = time.monotonic()
    failures, audited = [], []

    def check(name: str) -> None:
        """Audit the page as it stands; keep what it failed on, to list every page at the end."""
        result = inspect(page, f"{username or 'anonymous'}-{name}")
        audited.append(name)
        if result.serious:
            failures.append(result.describe_serious())
        if result.too_wide:
            failures.append(result.describe_width())

    try:
        if username:
            sign_in(page, username)
        for name, path in pages_of(username).items():
            response = page.goto(live_server.url + path)
            expected = 404 if name == "not-found" else 200
            assert response is not None and response.status == expected, f"{name} ({path}) answered " + (
                str(response.status) if response else "nothing")
            check(name)
        if username:
            # The header's menus open: the folded menu on a phone, and the user's own menu.
            page.goto(live_server.url + "/")
            toggle = page.locator("[data-nav-toggle]")
            if toggle.count() and toggle.first.is_visible():
                toggle.first.click()
            page.locator("details.dropdown > summary").first.click()
            check("menus-open")
        else:
            page.goto(live_server.url + "/auth/login/")
            page.locator("input[name=login]").fill("clec.user")
            page.locator("input[name=password]").fill("not the password")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state("networkidle")
            check("sign-in-refused")
    finally:
        context.close()
    print(f"\naudited {len(audited)} pages in {time.monotonic() - started:.1f} s")
    assert not failures, "\n\n".join(failures)

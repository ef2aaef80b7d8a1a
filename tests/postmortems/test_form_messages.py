"""Form messages on the post-mortem pages say each thing once, beside what it is about: a refused
date beside its field (the live duration hint keeps quiet while the server's errors are shown, so
neither a second copy nor a green "eligible" sits beside them), "(optional)" once per label, and the
people who did things by their names."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from postmortems import services
from tests.clients import signed_in

from .factories import NOW, accepted_postmortem, published_postmortem, request_postmortem

pytestmark = pytest.mark.django_db

REQUEST = "/postmortems/request/"


@pytest.fixture(autouse=True)
def _now(clock):
    """The clock stands still at NOW (Tue 13 Jan 2026 10:00 MST)."""


def form_data(tenant, **overrides):
    return {
        "account": tenant.account.pk,
        "ticket_number": "TT-9001",
        "circuit_id": "DS3 DNVR-BLDR 0042",
        "event_start": "2026-01-12T20:00",
        "event_end": "2026-01-13T06:00",
        "impact": "No calls in or out of Boulder for the night.",
    } | overrides


def hint(html: str) -> str:
    return re.search(r'<p id="duration-hint"[^>]*>', html).group(0)


def test_an_event_ending_before_it_starts_is_said_once_beside_the_end_field(tenant, customer):
    response = customer.post(REQUEST, form_data(tenant, event_start="2026-01-13T06:00", event_end="2026-01-13T05:00"))

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("The event must end after it starts.") == 1
    end_error = re.search(r'<small class="error" data-testid="error-event_end">([^<]*)</small>', html)
    assert end_error and end_error.group(1) == "The event must end after it starts."
    assert not response.context["form"].non_field_errors()
    # The live hint is quiet while the server's errors are shown (it speaks again once a date changes).
    assert "data-paused" in hint(html)


def test_the_eligibility_hint_is_quiet_beside_errors_on_other_fields(tenant, customer):
    response = customer.post(REQUEST, form_data(tenant, ticket_number="", impact=""))

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="error"') >= 2
    assert "data-paused" in hint(html)
    assert "eligible" not in html


def test_the_hint_speaks_on_a_fresh_form(customer):
    html = customer.get(REQUEST).content.decode()

    assert "data-paused" not in hint(html)
    assert "/static/js/postmortem_request.js" in html


def test_an_optional_label_says_optional_once(tenant, staff):
    pm = request_postmortem(tenant)

    html = staff.get(reverse("postmortem_detail", args=[pm.pk])).content.decode()

    assert "(optional) (optional)" not in re.sub(r"<[^>]+>", "", html)
    label = re.search(r'<label for="accept-comment">(.*?)</label>', html, re.S)
    assert label, "the accept form's comment field"
    assert re.sub(r"<[^>]+>", "", label.group(1)).split() == ["Comment", "to", "the", "customer", "(optional)"]


def test_a_refused_workspace_form_is_said_once_beside_its_field_after_the_redirect(tenant, staff):
    pm = accepted_postmortem(tenant)

    response = staff.post(
        reverse("postmortem_action", args=[pm.pk, "notes"]),
        {"at": "2026-01-14T09:00", "source": "noc", "text": "Later"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("postmortem_detail", args=[pm.pk]) + "#notes-title", 302)]
    html = response.content.decode()
    assert len(re.findall(r"cannot be in the future", html)) == 1
    assert 'data-testid="error-at"' in html
    assert "Later" in html.split('data-testid="note-form"', 1)[1]  # as it was filled in
    # A reload shows the page as it is now: the refusal is not repeated.
    again = staff.get(reverse("postmortem_detail", args=[pm.pk])).content.decode()
    assert "cannot be in the future" not in again


def test_the_published_analysis_and_the_request_name_people_not_usernames(tenant, customer):
    tenant.user.first_name, tenant.user.last_name = "Cora", "Customer"
    tenant.user.save()
    pm = published_postmortem(tenant)

    html = customer.get(reverse("postmortem_detail", args=[pm.pk])).content.decode()
    page = html.split('id="main"', 1)[1]

    assert "by Home Manager" in page  # the manager's staff name, not "home.manager"
    assert "by Cora Customer" in page
    assert tenant.manager_user.username not in page


def test_notes_say_who_logged_them_by_name(tenant, staff):
    pm = accepted_postmortem(tenant)
    services.postmortem_note_add(
        actor=tenant.manager_user, postmortem=pm, at=NOW - dt.timedelta(hours=1), source="noc", text="Alarm.",
        now=NOW,
    )

    html = signed_in(tenant.manager_user).get(reverse("postmortem_detail", args=[pm.pk])).content.decode()

    assert "logged by Home Manager" in html
    assert "logged by home.manager" not in html

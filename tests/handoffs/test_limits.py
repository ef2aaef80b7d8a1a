"""Handoffs have bounds: the effective date and the introduction's time between 2000 and 2100,
notes of at most 4,000 characters and a cancel reason of at most 300, and evidence files of the
documented types up to UPLOAD_MAX_BYTES (real multipart requests, API and page)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accountteam.uploads import FORM_ALLOWANCE
from handoffs import services
from handoffs.models import ChecklistItem, Handoff
from tests import samples
from tests.clients import signed_in

from .factories import EFFECTIVE, start_handoff, stored_state

pytestmark = pytest.mark.django_db

API = "/api/v1/handoffs/"
OUT_OF_BOUNDS = "Enter a date between 1 Jan 2000 and 31 Dec 2100."


def post(client, path, data):
    return client.post(path, data, content_type="application/json")


def files_item(handoff) -> ChecklistItem:
    return ChecklistItem.objects.get(handoff_account__handoff=handoff, template__code="files")


def start_body(tenant, incoming, **extra) -> dict:
    return {"role": "service-manager", "outgoing": tenant.manager.pk, "incoming": incoming.pk,
            "accounts": [tenant.account.pk], "effective_date": EFFECTIVE.isoformat()} | extra


@pytest.mark.parametrize(
    "extra, field",
    [({"effective_date": "2101-01-01"}, "effective_date"), ({"effective_date": "9999-12-31"}, "effective_date"),
     ({"note": "n" * 4_001}, "note")],
)
def test_the_api_refuses_a_start_past_the_bounds(tenant, incoming, director_client, extra, field):
    response = post(director_client, API, start_body(tenant, incoming, **extra))

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Handoff.objects.exists()


def test_the_service_refuses_an_effective_date_past_the_bounds(tenant, incoming, director, role):
    with pytest.raises(ValidationError) as refused:
        start_handoff(actor=director.user, outgoing=tenant.manager, incoming=incoming, role=role,
                      accounts=[tenant.account], effective_date=dt.date(9999, 12, 31))
    assert refused.value.message_dict == {"effective_date": [OUT_OF_BOUNDS]}


def test_the_introduction_at_the_end_of_time_is_refused(handoff, tenant, contact, director_client):
    before = stored_state(handoff)
    response = post(director_client, f"{API}{handoff.pk}/introduction/",
                    {"account": tenant.account.pk, "starts_at": "9999-12-31T23:30:00Z"})

    assert response.status_code == 400
    assert response.json() == {"starts_at": [OUT_OF_BOUNDS]}
    assert stored_state(handoff) == before


def test_the_service_refuses_an_introduction_past_the_bounds(handoff, tenant, contact, director):
    with pytest.raises(ValidationError) as refused:
        services.handoff_schedule_introduction(
            actor=director.user, handoff=handoff, account=tenant.account,
            starts_at=dt.datetime(2101, 1, 2, 10, tzinfo=dt.UTC),
        )
    assert list(refused.value.message_dict) == ["starts_at"]


def test_a_cancel_reason_over_300_characters_is_refused_not_cut(handoff, director_client, director):
    before = stored_state(handoff)
    response = post(director_client, f"{API}{handoff.pk}/cancel/", {"reason": "r" * 301})
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    with pytest.raises(ValidationError) as refused:
        services.handoff_cancel(actor=director.user, handoff=handoff, reason="r" * 301)
    assert list(refused.value.message_dict) == ["reason"]
    assert stored_state(handoff) == before


@pytest.mark.parametrize("name, content", [("evidence.exe", samples.EXE), ("evidence.pdf", samples.HTML)])
def test_the_api_refuses_evidence_of_another_type(handoff, tenant, name, content):
    item = files_item(handoff)
    before = stored_state(handoff)
    response = signed_in(tenant.manager_user).post(
        f"{API}{handoff.pk}/items/{item.pk}/complete/", {"file": samples.upload(name, content), "note": "All in."}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert stored_state(handoff) == before


def test_the_api_refuses_evidence_over_the_limit_before_reading_it(handoff, tenant, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    item = files_item(handoff)
    before = stored_state(handoff)
    response = signed_in(tenant.manager_user).post(
        f"{API}{handoff.pk}/items/{item.pk}/complete/",
        {"note": "All in.", "file": samples.upload("notes.txt", b"x" * (1024 + FORM_ALLOWANCE))},
    )

    assert response.status_code == 400
    assert response.json() == {"file": ["The file is larger than 1 KB, the most the portal keeps."]}
    assert stored_state(handoff) == before


def test_the_api_refuses_an_evidence_note_over_4000_characters(handoff, tenant):
    item = files_item(handoff)
    response = signed_in(tenant.manager_user).post(
        f"{API}{handoff.pk}/items/{item.pk}/complete/", {"note": "n" * 4_001}, content_type="application/json"
    )
    assert response.status_code == 400 and list(response.json()) == ["note"]


def test_the_page_shows_an_evidence_type_error_on_the_items_form(handoff, tenant):
    item = files_item(handoff)
    response = signed_in(tenant.manager_user).post(
        reverse("handoff_item_complete", args=[handoff.pk, item.pk]),
        {f"item{item.pk}-note": "All in.", f"item{item.pk}-file": samples.upload("page.html", samples.HTML)},
        follow=True,
    )

    assert response.redirect_chain == [(f"/handoffs/{handoff.pk}/#item-{item.pk}", 302)]
    assert "“.html” files are not accepted" in response.content.decode()
    assert not ChecklistItem.objects.get(pk=item.pk).is_done


def test_the_page_answers_evidence_over_the_limit_with_a_page_that_says_so(handoff, tenant, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    item = files_item(handoff)
    response = signed_in(tenant.manager_user).post(
        reverse("handoff_item_complete", args=[handoff.pk, item.pk]),
        {f"item{item.pk}-file": samples.upload("scan.pdf", samples.PDF + b"x" * (1024 + FORM_ALLOWANCE))},
    )

    assert response.status_code == 400
    assert "The file is larger than 1 KB, the most the portal keeps." in response.content.decode()
    assert not ChecklistItem.objects.get(pk=item.pk).is_done


def test_the_start_form_offers_the_bounds_and_the_notes_limit(director_client):
    html = director_client.get(reverse("handoff_start")).content.decode()
    assert 'min="2000-01-01" max="2100-12-31"' in html
    assert 'maxlength="4000"' in html

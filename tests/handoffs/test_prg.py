"""Post/Redirect/Get on the handoff page: every action, refused or not, answers with a redirect to
the handoff page, so a reload never sends it again; the refusal is shown once, beside what caused it."""

import re

import pytest
from django.urls import reverse

from escalations.services import escalation_create
from handoffs.models import Handoff

from .factories import stored_state

pytestmark = pytest.mark.django_db


def page(handoff) -> str:
    return reverse("handoff_detail", args=[handoff.pk])


def text(response) -> str:
    html = response if isinstance(response, str) else response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_refused_completion_redirects_to_the_handoff_page_with_what_stands_in_the_way(
    director_client, handoff, tenant
):
    escalation_create(actor=tenant.user, account=tenant.account, channel="pager", category="repair",
                      subject="T1 to Golden down")
    before = stored_state(handoff)

    refused = director_client.post(reverse("handoff_complete", args=[handoff.pk]))

    assert refused.status_code == 302
    assert refused["Location"] == f"{page(handoff)}#finish-h"
    shown = director_client.get(refused["Location"])
    assert shown.status_code == 200
    body = text(shown)
    assert body.count("The handoff cannot complete yet.") == 1
    assert "What stands in the way" in body
    assert "The incoming person has not confirmed yet." in body
    # Beside the button that was refused, not at the top of the page.
    html = shown.content.decode()
    assert html.index('id="blockers"') > html.index('id="finish-h"')
    assert html.index('id="blockers"') < html.index(reverse("handoff_complete", args=[handoff.pk]))
    assert stored_state(handoff) == before


def test_reloading_the_page_after_a_refusal_shows_the_page_as_it_is_now(director_client, handoff):
    refused = director_client.post(reverse("handoff_complete", args=[handoff.pk]))
    director_client.get(refused["Location"])

    reloaded = director_client.get(page(handoff))

    assert "What stands in the way" not in text(reloaded)
    assert "The handoff cannot complete yet." not in text(reloaded)


def test_a_refused_checklist_form_comes_back_filled_in_with_its_error_beside_the_field(director_client, handoff):
    network = handoff.accounts.get().items.get(template__code="network")
    prefix = f"item{network.pk}"

    refused = director_client.post(
        reverse("handoff_item_complete", args=[handoff.pk, network.pk]),
        {f"{prefix}-note": "Walked the POIs.", f"{prefix}-link": "http://"},
    )

    assert refused.status_code == 302
    assert refused["Location"] == f"{page(handoff)}#item-{network.pk}"
    shown = director_client.get(refused["Location"])
    html = shown.content.decode()
    item_html = html.split(f'id="item-{network.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Enter a valid URL." in item_html
    assert "Walked the POIs." in item_html
    assert "<details open" in item_html.replace("<details  open", "<details open")
    assert text(shown).count("Enter a valid URL.") == 1
    network.refresh_from_db()
    assert not network.is_done


def test_a_refused_cancel_form_comes_back_open_with_its_error(director_client, handoff):
    refused = director_client.post(reverse("handoff_cancel", args=[handoff.pk]), {"reason": ""})

    assert refused.status_code == 302
    assert refused["Location"] == f"{page(handoff)}#cancel"
    html = director_client.get(refused["Location"]).content.decode()
    cancel = html.split('id="cancel"', 1)[1].split("</details>", 1)[0]
    assert cancel.lstrip().startswith("open")
    assert "This field is required." in cancel
    handoff.refresh_from_db()
    assert handoff.status == Handoff.Status.OPEN


def test_an_action_refused_for_the_state_redirects_with_the_reason_once(director_client, handoff, director):
    from handoffs import services

    services.handoff_confirm(actor=director.user, handoff=handoff)

    refused = director_client.post(reverse("handoff_confirm", args=[handoff.pk]))

    assert refused.status_code == 302
    assert refused["Location"] == f"{page(handoff)}#finish-h"
    assert text(director_client.get(refused["Location"])).count("The handoff was already confirmed.") == 1


def test_an_action_refused_to_this_person_redirects_with_the_reason(handoff, incoming, make_client):
    # The incoming person may not transfer the outgoing person's work.
    client = make_client(incoming.user)

    refused = client.post(reverse("handoff_transfer", args=[handoff.pk]))

    assert refused.status_code == 302
    assert refused["Location"] == f"{page(handoff)}#work-h"
    shown = text(client.get(refused["Location"]))
    assert shown.count("Only the outgoing person or their director can transfer the open work.") == 1


def test_the_log_and_the_checklist_name_people_not_usernames(director_client, handoff, director):
    from handoffs import services

    network = handoff.accounts.get().items.get(template__code="network")
    services.handoff_item_complete(actor=director.user, handoff=handoff, item=network, note="Walked.")

    html = director_client.get(page(handoff)).content.decode()
    body = text(html.split('id="main"', 1)[1].split("</main>", 1)[0])  # the page, not the menu

    assert "started by Dora Director" in body
    assert "by Dora Director." in body
    assert "Dora Director: " in body  # the log
    assert "dora.director" not in body

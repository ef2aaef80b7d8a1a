"""The portal in Spanish and Portuguese in a real browser: Pampa Conecta's users read their team
page (its roles, guidelines and duty number) in their own language, raise an escalation there and
read its due time in their own zone, and download a post-mortem's PDF in it; the team page is
saved in the three languages for review (``var/screenshots/team-{language}-*.png``)."""

import io
import re
from zoneinfo import ZoneInfo

import pypdf
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from accountteam.data_words import WORDS
from accountteam.dates import local_format
from demo.postmortems import seed_demo_postmortems
from escalations import services
from escalations.models import Escalation
from teams.models import Account

pytestmark = pytest.mark.journey

SHOTS = settings.BASE_DIR / "var" / "screenshots"
SUBJECT = "Enlace Ethernet caído en Palermo"


def said(language: str, message: str) -> str:
    with translation.override(language):
        text = gettext(message)
    assert text != message or language == "en", f"{message!r} has no {language} translation"
    return text


@pytest.mark.parametrize(("username", "language"), [("clec.user", "en"), ("latam.user", "es"),
                                                    ("brasil.user", "pt-br")])
def test_the_team_page_speaks_the_readers_language(demo, live_server, page, sign_in, screen, username, language):
    sign_in(page, username)

    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", name=said(language, "Your account team"), exact=True)).to_be_visible()
    expect(page.locator("footer select#language-switch")).to_have_value(language)
    main = page.locator("main")
    # The words kept in data: the roles and the guidelines, then the after-hours line.
    for english in ("Service Manager", "Sales Executive", "Voicemail: returned within 4 business hours."):
        expect(main).to_contain_text(WORDS[english][language] if language != "en" else english)
    expect(main).to_contain_text(said(language, "After-hours repair help:").strip())
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"team-{language}-{screen}.png"), full_page=True)


def test_latam_user_raises_a_voicemail_in_spanish_and_reads_its_due_time_in_buenos_aires(
    demo, live_server, page, sign_in, eager_tasks, mailoutbox
):
    sign_in(page, "latam.user")
    account = Account.objects.get(number="7004-0001")
    expect(page.locator("main")).to_contain_text("Martín Sosa")

    page.get_by_role("button", name=said("es", "Raise an escalation for %(number)s").replace(
        "%(number)s", account.number)).click()
    page.get_by_label(said("es", "How are you contacting us?")).select_option(value="voicemail")
    page.get_by_label(said("es", "What is it about?")).select_option(value="expedite")
    page.get_by_label(said("es", "Subject")).fill(SUBJECT)
    with translation.override("es"):
        raise_button = pgettext("raise the escalation", "Raise")
    page.get_by_role("button", name=raise_button, exact=True).click()

    item = Escalation.objects.get(subject=SUBJECT)
    expect(page).to_have_url(re.compile(rf"/escalations/{item.pk}/$"))
    # Martín Sosa's Argentine calendar sets the deadline; it reads in Buenos Aires time, in Spanish.
    assert item.assignee.name == "Martín Sosa" and item.assignee.calendar.holiday_country == "AR"
    with translation.override("es"):
        due = local_format(timezone.localtime(item.next_deadline_at, ZoneInfo("America/Argentina/Buenos_Aires")),
                           "D j M Y, H:i T")
    expect(page.locator("#item-due")).to_have_text(due)
    assert "-03" in due

    # The acknowledgement reaches her as a Spanish e-mail, whoever acknowledges it.
    services.escalation_acknowledge(actor=get_user_model().objects.get(username="service.director"),
                                    escalation=item)
    [message] = [m for m in mailoutbox if m.to == ["noc@pampaconecta.example"]]
    with translation.override("es"):
        assert gettext("Acknowledged") in message.subject and "Acknowledged" not in message.subject
    assert message.extra_headers["Content-Language"] == "es"


def test_brasil_user_downloads_a_published_post_mortem_as_a_pdf_in_portuguese(demo, live_server, page, sign_in):
    seed_demo_postmortems()
    sign_in(page, "brasil.user")

    page.goto(f"{live_server.url}/postmortems/")
    page.get_by_role("link", name=re.compile("TT-55120")).first.click()
    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").first.click()
    path = download.value.path()
    with open(path, "rb") as document:
        text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(document.read())).pages)

    assert download.value.suggested_filename.startswith("post-mortem-7004-0002-TT-55120")
    for heading in ("Root cause", "Preventive actions"):
        assert said("pt-br", heading) in text and heading not in text
    assert "multiplexador de Campinas" in text  # the analysis, as the carrier wrote it

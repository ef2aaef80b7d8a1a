"""The published analysis as a PDF (WeasyPrint): the carrier's branding, the version's own text,
page numbers, and the version and date on every page. Text is read back with pypdf.
"""

import io

import pypdf
import pytest

from postmortems import pdf, services
from teams.models import BusinessCalendar

from .factories import NOW, ROOT_CAUSE, published_postmortem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def pages(document: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(document)).pages]


@pytest.fixture
def version(tenant):
    return published_postmortem(tenant).versions.get()


def test_the_pdf_of_a_version_has_its_root_cause_the_carrier_and_the_version(version):
    document = pdf.version_pdf(version)

    assert document.startswith(b"%PDF")
    text = "\n".join(pages(document))
    assert ROOT_CAUSE in text
    assert "Summit Wholesale · Wholesale account team" in text  # the branding
    assert "Root-cause analysis: ticket TT-4471" in text
    assert "Version 1, published 13 January 2026 10:00 MST" in text
    assert "Version 1 · published 13 Jan 2026" in text  # the footer
    assert "Page 1 of" in text


def test_the_pdf_has_the_public_timeline_and_the_actions_but_no_internal_note(version):
    text = "\n".join(pages(pdf.version_pdf(version)))

    assert "12 Jan 20:00 MST Network operations centre — Loss of signal alarm on DS3 101." in text
    assert "Home Manager 2026-02-13" in text
    assert "did not answer the first page" not in text
    assert "Event 12 Jan 2026 20:00 MST – 13 Jan 2026 06:00 MST (10 h 00 min)" in text


def test_every_page_carries_the_version_date_and_its_number(tenant):
    long_cause = "\n\n".join(f"Finding {n}: the splice tray in hut {n} was not secured." for n in range(1, 160))
    pm = published_postmortem(tenant)
    services.postmortem_correct(actor=tenant.manager_user, postmortem=pm)
    services.postmortem_analysis_update(actor=tenant.manager_user, postmortem=pm, root_cause=long_cause)
    version = services.postmortem_publish(
        actor=tenant.manager_user, postmortem=pm, correction_note="Every finding listed.", now=NOW
    )

    texts = pages(pdf.version_pdf(version))

    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {len(texts)}" in text
        assert "Version 2 · published 13 Jan 2026" in text
        assert "Summit Wholesale · Root-cause analysis" in text
    assert "Version 2 corrects the earlier version: Every finding listed." in texts[0]
    assert "Finding 159: the splice tray in hut 159 was not secured." in "\n".join(texts)


def test_every_page_header_names_the_ticket(version):
    for text in pages(pdf.version_pdf(version)):
        assert "Ticket TT-4471" in text


def test_the_footer_and_the_body_give_the_same_publication_date(tenant, version):
    # Published Tue 13 Jan 10:00 MST, which is Wed 14 Jan 02:00 in Tokyo.
    tenant.manager.calendar = BusinessCalendar.objects.create(name="Tokyo office", time_zone="Asia/Tokyo")
    tenant.manager.save()
    version = type(version).objects.select_related("postmortem__manager__calendar").get(pk=version.pk)

    text = pages(pdf.version_pdf(version))[0]

    assert "Version 1, published 14 January 2026 02:00 JST" in text
    assert "Version 1 · published 14 Jan 2026" in text


def test_an_earlier_version_renders_its_own_text_after_a_correction(tenant, version):
    pm = version.postmortem
    services.postmortem_correct(actor=tenant.manager_user, postmortem=pm)
    services.postmortem_analysis_update(actor=tenant.manager_user, postmortem=pm, root_cause="A squirrel.")
    services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, correction_note="Squirrel.", now=NOW)

    text = "\n".join(pages(pdf.version_pdf(version)))

    assert ROOT_CAUSE in text
    assert "squirrel" not in text.lower()


def test_the_same_version_always_gives_the_same_document(version):
    assert pdf.version_pdf(version) == pdf.version_pdf(version)


def test_the_filename_names_account_ticket_and_version(tenant):
    pm = published_postmortem(tenant, ticket_number="TT 44/71 #2")

    assert pdf.filename(pm.versions.get()) == f"post-mortem-{tenant.account.number}-TT-44-71--2-v1.pdf"


@pytest.mark.parametrize("language", ["es", "pt-br"])
def test_the_pdf_is_written_in_the_language_of_whoever_downloads_it(version, language):
    from django.utils import translation

    with translation.override(language):
        text = "\n".join(pages(pdf.version_pdf(version)))
        words = [translation.gettext("Root cause"), translation.gettext("Preventive actions")]

    assert ROOT_CAUSE in text  # the analysis itself is the carrier's words
    assert all(word in text for word in words) and "Root cause" not in words
    assert "Page 1 of" not in text

"""Dossier files and agreement documents: only the documented types, whose content matches their
name, up to UPLOAD_MAX_BYTES; a file over the limit is refused before its content is read. Every
request here is a real multipart request through the test client."""

import pytest
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import reverse

from accountteam.uploads import FORM_ALLOWANCE
from dossiers.models import Amendment, Change, DossierFile
from tests import samples
from tests.clients import api_as as api
from tests.clients import signed_in
from tests.dossiers.factories import DossierFileFactory

pytestmark = pytest.mark.django_db

SMALL_LIMIT = 2048


def files_url(account, rest=""):
    return f"/api/v1/accounts/{account.pk}/dossier/files/{rest}"


class RecordingHandler(FileUploadHandler):
    """Stands after the limit's handler: what it receives was read from the request."""

    received: list[bytes] = []

    def receive_data_chunk(self, raw_data, start):
        RecordingHandler.received.append(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def small_limit(settings):
    settings.UPLOAD_MAX_BYTES = SMALL_LIMIT
    settings.FILE_UPLOAD_HANDLERS = [
        "accountteam.uploads.UploadLimitHandler",
        "tests.dossiers.test_uploads.RecordingHandler",
        *settings.FILE_UPLOAD_HANDLERS[1:],
    ]
    RecordingHandler.received = []
    return SMALL_LIMIT


@pytest.mark.parametrize(
    "name, content",
    [
        ("page.html", samples.HTML),
        ("setup.exe", samples.EXE),
        ("invoice.pdf", samples.EXE),  # an executable renamed
        ("notes.txt", b"MZ\x00\x00binary"),
    ],
)
def test_the_api_refuses_a_file_of_another_type_under_its_field(tenant, name, content):
    response = api(tenant.manager_user).post(
        files_url(tenant.account), {"file": samples.upload(name, content)}, format="multipart"
    )

    assert response.status_code == 400, response.content
    assert list(response.json()) == ["file"]
    assert not DossierFile.objects.exists() and not Change.objects.exists()


@pytest.mark.parametrize("name", ["minutes.docx", "circuits.xlsx", "review.odp", "diagram.png", "circuits.csv"])
def test_the_api_keeps_documents_and_images(tenant, name):
    response = api(tenant.manager_user).post(
        files_url(tenant.account), {"file": samples.upload(name, samples.ACCEPTED[name])}, format="multipart"
    )

    assert response.status_code == 201, response.content
    assert DossierFile.objects.get().file.read() == samples.ACCEPTED[name]


def test_an_agreement_document_of_another_type_is_refused_under_document(tenant):
    response = api(tenant.manager_user).post(
        f"/api/v1/accounts/{tenant.account.pk}/dossier/amendments/",
        {"title": "Amendment 7", "document": samples.upload("a7.pdf.html", samples.HTML)},
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["document"]
    assert not Amendment.objects.exists()


def test_a_file_over_the_limit_is_refused_before_its_content_is_read(tenant, small_limit):
    content = b"x" * (small_limit + FORM_ALLOWANCE + 1)
    response = api(tenant.manager_user).post(
        files_url(tenant.account), {"title": "Log", "file": samples.upload("log.txt", content)}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"file": ["The file is larger than 2 KB, the most the portal keeps."]}
    assert RecordingHandler.received == []  # not one byte of the file went further
    assert not DossierFile.objects.exists()


def test_a_file_that_grows_past_the_limit_is_stopped_there(tenant, small_limit):
    content = b"x" * (small_limit + 1)  # the request is within the allowance: the count stops it
    response = api(tenant.manager_user).post(
        files_url(tenant.account), {"file": samples.upload("log.txt", content)}, format="multipart"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert sum(map(len, RecordingHandler.received)) <= small_limit
    assert not DossierFile.objects.exists()


def test_replacing_a_file_with_one_over_the_limit_keeps_the_stored_one(tenant, small_limit):
    row = DossierFileFactory(account=tenant.account, title="Diagram")
    response = api(tenant.manager_user).patch(
        files_url(tenant.account, f"{row.pk}/"),
        {"file": samples.upload("v2.pdf", samples.PDF + b"x" * (small_limit + FORM_ALLOWANCE))},
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    row.refresh_from_db()
    assert row.file.read().startswith(b"%PDF-1.4 diagram")


def test_a_file_at_the_limit_is_kept(tenant, small_limit):
    content = samples.PDF + b"x" * (small_limit - len(samples.PDF))
    response = api(tenant.manager_user).post(
        files_url(tenant.account), {"file": samples.upload("scan.pdf", content)}, format="multipart"
    )

    assert response.status_code == 201, response.content
    assert DossierFile.objects.get().file.size == small_limit


def test_the_page_shows_the_type_error_on_the_form(tenant):
    client = signed_in(tenant.manager_user)
    response = client.post(
        reverse("dossier_part_create", args=[tenant.account.pk, "files"]),
        {"title": "Setup", "kind": "document", "section": "general", "file": samples.upload("setup.exe", samples.EXE)},
    )

    assert response.status_code == 200
    assert "“.exe” files are not accepted" in response.content.decode()
    assert response.context["form"].errors["file"]
    assert not DossierFile.objects.exists()


def test_the_page_answers_a_file_over_the_limit_with_a_page_that_says_so(tenant, small_limit):
    client = signed_in(tenant.manager_user)
    form_url = reverse("dossier_part_create", args=[tenant.account.pk, "files"])
    response = client.post(
        form_url,
        {"title": "Log", "kind": "document", "section": "general",
         "file": samples.upload("log.txt", b"x" * (small_limit + FORM_ALLOWANCE + 1))},
        HTTP_REFERER=f"http://testserver{form_url}",
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "The file is larger than 2 KB, the most the portal keeps." in html
    assert f'href="http://testserver{form_url}"' in html  # back to the form
    assert RecordingHandler.received == []
    assert not DossierFile.objects.exists()


def test_the_back_office_refuses_a_file_of_another_type(admin_client, tenant):
    response = admin_client.post(reverse("admin:dossiers_dossierfile_add"), {
        "account": tenant.account.pk, "title": "Page", "kind": "document", "section": "general",
        "file": samples.upload("page.html", samples.HTML),
    })

    assert response.status_code == 200
    assert "“.html” files are not accepted" in response.content.decode()
    assert not DossierFile.objects.exists()

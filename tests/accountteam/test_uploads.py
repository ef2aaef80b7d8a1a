"""The one upload validator (types by name and content, size) and the handler that refuses a file
over the limit before its content is read. The requests through each app's forms and API are in
tests/dossiers/test_uploads.py and tests/handoffs/test_limits.py."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from accountteam.uploads import FORM_ALLOWANCE, UploadLimitHandler, UploadTooLarge, validate_upload
from tests import samples


@pytest.mark.parametrize("name", sorted(samples.ACCEPTED))
def test_every_documented_type_is_accepted_when_its_content_matches_its_name(name):
    validate_upload(samples.upload(name, samples.ACCEPTED[name]))


@pytest.mark.parametrize("name", sorted(samples.REFUSED_TYPES))
def test_other_types_are_refused_by_their_name_with_the_list_of_allowed_ones(name):
    with pytest.raises(ValidationError) as refused:
        validate_upload(samples.upload(name, samples.REFUSED_TYPES[name]))
    assert refused.value.code == "file_type"
    assert "not accepted. Allowed: PDF; Word, Excel and PowerPoint" in refused.value.messages[0]


@pytest.mark.parametrize("name", sorted(samples.MISMATCHED))
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        validate_upload(samples.upload(name, samples.MISMATCHED[name]))
    assert refused.value.code == "file_content"
    assert f"as its name “{name}” says" in refused.value.messages[0]


def test_a_file_over_the_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    validate_upload(samples.upload("big.txt", b"x" * settings.UPLOAD_MAX_BYTES))
    with pytest.raises(ValidationError) as refused:
        validate_upload(samples.upload("big.txt", b"x" * (settings.UPLOAD_MAX_BYTES + 1)))
    assert refused.value.messages == ["The file is larger than 1 MB, the most the portal keeps."]


def test_the_validator_leaves_the_content_where_it_found_it():
    upload = samples.upload("agreement.pdf", samples.PDF)
    validate_upload(upload)
    assert upload.read() == samples.PDF


def _handler(content_length):
    request = RequestFactory().post("/x")
    handler = UploadLimitHandler(request)
    handler.handle_raw_input(None, request.META, content_length, b"boundary")
    return handler, request


def test_the_handler_refuses_a_file_part_of_a_request_too_large_before_reading_its_content(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    handler, request = _handler(1000 + FORM_ALLOWANCE + 1)
    with pytest.raises(UploadTooLarge) as refused:
        handler.new_file("document", "a7.pdf", "application/pdf", None)
    assert refused.value.field == "document"
    assert str(refused.value) == "The file is larger than 1,000 bytes, the most the portal keeps."
    assert not request.POST and not request.FILES  # the half-read form reads as empty, not again


def test_the_handler_stops_a_file_the_moment_it_grows_past_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    handler, _ = _handler(500)  # a request may understate its size
    handler.new_file("file", "notes.txt", "text/plain", None)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600  # passed on to the next handler
    with pytest.raises(UploadTooLarge) as refused:
        handler.receive_data_chunk(b"x" * 401, 600)
    assert refused.value.field == "file"


def test_a_file_at_the_limit_passes_the_handler(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    handler, _ = _handler(1000 + FORM_ALLOWANCE)
    handler.new_file("file", "notes.txt", "text/plain", None)
    assert handler.receive_data_chunk(b"x" * 1000, 0) == b"x" * 1000
    assert handler.file_complete(1000) is None

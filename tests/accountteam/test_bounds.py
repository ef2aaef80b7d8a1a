"""The portal's bounds, defined once in accountteam/bounds.py: dates and times between 2000 and
2100, text limits with their messages, notices that quote an excerpt, and the character counter
every page loads."""

import datetime as dt
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client

from accountteam import bounds, notifications
from accountteam.models import Notification
from accountteam.notifications import Notice
from tests.teams.factories import UserFactory

DENVER = dt.timezone(dt.timedelta(hours=-7))


@pytest.mark.parametrize(
    "value",
    [dt.date(2000, 1, 1), dt.date(2100, 12, 31), dt.datetime(2000, 1, 1, 0, 0), dt.datetime(2100, 12, 31, 23, 59),
     dt.datetime(2026, 1, 13, 10, tzinfo=DENVER), None, ""],
)
def test_dates_and_times_within_the_bounds_pass(value):
    bounds.validate_date(value)


@pytest.mark.parametrize(
    "value",
    [dt.date(1999, 12, 31), dt.date(2101, 1, 1), dt.date(9999, 12, 31), dt.date(1, 1, 1),
     dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC), dt.datetime(1, 1, 1, tzinfo=dt.UTC),
     dt.datetime(2101, 1, 2, 0, 0)],
)
def test_dates_and_times_past_the_bounds_are_refused_without_overflowing(value):
    with pytest.raises(ValidationError) as refused:
        bounds.validate_date(value)
    assert refused.value.messages == ["Enter a date between 1 Jan 2000 and 31 Dec 2100."]
    assert bounds.date_errors(when=value) == {"when": bounds.DATE_MESSAGE}


def test_text_limits_name_the_field_and_count_with_separators():
    assert bounds.text_errors(bounds.COMMENT, comment="x" * 4_000, reason="") == {}
    assert bounds.text_errors(bounds.COMMENT, comment="x" * 60_000) == {
        "comment": "At most 4,000 characters (this has 60,000)."
    }
    with pytest.raises(ValidationError) as refused:
        bounds.ensure({"a": "one"}, {}, {"b": "two"})
    assert refused.value.message_dict == {"a": ["one"], "b": ["two"]}
    bounds.ensure({}, {})


def test_clip_and_excerpt_cut_with_an_ellipsis():
    assert bounds.clip("short", 10) == "short"
    assert bounds.clip("x" * 20, 10) == "x" * 9 + "…"
    assert len(notifications.excerpt("word " * 1000)) == bounds.EXCERPT
    assert notifications.excerpt("  padded  ") == "padded"


def test_form_helpers_render_the_limits_for_the_browser():
    class Form(forms.Form):
        note = bounds.text_form_field(bounds.NOTE, rows=2)
        day = bounds.date_form_field()
        when = bounds.datetime_form_field()

    html = str(Form())
    assert 'maxlength="4000"' in html and 'rows="2"' in html
    assert 'type="date"' in html and 'min="2000-01-01" max="2100-12-31"' in html
    assert 'type="datetime-local"' in html and 'min="2000-01-01T00:00" max="2100-12-31T23:59"' in html
    form = Form({"note": "a\r\nb", "day": "2101-01-01", "when": "2026-01-13T10:00"})
    assert not form.is_valid() and list(form.errors) == ["day"]
    assert form.cleaned_data["note"] == "a\nb"  # a browser's CR LF counts once, as maxlength counts it


@pytest.mark.django_db
def test_a_notice_body_is_bounded_whatever_a_builder_puts_in_it():
    user = UserFactory(username="reader", email="reader@home.example")
    notifications.record([Notice.to_user(user, key="k1", kind="test", subject="s" * 400, body="b" * 60_000, url="/")])

    stored = Notification.objects.get(key="k1")
    assert len(stored.body) == notifications.BODY_LIMIT and stored.body.endswith("…")
    assert len(stored.subject) == 300


def test_the_character_counter_is_vendored_and_loaded_once_from_the_layout():
    layout = (settings.BASE_DIR / "templates" / "base.html").read_text()
    assert layout.count("js/counter.js") == 1
    assert """<script src="{% static 'js/counter.js' %}" defer></script>""" in layout
    script = Path(settings.BASE_DIR / "static" / "js" / "counter.js").read_text()
    assert 'textarea[maxlength]' in script and '"aria-live", "polite"' in script
    assert "http" not in script  # nothing from elsewhere


@pytest.mark.django_db
def test_pages_load_the_counter_script(client: Client):
    html = client.get("/auth/login/").content.decode()
    assert '/static/js/counter.js" defer></script>' in html

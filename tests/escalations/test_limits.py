"""Escalations have bounds: dates between 2000 and 2100 (the follow-up date, the time received),
comments and reasons of at most 4,000 characters, descriptions of at most 20,000, in the API, the
pages and the services; and a notice quotes at most an excerpt of what a person wrote.

The clock stands still at Tue 13 Jan 2026 10:00 in Denver (MST).
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accountteam.models import Notification
from escalations import services
from escalations.models import Escalation
from tests.clients import api_as, signed_in
from tests.conftest import clock_at
from tests.escalations.factories import denver, director_of, raise_item, stored_state

pytestmark = pytest.mark.django_db

URL = "/api/v1/escalations/"
TUE_10 = denver(2026, 1, 13, 10, 0)
OUT_OF_BOUNDS = "Enter a date between 1 Jan 2000 and 31 Dec 2100."

clock = clock_at(TUE_10, autouse=True)


@pytest.fixture
def item(tenant):
    return raise_item(tenant, at=TUE_10, channel="email", subject="Order 4471 missed its date")


@pytest.mark.parametrize("day", ["9999-12-31", "2101-01-01"])
def test_a_follow_up_date_past_the_bounds_is_refused_not_a_server_error(tenant, item, day):
    before = stored_state(item)
    response = api_as(tenant.manager_user).post(f"{URL}{item.pk}/acknowledge/", {"follow_up_on": day}, format="json")

    assert response.status_code == 400
    assert response.json() == {"follow_up_on": [OUT_OF_BOUNDS]}
    assert stored_state(item) == before


def test_the_services_refuse_dates_past_the_bounds_under_their_fields(tenant, item):
    with pytest.raises(ValidationError) as refused:
        services.escalation_acknowledge(actor=tenant.manager_user, escalation=item, follow_up_on=dt.date(9999, 12, 31))
    assert refused.value.message_dict == {"follow_up_on": [OUT_OF_BOUNDS]}
    with pytest.raises(ValidationError) as refused:
        services.escalation_promise(actor=tenant.manager_user, escalation=item, follow_up_on=dt.date(2101, 1, 1))
    assert refused.value.message_dict == {"follow_up_on": [OUT_OF_BOUNDS]}
    with pytest.raises(ValidationError) as refused:
        raise_item(tenant, at=TUE_10, actor=tenant.manager_user,
                   received_at=dt.datetime(1999, 12, 31, 12, tzinfo=dt.UTC))
    assert refused.value.message_dict == {"received_at": [OUT_OF_BOUNDS]}


def test_the_api_refuses_a_time_received_past_the_bounds(tenant):
    response = api_as(tenant.manager_user).post(URL, {
        "account": tenant.account.pk, "channel": "pager", "category": "repair", "subject": "Down",
        "received_at": "1999-12-31T10:00:00-07:00",
    }, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["received_at"]
    assert not Escalation.objects.exists()


def test_the_due_before_filter_refuses_a_time_past_the_bounds(tenant, item):
    response = api_as(tenant.manager_user).get(URL, {"due_before": "9999-12-31T23:59:59-07:00"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "action, body, field",
    [
        ("comment", {"comment": "x" * 60_000}, "comment"),
        ("respond", {"comment": "x" * 4_001}, "comment"),
        ("acknowledge", {"comment": "x" * 4_001, "follow_up_on": "2026-01-15"}, "comment"),
        ("escalate", {"reason": "x" * 4_001}, "reason"),
    ],
)
def test_the_api_refuses_a_comment_or_reason_over_4000_characters(tenant, item, action, body, field):
    director_of(tenant.manager)
    before = stored_state(item)
    response = api_as(tenant.manager_user).post(f"{URL}{item.pk}/{action}/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert "4000 characters" in response.json()[field][0]
    assert stored_state(item) == before


def test_a_comment_of_4000_characters_is_kept_whole(tenant, item):
    text = "y" * 4_000
    response = api_as(tenant.user).post(f"{URL}{item.pk}/comment/", {"comment": text}, format="json")

    assert response.status_code == 201
    assert item.events.get(kind="comment").comment == text


def test_the_services_refuse_long_comments_and_descriptions_under_their_fields(tenant, item):
    with pytest.raises(ValidationError) as refused:
        services.escalation_comment(actor=tenant.user, escalation=item, comment="x" * 60_000)
    assert refused.value.message_dict == {"comment": ["At most 4,000 characters (this has 60,000)."]}
    with pytest.raises(ValidationError) as refused:
        services.escalation_resolve(actor=tenant.manager_user, escalation=item, comment="x" * 4_001)
    assert list(refused.value.message_dict) == ["comment"]
    with pytest.raises(ValidationError) as refused:
        raise_item(tenant, at=TUE_10, subject="s" * 201, description="d" * 20_001)
    assert set(refused.value.message_dict) == {"subject", "description"}


def test_a_customer_comment_notice_quotes_an_excerpt(tenant, item):
    text = "The trunk group is down again. " * 120  # 3,720 characters
    services.escalation_comment(actor=tenant.user, escalation=item, comment=text)

    notice = Notification.objects.get(kind="customer_comment")
    quoted = notice.body.split("wrote: ", 1)[1]
    assert len(quoted) <= 500 and quoted.endswith("…")
    assert text.startswith(quoted[:-1])


def test_the_page_refuses_a_long_comment_and_marks_its_box_with_the_limit(tenant, item, customer):
    html = customer.get(f"/escalations/{item.pk}/").content.decode()
    assert 'name="comment" rows="3" required maxlength="4000"' in html

    response = customer.post(f"/escalations/{item.pk}/comment/", {"comment": "x" * 4_001}, follow=True)
    assert "at most 4000 characters (it has 4001)" in " ".join(str(m) for m in response.context["messages"])
    assert not item.events.filter(kind="comment").exists()


def test_line_breaks_from_a_browser_count_once(tenant, item):
    client = signed_in(tenant.user)
    text = "line\r\n" * 800  # 4,800 characters as sent, 4,000 as typed
    client.post(f"/escalations/{item.pk}/comment/", {"comment": text})

    assert item.events.get(kind="comment").comment == ("line\n" * 800).strip()


def test_the_raise_form_limits_its_description(tenant, customer):
    html = customer.get(f"/escalations/new/?account={tenant.account.pk}").content.decode()
    assert 'maxlength="20000"' in html and 'maxlength="200"' in html

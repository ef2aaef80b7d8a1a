"""Opening a notice from the list marks it read (the bell's count drops) and follows its link; the
list quotes an excerpt of each notice, never a whole long text."""

import pytest
from django.urls import reverse

from accountteam import bounds
from accountteam.models import Notification
from tests.clients import signed_in

pytestmark = pytest.mark.django_db


def notice(user, key="n1", *, url="/escalations/", body="Your item moved.", **extra):
    return Notification.objects.create(
        key=key, kind="customer_comment", recipient=user, subject=f"Notice {key}", body=body, url=url, **extra
    )


def bell_count(client) -> int:
    return client.get(reverse("notification_list")).context["unread_notices"]


def test_opening_a_notice_marks_it_read_and_the_bell_counts_one_fewer(tenant):
    first, second = notice(tenant.user, "n1"), notice(tenant.user, "n2")
    client = signed_in(tenant.user)
    assert bell_count(client) == 2

    response = client.get(reverse("notification_open", args=[first.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/escalations/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    assert bell_count(client) == 1


def test_opening_a_notice_again_keeps_the_first_read_time(tenant):
    item = notice(tenant.user)
    client = signed_in(tenant.user)
    client.get(reverse("notification_open", args=[item.pk]))
    item.refresh_from_db()
    first_read = item.read_at

    client.get(reverse("notification_open", args=[item.pk]))

    item.refresh_from_db()
    assert item.read_at == first_read


def test_the_list_links_each_notice_through_its_open_address(tenant):
    item = notice(tenant.user)

    html = signed_in(tenant.user).get(reverse("notification_list")).content.decode()

    assert f'href="{reverse("notification_open", args=[item.pk])}"' in html
    assert 'href="/escalations/"' not in html.split('class="notifications"', 1)[1]


def test_someone_elses_notice_is_not_found_and_stays_unread(tenant, foreign):
    theirs = notice(foreign.user, "theirs")

    response = signed_in(tenant.user).get(reverse("notification_open", args=[theirs.pk]))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_notice_that_is_not_in_the_app_is_not_found(tenant):
    email_only = notice(tenant.user, "mail", in_app=False)

    assert signed_in(tenant.user).get(reverse("notification_open", args=[email_only.pk])).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/phish", "//evil.example/phish", "javascript:alert(1)", "/\\evil.example", ""],
)
def test_only_a_relative_address_on_this_site_is_followed(tenant, url):
    item = notice(tenant.user, url=url)

    response = signed_in(tenant.user).get(reverse("notification_open", args=[item.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("notification_list")
    item.refresh_from_db()
    assert item.read_at is not None


def test_opening_needs_sign_in(tenant):
    from django.test import Client

    item = notice(tenant.user)

    response = Client().get(reverse("notification_open", args=[item.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith("/auth/login/")
    item.refresh_from_db()
    assert item.read_at is None


def test_the_list_quotes_an_excerpt_never_the_whole_long_text(tenant):
    # A body as long as the portal ever stores one (older rows, a digest): the list quotes its start.
    long_body = "word " * 12_000
    notice(tenant.user, body=long_body)

    html = signed_in(tenant.user).get(reverse("notification_list")).content.decode()

    quoted = html.split('<p class="pre muted">', 1)[1].split("</p>", 1)[0]
    assert len(quoted) <= bounds.EXCERPT
    assert quoted.endswith("…")
    assert long_body.strip() not in html

"""Following items and choosing notices: the service (``escalations.following``), the Follow button
on the item page, ``follow/`` and ``unfollow/`` in the API with ``following`` on every item, and the
"Escalation notices" the customer ticks on their settings page.

The clock stands still at Tue 1 Dec 2026 10:00 in Denver (MST).
"""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.utils.html import escape

from accountteam import notifications
from accountteam.models import UserSettings
from escalations.customer_notices import KINDS, SETTINGS_GROUP, is_following
from escalations.following import STAFF_DO_NOT_FOLLOW, escalation_follow
from escalations.models import Follow
from tests.clients import api_as, signed_in
from tests.conftest import clock_at
from tests.escalations.factories import EscalationFactory, denver, raise_item
from tests.teams.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

TUE_10 = denver(2026, 12, 1, 10, 0)
API = "/api/v1/escalations/"
# As test_api's list: the staff-profile look-up, the count and the page (``following`` is two
# subqueries of the page, not a query per row). Bound = measured + 1.
LIST_MAX_QUERIES = 4

clock = clock_at(TUE_10, autouse=True)


@pytest.fixture
def item(tenant):
    return raise_item(tenant, at=TUE_10)


@pytest.fixture
def colleague(tenant):
    user = UserFactory(username="home.colleague")
    MembershipFactory(user=user, company=tenant.company)
    return user


def messages_text(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def ticked(html: str) -> list[str]:
    """The escalation notice kinds ticked on the settings page."""
    return re.findall(r'name="notices_0" value="(\w+)"[^>]*\bchecked\b', html)


def follow_rows(item) -> list[tuple[str, bool]]:
    return sorted(Follow.objects.filter(escalation=item).values_list("user__username", "following"))


# --- The service ------------------------------------------------------------------------------------


def test_a_colleague_follows_an_item_of_their_company(tenant, item, colleague):
    assert not is_following(item, colleague)

    follow = escalation_follow(user=colleague, escalation=item, following=True)

    assert (follow.user, follow.following, follow.created_at) == (colleague, True, TUE_10)
    assert is_following(item, colleague)


def test_following_twice_or_stopping_twice_changes_nothing_more(item, colleague):
    for _ in range(2):
        escalation_follow(user=colleague, escalation=item, following=True)
    assert follow_rows(item) == [("home.colleague", True)]

    for _ in range(2):
        escalation_follow(user=colleague, escalation=item, following=False)
    assert follow_rows(item) == [("home.colleague", False)]
    assert not is_following(item, colleague)


def test_the_raiser_follows_without_a_row_and_a_row_records_that_they_stopped(tenant, item):
    assert is_following(item, tenant.user) and follow_rows(item) == []

    escalation_follow(user=tenant.user, escalation=item, following=False)

    assert follow_rows(item) == [("home.user", False)]
    assert not is_following(item, tenant.user)


def test_staff_cannot_follow(tenant, item):
    with pytest.raises(PermissionDenied, match=STAFF_DO_NOT_FOLLOW):
        escalation_follow(user=tenant.manager_user, escalation=item, following=True)
    assert follow_rows(item) == []


def test_a_user_of_another_company_cannot_follow(item, foreign):
    with pytest.raises(PermissionDenied):
        escalation_follow(user=foreign.user, escalation=item, following=True)
    assert follow_rows(item) == []


def test_a_user_without_the_escalation_right_cannot_follow(tenant, item):
    user = UserFactory(username="home.viewer")
    MembershipFactory(user=user, company=tenant.company, can_escalate=False)
    with pytest.raises(PermissionDenied):
        escalation_follow(user=user, escalation=item, following=True)


# --- The item page ----------------------------------------------------------------------------------


def test_the_raiser_reads_that_they_get_notices_and_can_stop_following(tenant, item, customer):
    html = customer.get(f"/escalations/{item.pk}/").content.decode()
    assert "You get notices about this item." in html
    assert 'name="following" value="off"' in html and "Stop following</button>" in html
    assert 'href="/me/settings/"' in html

    response = customer.post(f"/escalations/{item.pk}/follow/", {"following": "off"}, follow=True)

    assert response.redirect_chain == [(f"/escalations/{item.pk}/", 302)]
    assert f"You no longer follow escalation #{item.pk}; you will get no notices about it." in messages_text(response)
    html = response.content.decode()
    assert "You get no notices about this item." in html
    assert 'name="following" value="on"' in html and "Follow</button>" in html
    assert follow_rows(item) == [("home.user", False)]


def test_a_colleague_follows_from_the_item_page(item, colleague):
    page = signed_in(colleague)
    assert "You get no notices about this item." in page.get(f"/escalations/{item.pk}/").content.decode()

    response = page.post(f"/escalations/{item.pk}/follow/", {"following": "on"}, follow=True)

    assert f"You now follow escalation #{item.pk}; you will get its notices." in messages_text(response)
    assert "You get notices about this item." in response.content.decode()
    assert follow_rows(item) == [("home.colleague", True)]


def test_staff_see_nothing_of_following_and_cannot_post_it(item, staff):
    html = staff.get(f"/escalations/{item.pk}/").content.decode()
    assert "notices about this item" not in html
    assert "/follow/" not in html and "Stop following" not in html

    assert staff.post(f"/escalations/{item.pk}/follow/", {"following": "on"}).status_code == 403
    assert follow_rows(item) == []


def test_the_follow_page_of_another_companys_item_is_not_found(foreign, item):
    page = signed_in(foreign.user)
    assert page.post(f"/escalations/{item.pk}/follow/", {"following": "on"}).status_code == 404
    assert page.get(f"/escalations/{item.pk}/follow/").status_code in (404, 405)
    assert follow_rows(item) == []


def test_the_follow_page_asks_for_a_choice(item, customer):
    response = customer.post(f"/escalations/{item.pk}/follow/", {"following": "maybe"}, follow=True)

    assert "Choose to follow the item or to stop following it." in messages_text(response)
    assert follow_rows(item) == []


# --- The API ------------------------------------------------------------------------------------------


def test_api_follow_and_unfollow_answer_the_item_with_following(item, colleague):
    api = api_as(colleague)
    assert api.get(f"{API}{item.pk}/").json()["following"] is False

    response = api.post(f"{API}{item.pk}/follow/")
    assert response.status_code == 200, response.content
    assert (response.json()["id"], response.json()["following"]) == (item.pk, True)
    assert api.post(f"{API}{item.pk}/follow/").json()["following"] is True  # again: the same

    response = api.post(f"{API}{item.pk}/unfollow/")
    assert response.status_code == 200 and response.json()["following"] is False
    assert follow_rows(item) == [("home.colleague", False)]


def test_api_staff_get_403_before_anything_is_read(tenant, item):
    response = api_as(tenant.manager_user).post(f"{API}{item.pk}/follow/", {"junk": ["x" * 10]}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": STAFF_DO_NOT_FOLLOW}
    assert follow_rows(item) == []


def test_api_another_companys_item_is_not_found(item, foreign):
    for action in ("follow", "unfollow"):
        assert api_as(foreign.user).post(f"{API}{item.pk}/{action}/").status_code == 404
    assert follow_rows(item) == []


def test_api_following_on_the_list_for_customers_and_null_for_staff(tenant, item, colleague):
    stopped = raise_item(tenant, at=TUE_10, subject="Stopped following")
    escalation_follow(user=tenant.user, escalation=stopped, following=False)
    others = raise_item(tenant, at=TUE_10, subject="Followed by a colleague", actor=colleague)
    escalation_follow(user=tenant.user, escalation=others, following=True)
    unfollowed = raise_item(tenant, at=TUE_10, subject="Not followed", actor=colleague)

    rows = {row["id"]: row["following"] for row in api_as(tenant.user).get(API).json()["results"]}

    assert rows == {item.pk: True, stopped.pk: False, others.pk: True, unfollowed.pk: False}
    staff_rows = api_as(tenant.manager_user).get(API).json()["results"]
    assert {row["following"] for row in staff_rows} == {None}


def test_api_a_new_item_is_followed_by_its_raiser(tenant):
    response = api_as(tenant.user).post(
        API, {"account": tenant.account.pk, "channel": "pager", "category": "repair", "subject": "Down"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["following"] is True


@pytest.mark.parametrize("count", [3, 30])
def test_api_list_with_following_stays_within_its_query_budget(tenant, colleague, count, django_assert_max_num_queries):
    items = EscalationFactory.create_batch(count, account=tenant.account, assignee=tenant.manager, raised_by=colleague)
    for item in items[::2]:
        Follow.objects.create(escalation=item, user=tenant.user)

    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        response = api_as(tenant.user).get(API)

    following = [row["following"] for row in response.json()["results"]]
    assert sorted(following) == sorted([True] * len(items[::2]) + [False] * len(items[1::2]))


# --- The settings page ----------------------------------------------------------------------------------


def test_escalations_register_their_notices_for_the_settings_page(tenant):
    assert SETTINGS_GROUP in notifications.mutable_notices_for(tenant.user)
    assert SETTINGS_GROUP not in notifications.mutable_notices_for(tenant.manager_user)
    with pytest.raises(ValueError, match="registered twice"):
        notifications.mutable_notices_register(
            notifications.MutableNotices(title="Copy", kinds={"reply": "A reply"}, offered_to=lambda user: True)
        )


def test_the_customer_ticks_the_escalation_notices_they_want(tenant, customer):
    html = customer.get("/me/settings/").content.decode()
    assert "<legend>Escalation notices</legend>" in html
    assert escape("About your company's items you raised or follow.") in html
    for kind, label in KINDS.items():
        assert f'value="{kind}"' in html and escape(label) in html
    assert ticked(html) == list(KINDS)  # all wanted until they choose

    wanted = [kind for kind in KINDS if kind not in ("reply", "reassigned")]
    response = customer.post(
        "/me/settings/",
        {"time_zone": "", "notify_by_email": "on", "notify_in_app": "on", "notices_0": wanted},
        follow=True,
    )

    assert "Your settings are saved." in messages_text(response)
    assert UserSettings.objects.get(user=tenant.user).muted_notices == ["reply", "reassigned"]
    assert ticked(response.content.decode()) == wanted


def test_ticking_them_all_again_mutes_nothing(tenant, customer):
    UserSettings.objects.create(user=tenant.user, muted_notices=["reply"])

    customer.post("/me/settings/", {"time_zone": "", "notify_in_app": "on", "notices_0": list(KINDS)})

    assert UserSettings.objects.get(user=tenant.user).muted_notices == []


def test_an_unknown_kind_is_refused_under_its_field(tenant, customer):
    response = customer.post("/me/settings/", {"time_zone": "", "notices_0": ["reply", "gossip"]})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "notices_0": ["Select a valid choice. gossip is not one of the available choices."]
    }
    # Nothing was stored: no settings row, or one muting nothing.
    assert list(UserSettings.objects.filter(user=tenant.user).values_list("muted_notices", flat=True)) in ([], [[]])


def test_staff_do_not_see_escalation_notices_and_saving_keeps_what_was_muted(tenant, staff):
    UserSettings.objects.create(user=tenant.manager_user, muted_notices=["reply"])

    html = staff.get("/me/settings/").content.decode()
    assert "Escalation notices" not in html and 'value="reply"' not in html

    staff.post("/me/settings/", {"time_zone": "", "notify_in_app": "on"})
    assert UserSettings.objects.get(user=tenant.manager_user).muted_notices == ["reply"]

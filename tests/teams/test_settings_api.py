"""``/api/v1/me/settings/``: any signed-in user reads and changes their own settings (time zone, how
they get notices, the customer notices they muted) with the settings page's checks: both call
``teams.services.user_settings_update``, and each shows what the other saved.

The clock stands still at Tue 1 Dec 2026 10:00 in Denver (MST, UTC−7).
"""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from accountteam.models import Notification, UserSettings
from escalations import services as escalation_services
from escalations.customer_notices import KINDS
from teams.services import MUTED_NOTICES_MAX
from tests.clients import api_as, signed_in
from tests.conftest import clock_at
from tests.escalations.factories import denver, raise_item
from tests.teams.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/settings/"
TUE_10 = denver(2026, 12, 1, 10, 0)
FRIDAY = dt.date(2026, 12, 4)
EVERY_KIND = [{"kind": kind, "label": label} for kind, label in KINDS.items()]
NOT_A_ZONE = "is not a time zone. Type a city, such as Buenos Aires, and pick it from the list."
DEFAULTS = {"time_zone": "", "language": "", "notify_by_email": True, "notify_in_app": True, "muted_notices": []}

clock = clock_at(TUE_10, autouse=True)


@pytest.fixture
def make_client():
    """``customer`` and ``staff`` call the API (no session)."""
    return api_as


def stored(user) -> UserSettings:
    return UserSettings.objects.get(user=user)


# --- Reading ----------------------------------------------------------------------------------------


def test_a_customer_who_never_saved_settings_reads_the_defaults_and_nothing_is_stored(tenant, customer):
    response = customer.get(URL)

    assert response.status_code == 200
    assert response.json() == DEFAULTS | {"notice_kinds": EVERY_KIND}
    assert not UserSettings.objects.filter(user=tenant.user).exists()


def test_staff_read_no_notice_kinds_to_mute(tenant, staff):
    response = staff.get(URL)

    assert response.status_code == 200
    assert response.json() == DEFAULTS | {"notice_kinds": []}


def test_a_customer_without_the_escalation_right_has_no_notice_kinds_either(tenant):
    user = UserFactory(username="home.reader")
    MembershipFactory(user=user, company=tenant.company, can_escalate=False)

    assert api_as(user).get(URL).json()["notice_kinds"] == []


def test_without_credentials_the_answer_is_401(tenant):
    anonymous = APIClient()

    for response in (anonymous.get(URL), anonymous.patch(URL, {"notify_in_app": False}, format="json")):
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
    assert not UserSettings.objects.exists()


# --- Writing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("time_zone", "America/New_York"), ("notify_by_email", False), ("notify_in_app", False)],
)
def test_patch_changes_one_setting_and_leaves_the_others(tenant, customer, field, value):
    UserSettings.objects.create(user=tenant.user, muted_notices=["reply"])

    response = customer.patch(URL, {field: value}, format="json")

    assert response.status_code == 200
    expected = DEFAULTS | {field: value, "muted_notices": ["reply"]}
    assert response.json() == expected | {"notice_kinds": EVERY_KIND}
    prefs = stored(tenant.user)
    assert {name: getattr(prefs, name) for name in expected} == expected


def test_a_time_zone_is_stored_without_its_spaces_and_empty_is_the_default_again(tenant, customer):
    customer.patch(URL, {"time_zone": " America/Chicago "}, format="json")
    assert stored(tenant.user).time_zone == "America/Chicago"

    response = customer.patch(URL, {"time_zone": ""}, format="json")

    assert response.status_code == 200
    assert response.json()["time_zone"] == stored(tenant.user).time_zone == ""


def test_put_sets_the_three_settings_and_keeps_the_muted_kinds_it_leaves_out(tenant, customer):
    UserSettings.objects.create(user=tenant.user, muted_notices=["waiting"])

    response = customer.put(
        URL, {"time_zone": "Europe/Paris", "notify_by_email": False, "notify_in_app": True}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {
        "time_zone": "Europe/Paris",
        "language": "",
        "notify_by_email": False,
        "notify_in_app": True,
        "muted_notices": ["waiting"],
        "notice_kinds": EVERY_KIND,
    }


def test_put_needs_the_three_settings(tenant, customer):
    response = customer.put(URL, {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"time_zone", "notify_by_email", "notify_in_app"}
    assert not UserSettings.objects.filter(user=tenant.user).exists()


def test_muted_kinds_round_trip_in_the_order_they_are_offered(tenant, customer):
    response = customer.patch(URL, {"muted_notices": ["reply", "acknowledged", "reply"]}, format="json")

    assert response.status_code == 200
    assert response.json()["muted_notices"] == ["acknowledged", "reply"]
    assert customer.get(URL).json()["muted_notices"] == ["acknowledged", "reply"]
    assert stored(tenant.user).muted_notices == ["acknowledged", "reply"]

    # An empty list mutes nothing again.
    assert customer.patch(URL, {"muted_notices": []}, format="json").json()["muted_notices"] == []
    assert stored(tenant.user).muted_notices == []


@pytest.mark.parametrize(("muted", "told"), [([], True), (["acknowledged"], False)], ids=["wanted", "muted"])
def test_a_kind_muted_through_the_api_is_no_longer_told(tenant, customer, muted, told):
    assert customer.patch(URL, {"muted_notices": muted}, format="json").status_code == 200
    letter = raise_item(tenant, at=TUE_10, channel="email", category="order_escalation", subject="Order 4471 late")

    escalation_services.escalation_acknowledge(
        actor=tenant.manager_user, escalation=letter, follow_up_on=FRIDAY, now=TUE_10 + dt.timedelta(minutes=5)
    )

    acknowledged = Notification.objects.filter(recipient=tenant.user, kind="customer_acknowledged")
    assert acknowledged.exists() is told


# --- Refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Mars/Base", f"'Mars/Base' {NOT_A_ZONE}"),
        ("../../etc/passwd", f"'../../etc/passwd' {NOT_A_ZONE}"),
        ("A" * 65, "Ensure this field has no more than 64 characters."),
    ],
    ids=["unknown", "a-path", "too-long"],
)
def test_an_unknown_time_zone_is_a_400_under_the_field_and_changes_nothing(tenant, customer, value, message):
    UserSettings.objects.create(user=tenant.user, time_zone="America/Chicago")

    response = customer.patch(URL, {"time_zone": value, "notify_by_email": False}, format="json")

    assert response.status_code == 400
    assert response.json() == {"time_zone": [message]}
    prefs = stored(tenant.user)
    assert (prefs.time_zone, prefs.notify_by_email) == ("America/Chicago", True)


def test_an_unknown_kind_is_a_400_and_changes_nothing(tenant, customer):
    response = customer.patch(URL, {"muted_notices": ["reply", "gossip"], "notify_in_app": False}, format="json")

    assert response.status_code == 400
    assert response.json() == {"muted_notices": ["Not a notice you can mute: gossip."]}
    assert not UserSettings.objects.filter(user=tenant.user).exists()


def test_more_kinds_than_the_bound_is_a_400(tenant, customer):
    response = customer.patch(URL, {"muted_notices": ["reply"] * (MUTED_NOTICES_MAX + 1)}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["muted_notices"]


def test_staff_muting_a_kind_is_a_400_and_an_empty_list_keeps_what_they_muted_before(tenant, staff):
    # Muted while they were a customer's user, say: kept, but not offered, so not shown.
    UserSettings.objects.create(user=tenant.manager_user, muted_notices=["reply"])

    refused = staff.patch(URL, {"muted_notices": ["reply"]}, format="json")
    accepted = staff.patch(URL, {"muted_notices": [], "notify_by_email": False}, format="json")

    assert refused.status_code == 400
    assert refused.json() == {"muted_notices": ["Staff do not receive customer notices."]}
    assert accepted.status_code == 200
    assert accepted.json() == DEFAULTS | {"notify_by_email": False, "notice_kinds": []}
    assert stored(tenant.manager_user).muted_notices == ["reply"]


def test_posting_or_deleting_is_not_served(tenant, customer):
    assert customer.post(URL, {}, format="json").status_code == 405
    assert customer.delete(URL).status_code == 405


# --- The page and the API agree -----------------------------------------------------------------------


def test_the_settings_page_shows_what_the_api_changed(tenant, customer):
    customer.patch(
        URL,
        {"time_zone": "America/New_York", "notify_by_email": False, "muted_notices": ["reply", "resolved"]},
        format="json",
    )

    form = signed_in(tenant.user).get("/me/settings/").context["form"]

    # The picker shows the zone by its city, with its name.
    assert form.initial == {"language": "en", "time_zone": "New York (United States) · America/New_York",
                            "notify_by_email": False, "notify_in_app": True}
    assert form["notices_0"].initial == [kind for kind in KINDS if kind not in ("reply", "resolved")]


def test_the_api_shows_what_the_settings_page_saved(tenant, customer):
    wanted = [kind for kind in KINDS if kind != "waiting"]
    signed_in(tenant.user).post(
        "/me/settings/", {"time_zone": "Europe/London", "notify_in_app": "on", "notices_0": wanted}
    )

    assert customer.get(URL).json() == {
        "time_zone": "Europe/London",
        "language": "",
        "notify_by_email": False,
        "notify_in_app": True,
        "muted_notices": ["waiting"],
        "notice_kinds": EVERY_KIND,
    }


def test_the_settings_page_refuses_a_time_zone_name_longer_than_any_under_its_field(tenant):
    # Longer than a file name may be, too: the zone's lookup must not get that far.
    response = signed_in(tenant.user).post("/me/settings/", {"time_zone": "A" * 300, "notify_in_app": "on"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"time_zone": ["A time zone name has at most 120 characters."]}
    assert not UserSettings.objects.filter(user=tenant.user).exists()


def test_a_change_through_a_browser_session_shows_on_its_pages_in_the_new_zone(tenant):
    browser = signed_in(tenant.user)

    response = browser.patch(URL, {"time_zone": "America/New_York"}, content_type="application/json")

    assert response.status_code == 200
    assert browser.session["time_zone"] == "America/New_York"


def test_the_language_is_a_setting_of_its_own_and_an_unknown_one_is_a_400(tenant, customer):
    changed = customer.patch(URL, {"language": "pt-br"}, format="json")
    refused = customer.patch(URL, {"language": "fr"}, format="json")

    assert changed.status_code == 200 and changed.json()["language"] == "pt-br"
    assert refused.status_code == 400 and list(refused.json()) == ["language"]
    assert stored(tenant.user).language == "pt-br"


@pytest.mark.parametrize(("typed", "zone"), [
    ("Buenos Aires", "America/Argentina/Buenos_Aires"),
    ("sao paulo", "America/Sao_Paulo"),
    ("Ciudad de México", "America/Mexico_City"),
    ("São Paulo (Brasil) · America/Sao_Paulo", "America/Sao_Paulo"),
])
def test_a_city_typed_in_any_of_the_languages_reads_as_its_zone(tenant, customer, typed, zone):
    response = customer.patch(URL, {"time_zone": typed}, format="json")

    assert response.status_code == 200, response.json()
    assert stored(tenant.user).time_zone == zone

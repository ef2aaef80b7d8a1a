"""Each thing the audit trail records is written when it happens, with who, from where and for
which company: sign-ins (succeeded, failed, locked out), password and two-factor changes, API
tokens made, used (bounded) and revoked, staff availability and backups, back-office edits of
response policies, routing, calendars and closure days, and downloads."""

import datetime as dt
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accountteam.models import ApiToken, AuditAction
from accountteam.tokens import api_token_create
from escalations.models import ResponsePolicy, RoutingRule
from teams.models import BusinessCalendar, Closure
from tests.audit.helpers import admin_form_data, events
from tests.clients import api_as, signed_in
from tests.escalations.factories import ResponsePolicyFactory
from tests.teams.factories import PASSWORD, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/auth/login/"
TOKEN_SIGN_IN = "/api/v1/auth/token/"


def page_sign_in(client, login, password=PASSWORD):
    return client.post(LOGIN, {"login": login, "password": password}, HTTP_USER_AGENT="Firefox/140")


# --- Sign-ins -------------------------------------------------------------------------------------


def test_a_sign_in_on_the_page_is_recorded_with_the_address_and_the_users_company(tenant):
    assert page_sign_in(Client(), tenant.user.username).status_code == 302

    [event] = events(AuditAction.SIGN_IN_SUCCEEDED)
    assert event.actor == tenant.user
    assert (event.ip_address, event.user_agent) == ("127.0.0.1", "Firefox/140")
    assert (event.company_id, event.target) == (tenant.company.pk, f"user:{tenant.user.pk}")
    assert event.details == {"via": "page"}


def test_a_sign_in_through_the_api_is_recorded_with_the_token_it_made(tenant):
    response = APIClient().post(TOKEN_SIGN_IN, {"username": tenant.user.username, "password": PASSWORD})
    assert response.status_code == 200

    [signed_in_event] = events(AuditAction.SIGN_IN_SUCCEEDED)
    [made] = events(AuditAction.API_TOKEN_CREATED)
    assert signed_in_event.details == {"via": "api"} and signed_in_event.actor == tenant.user
    assert made.target == f"api_token:{response.json()['id']}"
    assert made.details["via"] == "sign-in" and made.ip_address == "127.0.0.1"


def test_a_wrong_password_is_recorded_against_the_account_it_names_without_an_actor(tenant):
    page_sign_in(Client(), tenant.user.username.upper(), "wrong")

    [event] = events(AuditAction.SIGN_IN_FAILED)
    assert event.actor is None
    assert event.actor_name == tenant.user.username.upper()  # as typed
    assert event.target == f"user:{tenant.user.pk}"
    assert event.company_id == tenant.company.pk  # the company's user managers see attempts on it
    assert event.details == {"login": tenant.user.username.upper(), "step": "password"}


def test_a_wrong_password_for_nobody_names_no_account(db):
    APIClient().post(TOKEN_SIGN_IN, {"username": "no.such.user", "password": "guess"})

    [event] = events(AuditAction.SIGN_IN_FAILED)
    assert (event.target, event.company_id, event.actor_name) == ("", None, "no.such.user")


def test_a_lockout_is_recorded_once_however_often_the_locked_door_is_tried(tenant):
    client = Client()
    for _ in range(5):
        page_sign_in(client, tenant.user.username, "wrong")
    assert events(AuditAction.SIGN_IN_LOCKED) == []

    page_sign_in(client, tenant.user.username)  # the right password, refused: locked
    APIClient().post(TOKEN_SIGN_IN, {"username": tenant.user.username, "password": PASSWORD})

    [event] = events(AuditAction.SIGN_IN_LOCKED)
    assert (event.target, event.company_id, event.actor) == (f"user:{tenant.user.pk}", tenant.company.pk, None)
    assert len(events(AuditAction.SIGN_IN_FAILED)) == 5
    assert events(AuditAction.SIGN_IN_SUCCEEDED) == []


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_wrong_two_factor_codes_and_their_lockout_are_recorded(tenant):
    secret = generate_totp_secret()
    TOTP.activate(tenant.user, secret)
    wrong = "000000" if current_code(secret) != "000000" else "111111"
    for _ in range(5):
        APIClient().post(TOKEN_SIGN_IN, {"username": tenant.user.username, "password": PASSWORD, "code": wrong})
    APIClient().post(TOKEN_SIGN_IN, {"username": tenant.user.username, "password": PASSWORD,
                                     "code": current_code(secret)})

    failed = events(AuditAction.SIGN_IN_FAILED)
    assert len(failed) == 5 and {e.details["step"] for e in failed} == {"two-factor"}
    [locked] = events(AuditAction.SIGN_IN_LOCKED)
    assert locked.target == f"user:{tenant.user.pk}"


# --- Password and two-factor sign-in ----------------------------------------------------------------


def test_a_password_change_is_recorded(tenant):
    client = signed_in(tenant.user)
    response = client.post("/auth/password/change/", {
        "oldpassword": PASSWORD, "password1": "a-new-pass-4321", "password2": "a-new-pass-4321",
    })
    assert response.status_code == 302

    [event] = events(AuditAction.PASSWORD_CHANGED)
    assert event.actor == tenant.user and event.details == {"how": "changed"}
    # The user held no API token: none was revoked, and no event says otherwise.
    assert events(AuditAction.API_TOKEN_REVOKED) == []


def test_setting_up_and_removing_an_authenticator_app_is_recorded(tenant, django_capture_on_commit_callbacks):
    client = Client()
    page_sign_in(client, tenant.user.username)
    first = client.get("/auth/2fa/totp/activate/")
    client.post(first["Location"], {"password": PASSWORD})  # allauth asks to confirm the password first
    secret = client.get("/auth/2fa/totp/activate/").context["form"].secret

    with django_capture_on_commit_callbacks(execute=True):
        activated = client.post("/auth/2fa/totp/activate/", {"code": current_code(secret)})
    assert activated.status_code == 302

    added = events(AuditAction.MFA_ADDED)
    assert {e.details["type"] for e in added} >= {"totp"}
    assert all(e.actor == tenant.user and e.ip_address == "127.0.0.1" for e in added)

    with django_capture_on_commit_callbacks(execute=True):
        removed = client.post("/auth/2fa/totp/deactivate/")
    assert removed.status_code == 302
    removed_events = events(AuditAction.MFA_REMOVED)
    # The recovery codes go with the last authenticator app.
    assert {e.details["type"] for e in removed_events} >= {"totp"}
    assert all(e.actor == tenant.user for e in removed_events)
    assert not Authenticator.objects.filter(user=tenant.user, type="totp").exists()


# --- API tokens ---------------------------------------------------------------------------------------


def test_a_token_made_and_revoked_on_the_page_is_recorded(tenant):
    client = signed_in(tenant.user)
    client.post("/me/tokens/", {"name": "Billing script"})
    token = ApiToken.objects.get(user=tenant.user)
    client.post(f"/me/tokens/{token.pk}/revoke/")

    [made] = events(AuditAction.API_TOKEN_CREATED)
    [revoked] = events(AuditAction.API_TOKEN_REVOKED)
    assert made.details["name"] == "Billing script" and made.details["via"] == "page"
    assert made.summary_text() == "API token “Billing script” made."
    assert revoked.target == made.target == f"api_token:{token.pk}"
    assert revoked.actor == tenant.user and revoked.details["reason"] == "revoked"
    assert revoked.company_id == tenant.company.pk


def test_a_token_made_and_revoked_through_the_api_is_recorded(tenant):
    client = api_as(tenant.user)
    made = client.post("/api/v1/auth/tokens/", {"name": "Robot"}).json()
    assert client.delete(f"/api/v1/auth/tokens/{made['id']}/").status_code == 204

    assert [e.details["via"] for e in events(AuditAction.API_TOKEN_CREATED)] == ["api"]
    [revoked] = events(AuditAction.API_TOKEN_REVOKED)
    assert revoked.target == f"api_token:{made['id']}"


def test_a_token_revoked_in_the_back_office_is_recorded(admin_client, tenant):
    token, _secret = api_token_create(user=tenant.user, name="Old script")

    admin_client.post(reverse("admin:accountteam_apitoken_delete", args=[token.pk]), {"post": "yes"})

    assert not ApiToken.objects.filter(pk=token.pk).exists()
    [revoked] = events(AuditAction.API_TOKEN_REVOKED)
    assert revoked.details["reason"] == "back office" and revoked.actor.username == "admin"


def test_a_password_change_revoking_every_token_is_one_event(tenant):
    api_token_create(user=tenant.user, name="One")
    api_token_create(user=tenant.user, name="Two")

    tenant.user.set_password("another-pass-777")
    tenant.user.save()

    [event] = events(AuditAction.API_TOKEN_REVOKED)
    assert event.details == {"owner": tenant.user.pk, "count": 2, "reason": "password changed"}


def test_a_tokens_use_is_recorded_first_then_at_most_once_an_hour(tenant):
    start = timezone.now()
    _token, secret = api_token_create(user=tenant.user, name="Poller")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {secret}", REMOTE_ADDR="198.51.100.20")

    with time_machine.travel(start, tick=False) as clock:
        for minutes in range(0, 70, 5):  # every five minutes for 70 minutes: 14 requests
            clock.move_to(start + dt.timedelta(minutes=minutes))
            assert client.get("/api/v1/accounts/").status_code == 200

    used = events(AuditAction.API_TOKEN_USED)
    assert len(used) == 2  # the first use, and once again an hour later
    assert used[1].at - used[0].at == dt.timedelta(minutes=60)
    assert used[0].ip_address == "198.51.100.20" and used[0].actor == tenant.user


def test_a_session_request_records_no_token_use(tenant):
    signed_in(tenant.user).get("/api/v1/accounts/")

    assert events(AuditAction.API_TOKEN_USED) == []


# --- Staff availability and backups -------------------------------------------------------------------


def test_going_out_of_office_with_a_backup_is_recorded_as_internal_events(tenant):
    backup = PersonFactory(name="Bea Backup")
    until = (timezone.localtime() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    response = signed_in(tenant.manager_user).post(
        "/me/availability/", {"availability": "out_of_office", "availability_until": until, "backup": backup.pk}
    )
    assert response.status_code == 302

    [availability] = events(AuditAction.AVAILABILITY_CHANGED)
    [named] = events(AuditAction.BACKUP_CHANGED)
    assert availability.internal and named.internal
    assert availability.company_id is None and availability.actor == tenant.manager_user
    assert availability.details["changes"]["availability"] == ["in_office", "out_of_office"]
    assert named.summary_text() == "Home Manager named Bea Backup as their backup."


def test_saving_the_same_availability_through_the_api_records_nothing_new(tenant):
    client = api_as(tenant.manager_user)
    assert client.put("/api/v1/people/me/availability/", {"availability": "in_office"},
                      format="json").status_code == 200

    assert events(AuditAction.AVAILABILITY_CHANGED) == [] and events(AuditAction.BACKUP_CHANGED) == []


# --- Back-office edits ---------------------------------------------------------------------------------


def test_changing_a_response_policy_in_the_back_office_records_what_changed(admin_client, tenant):
    policy = ResponsePolicyFactory(company=tenant.company, due_value=10)
    url = reverse("admin:escalations_responsepolicy_change", args=[policy.pk])
    data = admin_form_data(admin_client.get(url))
    data["due_value"] = "45"

    assert admin_client.post(url, data).status_code == 302

    [event] = events(AuditAction.RESPONSE_POLICY_UPDATED)
    assert event.details["changes"] == {"due_value": [10, 45]}
    assert (event.internal, event.company_id, event.target) == (True, tenant.company.pk, f"response_policy:{policy.pk}")
    assert event.actor.username == "admin"


def test_saving_a_policy_unchanged_records_nothing(admin_client):
    # A scope the seeded guidelines leave free (the guidelines are data: a migration's rows).
    policy = ResponsePolicyFactory(category="pricing")
    url = reverse("admin:escalations_responsepolicy_change", args=[policy.pk])

    admin_client.post(url, admin_form_data(admin_client.get(url)))

    assert events(AuditAction.RESPONSE_POLICY_UPDATED) == []


def test_deleting_a_response_policy_in_the_back_office_is_recorded(admin_client):
    policy = ResponsePolicyFactory(category="pricing")

    admin_client.post(reverse("admin:escalations_responsepolicy_delete", args=[policy.pk]), {"post": "yes"})

    assert not ResponsePolicy.objects.filter(pk=policy.pk).exists()
    [event] = events(AuditAction.RESPONSE_POLICY_DELETED)
    assert event.target == f"response_policy:{policy.pk}" and event.company_id is None


def test_adding_changing_and_bulk_deleting_routing_rules_is_recorded(admin_client, tenant):
    add = reverse("admin:escalations_routingrule_add")
    data = admin_form_data(admin_client.get(add))
    data.update(company=str(tenant.company.pk), category="billing", topic="", roles="service-manager",
                sort_order="5")
    assert admin_client.post(add, data).status_code == 302
    rule = RoutingRule.objects.get(company=tenant.company, category="billing")

    admin_client.post(reverse("admin:escalations_routingrule_changelist"),
                      {"action": "delete_selected", "_selected_action": [rule.pk], "post": "yes"})

    [created] = events(AuditAction.ROUTING_RULE_CREATED)
    [deleted] = events(AuditAction.ROUTING_RULE_DELETED)
    assert created.details["changes"]["roles"][1] == "service-manager"
    assert created.company_id == deleted.company_id == tenant.company.pk
    assert deleted.target == f"routing_rule:{rule.pk}"


def test_a_calendars_hours_and_closure_days_edited_in_the_back_office_are_recorded(admin_client, db):
    calendar = BusinessCalendar.objects.create(name="Lima office", time_zone="America/Lima", holiday_country="PE")
    closure = Closure.objects.create(calendar=calendar, date=dt.date(2030, 7, 28), reason="Fiestas Patrias")
    url = reverse("admin:teams_businesscalendar_change", args=[calendar.pk])
    data = admin_form_data(admin_client.get(url))
    data["name"] = "Lima"
    data["closures-0-reason"] = "Independence day"
    data["closures-1-date"] = "2030-12-08"
    data["closures-1-reason"] = "Inmaculada"

    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]

    [changed] = events(AuditAction.CALENDAR_UPDATED)
    assert changed.details["changes"] == {"name": ["Lima office", "Lima"]}
    [closure_changed] = events(AuditAction.CLOSURE_UPDATED)
    assert closure_changed.details["changes"]["reason"] == ["Fiestas Patrias", "Independence day"]
    assert closure_changed.target == f"closure:{closure.pk}"
    [added] = events(AuditAction.CLOSURE_CREATED)
    assert added.details["changes"]["date"][1] == "2030-12-08"

    data = admin_form_data(admin_client.get(url))
    data["closures-0-DELETE"] = "on"
    admin_client.post(url, data)
    [deleted] = events(AuditAction.CLOSURE_DELETED)
    assert deleted.target == f"closure:{closure.pk}" and deleted.internal


# --- Downloads ------------------------------------------------------------------------------------------


def test_a_download_is_recorded_once_with_its_file_and_a_page_or_json_is_not(tenant):
    from tests.dossiers.factories import MeetingFactory

    meeting = MeetingFactory(account=tenant.account, people=[tenant.manager])
    client = signed_in(tenant.manager_user)

    assert client.get(reverse("meeting_ics", args=[meeting.pk])).status_code == 200
    client.get("/api/v1/accounts/")
    client.get(reverse("escalation_list"))

    [event] = events(AuditAction.EXPORT_DOWNLOADED)
    assert event.details["file"] == f"meeting-{meeting.pk}.ics"
    assert event.details["content_type"].startswith("text/calendar")
    assert event.actor == tenant.manager_user
    assert event.target == f"download:{reverse('meeting_ics', args=[meeting.pk])}"


def test_a_customers_download_belongs_to_their_company(tenant, customer):
    from tests.dossiers.factories import MeetingFactory

    meeting = MeetingFactory(account=tenant.account, people=[tenant.manager])
    assert customer.get(reverse("meeting_ics", args=[meeting.pk])).status_code == 200

    [event] = events(AuditAction.EXPORT_DOWNLOADED)
    assert event.company_id == tenant.company.pk


def test_a_calendar_feed_polled_without_a_session_records_nothing(tenant):
    from dossiers.services import calendar_feed_get_or_create

    token = calendar_feed_get_or_create(user=tenant.manager_user).token
    assert Client().get(reverse("calendar_feed", args=[token])).status_code == 200

    assert events(AuditAction.EXPORT_DOWNLOADED) == []


def test_a_refused_download_records_nothing(tenant, foreign):
    from tests.dossiers.factories import MeetingFactory

    meeting = MeetingFactory(account=foreign.account, people=[foreign.manager])
    assert signed_in(tenant.user).get(reverse("meeting_ics", args=[meeting.pk])).status_code == 404

    assert events(AuditAction.EXPORT_DOWNLOADED) == []


def test_a_new_user_signing_in_for_the_first_time_has_no_company_when_they_have_none(db):
    loner = UserFactory(username="loner")
    page_sign_in(Client(), "loner")

    [event] = events(AuditAction.SIGN_IN_SUCCEEDED)
    assert event.actor == loner and event.company_id is None

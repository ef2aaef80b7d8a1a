"""The mail API (/api/v1/mail/): carrier staff only; the list (the quarantine by default, its
filters), a message, accepting one onto an account (201) and discarding one, their refusals (400),
the customers' view (nothing: 404 on every message), and the list's query budget."""

import datetime as dt

import pytest

from escalations.models import Escalation, ResponsePolicy
from escalations.policies import seed_guidelines
from mailin.models import InboundMessage
from tests.clients import api_as
from tests.clients import signed_in as login

from .factories import InboundAttachmentFactory, InboundMessageFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/mail/"
Status = InboundMessage.Status
ARRIVED = dt.datetime(2026, 3, 2, 17, 5, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _guidelines(db):
    seed_guidelines(ResponsePolicy)


def url(message, action="") -> str:
    return f"{API}{message.pk}/{action}/" if action else f"{API}{message.pk}/"


def post(client, path, data=None):
    return client.post(path, data or {}, content_type="application/json")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def quarantined(db):
    message = InboundMessageFactory(
        received_at=ARRIVED, sender="noc@frontrange.example", sender_name="Front Range NOC",
        subject="T1 to Golden down", text="Down since 9:00.",
    )
    InboundAttachmentFactory(message=message, name="setup.exe", content_type="application/x-msdownload", size=10,
                             refused="This type of file is not accepted.")
    return message


@pytest.fixture
def others(db):
    return {
        "ignored": InboundMessageFactory(received_at=ARRIVED - dt.timedelta(hours=1), status=Status.IGNORED,
                                         reason="", subject="Automatic reply"),
        "discarded": InboundMessageFactory(received_at=ARRIVED - dt.timedelta(hours=2), status=Status.DISCARDED,
                                           subject="Prize"),
    }


# --- Reading ---------------------------------------------------------------------------------------


def test_the_list_is_the_quarantine_with_every_field(staff, quarantined, others):
    response = staff.get(API)

    assert ids(response) == [quarantined.pk]
    (row,) = response.json()["results"]
    assert row == {
        "id": quarantined.pk, "message_id": quarantined.message_id, "source": "pipe",
        "received_at": "2026-03-02T10:05:00-07:00", "sender": "noc@frontrange.example",
        "sender_name": "Front Range NOC", "recipient": "support@portal.localhost", "subject": "T1 to Golden down",
        "text": "Down since 9:00.", "status": "quarantined", "reason": "unknown_sender",
        "reason_display": "The sender is not a portal user with a verified address", "detail": "",
        "escalation": None, "account": None, "handled_at": None, "discard_reason": "",
        "attachments": [{"name": "setup.exe", "content_type": "application/x-msdownload", "size": 10,
                         "refused": "This type of file is not accepted."}],
    }


def test_the_list_filters_by_status_and_searches(staff, quarantined, others):
    assert ids(staff.get(API, {"status": "ignored"})) == [others["ignored"].pk]
    assert ids(staff.get(API, {"status": "all"})) == [quarantined.pk, others["ignored"].pk, others["discarded"].pk]
    assert ids(staff.get(API, {"status": "all", "q": "FRONT range"})) == [quarantined.pk]
    assert ids(staff.get(API, {"status": "all", "q": "automatic"})) == [others["ignored"].pk]
    assert ids(staff.get(API, {"q": "nobody such"})) == []


def test_a_bad_filter_is_a_400_naming_it(staff, quarantined):
    bad_status = staff.get(API, {"status": "nonsense"})
    long_query = staff.get(API, {"q": "x" * 201})

    assert bad_status.status_code == 400
    assert bad_status.json() == {
        "status": ["One of delivered, quarantined, accepted, discarded, ignored or all."]
    }
    assert long_query.status_code == 400 and list(long_query.json()) == ["q"]


def test_one_message(staff, quarantined):
    response = staff.get(url(quarantined))

    assert response.status_code == 200
    assert response.json()["id"] == quarantined.pk and response.json()["attachments"][0]["name"] == "setup.exe"


def test_the_list_keeps_to_its_query_budget(staff, tenant, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            message = InboundMessageFactory(account=tenant.account, company=tenant.company, user=tenant.user)
            InboundAttachmentFactory(message=message)

    add(2)
    # session, user, membership (tenancy), staff person; count, page, attachments
    with django_assert_max_num_queries(7):
        assert len(ids(staff.get(API))) == 2
    add(10)
    with django_assert_max_num_queries(7):
        assert len(ids(staff.get(API))) == 12


# --- Accepting --------------------------------------------------------------------------------------


def test_accepting_raises_an_email_item_and_answers_201_with_its_id(staff, tenant, quarantined):
    response = post(staff, url(quarantined, "accept"), {"account": tenant.account.number, "category": "repair"})

    assert response.status_code == 201, response.content
    item = Escalation.objects.get()
    body = response.json()
    assert (body["id"], body["status"], body["escalation"], body["account"]) == (
        quarantined.pk, "accepted", item.pk, tenant.account.number
    )
    assert (item.account, item.channel, item.category, item.received_at) == (tenant.account, "email", "repair",
                                                                              ARRIVED)


def test_without_a_category_the_subject_suggests_one(staff, tenant):
    message = InboundMessageFactory(subject="Factura de abril duplicada")

    response = post(staff, url(message, "accept"), {"account": tenant.account.number})

    assert response.status_code == 201, response.content
    assert Escalation.objects.get().category == "billing"


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"account": ["This field is required."]}),
        ({"account": "NO-SUCH"}, {"account": ["Object with number=NO-SUCH does not exist."]}),
        ({"account": "{home}", "category": "postmortem"}, {"category": ['"postmortem" is not a valid choice.']}),
    ],
    ids=["no account", "unknown account", "post-mortem category"],
)
def test_a_bad_accept_is_a_400_with_field_messages(staff, tenant, quarantined, body, errors):
    body = {k: v.format(home=tenant.account.number) for k, v in body.items()}

    response = post(staff, url(quarantined, "accept"), body)

    assert response.status_code == 400
    assert response.json() == errors
    quarantined.refresh_from_db()
    assert quarantined.status == Status.QUARANTINED and not Escalation.objects.exists()


def test_an_account_the_staff_member_does_not_serve_is_not_a_choice(staff, foreign, quarantined):
    response = post(staff, url(quarantined, "accept"), {"account": foreign.account.number})

    assert response.status_code == 400
    assert response.json() == {"account": [f"Object with number={foreign.account.number} does not exist."]}
    assert not Escalation.objects.exists()


def test_a_message_no_longer_in_quarantine_cannot_be_accepted_or_discarded(staff, tenant, quarantined):
    assert post(staff, url(quarantined, "accept"), {"account": tenant.account.number}).status_code == 201

    again = post(staff, url(quarantined, "accept"), {"account": tenant.account.number})
    discard = post(staff, url(quarantined, "discard"), {"reason": "Duplicate"})

    # A state conflict: the project's mapping makes that a 409.
    for response in (again, discard):
        assert response.status_code == 409
        assert response.json()["detail"] == "This message is no longer in quarantine."
    assert Escalation.objects.count() == 1


# --- Discarding ----------------------------------------------------------------------------------------


def test_discarding_records_the_reason(staff, tenant, quarantined):
    response = post(staff, url(quarantined, "discard"), {"reason": "Spam"})

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["discard_reason"]) == ("discarded", "Spam")
    quarantined.refresh_from_db()
    assert (quarantined.status, quarantined.handled_by) == (Status.DISCARDED, tenant.manager_user)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"reason": ["This field is required."]}),
        ({"reason": "   "}, {"reason": ["This field may not be blank."]}),
        ({"reason": "x" * 301}, {"reason": ["Ensure this field has no more than 300 characters."]}),
    ],
    ids=["none", "blank", "too long"],
)
def test_discarding_needs_a_reason_of_a_line(staff, quarantined, body, errors):
    response = post(staff, url(quarantined, "discard"), body)

    assert response.status_code == 400
    assert response.json() == errors
    quarantined.refresh_from_db()
    assert quarantined.status == Status.QUARANTINED


# --- Who ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["session", "token"])
def test_customers_see_no_message_and_change_nothing(how, tenant, quarantined):
    client = login(tenant.user) if how == "session" else api_as(tenant.user)

    assert client.get(API, {"status": "all"}).json()["results"] == []
    assert client.get(url(quarantined)).status_code == 404
    for action, body in (("accept", {"account": tenant.account.number}), ("discard", {"reason": "x"})):
        assert post(client, url(quarantined, action), body).status_code == 404, action
        assert post(client, url(quarantined, action), {}).status_code == 404, action  # before the body
    assert post(client, API, {}).status_code == 405
    quarantined.refresh_from_db()
    assert quarantined.status == Status.QUARANTINED and not Escalation.objects.exists()


def test_an_unknown_message_is_a_404(staff):
    assert staff.get(f"{API}999999/").status_code == 404
    assert post(staff, f"{API}999999/accept/", {}).status_code == 404
    assert staff.get(f"{API}abc/").status_code == 404

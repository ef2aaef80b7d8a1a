"""The customer's service report: staff read any period of a company they serve, the company's
users the periods published to them; CSV per table, a PDF in the reader's language, publishing
tells the company's administrators; service credits are requested, approved and applied."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from accountteam.models import Notification
from escalations import services as escalation_services
from escalations.models import ResponsePolicy
from escalations.policies import seed_guidelines
from servicereports import rules, selectors, services
from servicereports.models import PublishedReport, ServiceCredit
from tests.clients import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(tenant):
    seed_guidelines(ResponsePolicy)
    now = timezone.now()
    made = [
        escalation_services.escalation_create(actor=tenant.user, account=tenant.account, channel=channel,
                                              category=category, subject=f"Item {n}", now=now)
        for n, (channel, category) in enumerate([("voicemail", "repair"), ("email", "billing")])
    ]
    escalation_services.escalation_respond(actor=tenant.manager_user, escalation=made[0], comment="On it.")
    return made


def month_query() -> str:
    return f"month={timezone.localdate():%Y-%m}"


def test_staff_read_the_months_report_with_its_tables(tenant, items, django_assert_max_num_queries):
    staff = signed_in(tenant.manager_user)

    with django_assert_max_num_queries(40):
        page = staff.get(f"/reports/companies/{tenant.company.pk}/?{month_query()}")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Response guidelines met" in html and "Voicemail" in html and "Billing" in html
    assert "Publish the report" in html


def test_a_customer_reads_only_a_published_period_and_its_administrators_are_told(tenant, items):
    customer = signed_in(tenant.user)
    url = f"/reports/companies/{tenant.company.pk}/?{month_query()}"
    assert customer.get(url).status_code == 404

    today = timezone.localdate()
    period = rules.month_period(today.year, today.month)
    services.report_publish(actor=tenant.manager_user, company=tenant.company, period=period, note="See you Friday.")

    assert customer.get(url).status_code == 200
    notice = Notification.objects.get(recipient=tenant.user, kind="service_report")
    assert "ready to read" in notice.body and "See you Friday." in notice.body
    with pytest.raises(Exception, match="already published"):
        services.report_publish(actor=tenant.manager_user, company=tenant.company, period=period)


def test_another_companys_report_is_not_found(tenant, foreign, items):
    assert signed_in(foreign.user).get(f"/reports/companies/{tenant.company.pk}/").status_code == 404
    assert signed_in(foreign.manager_user).get(f"/reports/companies/{tenant.company.pk}/").status_code == 404


def test_each_table_is_a_csv_and_the_report_a_pdf_in_the_readers_language(tenant, items):
    staff = signed_in(tenant.manager_user)
    base = f"/reports/companies/{tenant.company.pk}/?{month_query()}"

    channel = staff.get(f"{base}&format=csv&table=channel")
    bad = staff.get(f"{base}&format=csv&table=nonsense")
    staff.post("/language/", {"language": "es"})
    document = staff.get(f"/reports/companies/{tenant.company.pk}/pdf/?{month_query()}")

    assert channel["Content-Type"].startswith("text/csv") and b"voicemail" in channel.content.lower()
    assert bad.status_code == 400
    assert document.status_code == 200 and document.content.startswith(b"%PDF")


@pytest.mark.parametrize("query", ["month=2026-13", "quarter=2026-Q5", "from=2026-02-01&to=2026-01-01",
                                   "from=2020-01-01&to=2026-01-01", "from=nonsense"])
def test_a_bad_period_is_a_400_with_the_reason(tenant, query):
    response = signed_in(tenant.manager_user).get(f"/reports/companies/{tenant.company.pk}/?{query}")

    assert response.status_code == 400


def test_periods(tenant):
    today = dt.date(2026, 12, 2)
    assert rules.parse_report_period({"quarter": "2026-Q4"}, today=today).first == dt.date(2026, 10, 1)
    assert rules.parse_report_period({"month": "2026-02"}, today=today).last == dt.date(2026, 2, 28)
    assert rules.parse_report_period({}, today=today).first == dt.date(2026, 12, 1)


def test_a_credit_is_requested_approved_by_a_director_and_applied(tenant, items, director):
    credit = services.credit_request(actor=tenant.manager_user, company=tenant.company, amount="150.00",
                                     currency="USD", reason="Missed the 4-hour voicemail guideline.",
                                     escalation=items[0])
    with pytest.raises(Exception, match="director or a carrier admin"):
        services.credit_approve(actor=tenant.manager_user, credit=credit)
    services.credit_approve(actor=director.user, credit=credit)
    services.credit_apply(actor=tenant.manager_user, credit=credit)

    credit.refresh_from_db()
    assert credit.status == ServiceCredit.Status.APPLIED
    page = signed_in(tenant.manager_user).get(f"/reports/companies/{tenant.company.pk}/?{month_query()}")
    assert b"150.00 USD" in page.content


@pytest.mark.parametrize(("amount", "currency", "reason", "field"), [
    ("0", "USD", "x", "amount"), ("12", "XYZ", "x", "currency"), ("12", "USD", " ", "reason"),
])
def test_a_bad_credit_says_which_field(tenant, amount, currency, reason, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.credit_request(actor=tenant.manager_user, company=tenant.company, amount=amount, currency=currency,
                                reason=reason)
    assert field in caught.value.message_dict
    assert not ServiceCredit.objects.exists()


def test_a_customer_can_neither_publish_nor_request_a_credit(tenant):
    customer = signed_in(tenant.user)
    assert customer.post(f"/reports/companies/{tenant.company.pk}/publish/", {}).status_code == 404
    assert customer.post(f"/reports/companies/{tenant.company.pk}/credits/", {"amount": "5"}).status_code == 404
    assert not PublishedReport.objects.exists()


def test_the_page_speaks_spanish(tenant, items):
    staff = signed_in(tenant.manager_user)
    staff.post("/language/", {"language": "es"})
    html = staff.get(f"/reports/companies/{tenant.company.pk}/?{month_query()}").content.decode()
    with translation.override("es"):
        assert translation.gettext("Response guidelines met") in html


def test_the_api_reads_a_report_publishes_it_and_handles_credits(tenant, items, director):
    from tests.clients import api_as

    staff, customer = api_as(tenant.manager_user), api_as(tenant.user)
    month = f"{timezone.localdate():%Y-%m}"

    report = staff.get(f"/api/v1/service-reports/{tenant.company.pk}/", {"month": month})
    assert report.status_code == 200 and report.json()["total"]["items"] == 2
    assert customer.get(f"/api/v1/service-reports/{tenant.company.pk}/", {"month": month}).status_code == 404
    assert staff.get(f"/api/v1/service-reports/{tenant.company.pk}/", {"month": "2026-99"}).status_code == 400

    assert customer.post(f"/api/v1/service-reports/{tenant.company.pk}/publish/", {"month": month},
                         format="json").status_code in (403, 404)
    published = staff.post(f"/api/v1/service-reports/{tenant.company.pk}/publish/", {"month": month},
                           format="json")
    again = staff.post(f"/api/v1/service-reports/{tenant.company.pk}/publish/", {"month": month}, format="json")
    assert published.status_code == 201 and again.status_code == 409
    assert customer.get(f"/api/v1/service-reports/{tenant.company.pk}/", {"month": month}).status_code == 200

    bad = staff.post("/api/v1/service-credits/", {"company": tenant.company.pk, "amount": "0", "currency": "USD",
                                                  "reason": "x"}, format="json")
    made = staff.post("/api/v1/service-credits/", {"company": tenant.company.pk, "amount": "80.00",
                                                   "currency": "USD", "reason": "Missed due."}, format="json")
    assert bad.status_code == 400 and "amount" in bad.json()
    assert made.status_code == 201
    credit = made.json()["id"]
    assert staff.post(f"/api/v1/service-credits/{credit}/apply/").status_code == 409
    assert api_as(director.user).post(f"/api/v1/service-credits/{credit}/approve/").status_code == 200
    assert customer.get("/api/v1/service-credits/").json()["count"] == 1  # the customer reads its credits


def test_the_report_counts_the_reviews_held_and_the_package_hours_by_activity(tenant, items):
    from decimal import Decimal

    from service.models import Activity, ServicePackage, TimeEntry

    today = timezone.localdate()
    activity = Activity.objects.order_by("pk").first()
    package = ServicePackage.objects.create(company=tenant.company, name="Gold", hours_per_month=Decimal("20"),
                                            start_date=today.replace(day=1))
    package.activities.add(activity)
    TimeEntry.objects.create(person=tenant.manager, company=tenant.company, activity=activity, date=today,
                             hours=Decimal("2.5"))
    period = rules.month_period(today.year, today.month)

    report = selectors.report_for(
        user=tenant.manager_user, company=tenant.company, period=period,
        zone=timezone.get_default_timezone(), now=timezone.now(),
    )

    assert report.hours == [(activity.name, 2.5)] and report.package_hours == 20.0

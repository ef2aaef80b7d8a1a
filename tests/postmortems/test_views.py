"""The post-mortem pages: the list (scoping, filters, pagination), the request form (errors per
field, the below-threshold flag, the right to request), the post-mortem page as the customer
sees it before and after publication, the manager's workspace driven through its forms
(accept, notes, analysis, preventive actions, publish, correct), versions and PDFs, 404 for
another company's post-mortems, and the director's panel.

The clock stands still at Tue 13 Jan 2026 10:00 in Denver (MST); pages show Denver time.
"""

import datetime as dt
import io

import pypdf
import pytest
from django.urls import reverse

from postmortems import services
from postmortems.models import Note, PostMortem, PreventiveAction, Version
from tests.clients import signed_in as login
from tests.conftest import clock_at
from tests.escalations.factories import denver
from tests.postmortems.factories import stored_state
from tests.teams.factories import AssignmentFactory, PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = denver(2026, 1, 13, 10, 0)


clock = clock_at(NOW, autouse=True)


def text_of(response) -> str:
    return response.content.decode()


def messages_text(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def request_pm(tenant, *, hours=10, ticket="TT-4471", ended_ago=dt.timedelta(hours=2), circuit="CKT DS3 1001",
               impact="Every call to Boulder dropped.") -> PostMortem:
    end = NOW - ended_ago
    return services.postmortem_request(
        actor=tenant.user, account=tenant.account, ticket_number=ticket, circuit_id=circuit,
        event_start=end - dt.timedelta(hours=hours), event_end=end, impact=impact,
        questions="Why did the backup path not take over?", now=NOW,
    )


def prepared(tenant, **kwargs) -> PostMortem:
    """Accepted, with a note of each kind, the three sections and one preventive action."""
    pm = request_pm(tenant, **kwargs)
    actor = tenant.manager_user
    services.postmortem_accept(actor=actor, postmortem=pm, complexity="medium", now=NOW)
    services.postmortem_note_add(actor=actor, postmortem=pm, at=NOW - dt.timedelta(hours=11), source="noc",
                                 text="Loss of signal alarm on the Boulder ring", now=NOW)
    services.postmortem_note_add(actor=actor, postmortem=pm, at=NOW - dt.timedelta(hours=10), source="field",
                                 text="Internal: the splicing crew was late again", internal=True, now=NOW)
    services.postmortem_analysis_update(actor=actor, postmortem=pm, summary="A fibre cut isolated Boulder.",
                                        root_cause="Backhoe cut the fibre at Pearl St", restoration="Spliced")
    services.preventive_action_add(actor=actor, postmortem=pm, description="Mark the route with the city",
                                   owner=tenant.manager, due_on=dt.date(2026, 2, 1))
    pm.refresh_from_db()
    return pm


def published(tenant, **kwargs) -> PostMortem:
    pm = prepared(tenant, **kwargs)
    services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=NOW)
    pm.refresh_from_db()
    return pm


def detail_url(pm) -> str:
    return reverse("postmortem_detail", args=[pm.pk])


def action_url(pm, action) -> str:
    return reverse("postmortem_action", args=[pm.pk, action])


# --- The list ------------------------------------------------------------------------------------------


def test_list_shows_the_active_company_post_mortems_to_customers_and_the_served_ones_to_staff(
    tenant, foreign, customer, staff
):
    home = request_pm(tenant, ticket="HOME-1")
    away = request_pm(foreign, ticket="AWAY-1")
    for client in (customer, staff):
        page = text_of(client.get("/postmortems/"))
        assert "HOME-1" in page and "AWAY-1" not in page
        assert detail_url(home) in page and detail_url(away) not in page
    assert "HOME-1" not in text_of(login(foreign.manager_user).get("/postmortems/"))


def test_list_rows_show_account_duration_status_due_date_and_manager(tenant, customer):
    pm = request_pm(tenant, hours=10)
    services.postmortem_accept(actor=tenant.manager_user, postmortem=pm, complexity="low", now=NOW)
    response = customer.get("/postmortems/")
    page = text_of(response)
    assert tenant.account.number in page
    assert "10 h 00 min" in page
    assert "Accepted" in page
    assert "Thu 15 Jan 2026" in page  # two business days after Tue 10:00
    assert tenant.manager.name in page


def test_list_filters_by_status_search_and_overdue_in_the_url(tenant, customer, clock):
    open_one = request_pm(tenant, ticket="OPEN-7")
    done = published(tenant, ticket="DONE-8")
    late = request_pm(tenant, ticket="LATE-9")
    services.postmortem_accept(actor=tenant.manager_user, postmortem=late, complexity="low",
                               now=NOW - dt.timedelta(days=14))

    def tickets(query):
        return {pm.ticket_number for pm in customer.get(f"/postmortems/?{query}").context["page"]}

    assert tickets("") == {"OPEN-7", "DONE-8", "LATE-9"}
    assert tickets("status=open") == {"OPEN-7", "LATE-9"}
    assert tickets("status=published") == {"DONE-8"}
    assert tickets("status=requested") == {"OPEN-7"}
    assert tickets("q=done-8") == {"DONE-8"}
    assert tickets(f"q={tenant.account.number}") == {"OPEN-7", "DONE-8", "LATE-9"}
    assert tickets("q=Home Telecom") == {"OPEN-7", "DONE-8", "LATE-9"}
    assert tickets("overdue=1") == {"LATE-9"}
    assert tickets("status=nonsense") == {"OPEN-7", "DONE-8", "LATE-9"}  # a stale bookmark, not an error
    page = text_of(customer.get("/postmortems/?overdue=1"))
    assert 'class="overdue"' in page and "overdue</strong>" in page
    assert open_one.ticket_number not in page and done.ticket_number not in page


def test_list_paginates_by_25_and_keeps_the_filters_in_the_page_links(tenant, customer):
    for n in range(27):
        request_pm(tenant, ticket=f"T-{n:02d}")
    first = customer.get("/postmortems/?status=requested&q=T-")
    assert len(first.context["page"].object_list) == 25
    assert "?status=requested&amp;q=T-&page=2" in text_of(first)
    second = customer.get("/postmortems/?status=requested&q=T-&page=2")
    assert len(second.context["page"].object_list) == 2


def test_the_request_button_is_for_customers_with_the_right_and_staff(tenant, customer, staff):
    assert 'data-testid="request-postmortem"' in text_of(customer.get("/postmortems/"))
    assert 'data-testid="request-postmortem"' in text_of(staff.get("/postmortems/"))
    tenant.membership.can_request_postmortem = False
    tenant.membership.can_view_team = True
    tenant.membership.save()
    response = customer.get("/postmortems/")
    assert response.status_code == 200
    assert 'data-testid="request-postmortem"' not in text_of(response)


def test_the_nav_links_to_post_mortems_for_staff_and_customers(customer, staff):
    for client in (customer, staff):
        assert 'href="/postmortems/">Post-mortems</a>' in text_of(client.get("/postmortems/"))


# Session, user, memberships, staff profile, the bell and the header's company switch (6); the
# page's count and rows (2).
LIST_MAX_QUERIES = 8
# Session, user, memberships, staff profile, the bell (5); the post-mortem with its manager, director,
# calendar, tracking item and requester, then its notes, actions and versions (4); staff: the owners
# to choose from and the menu's count of mail in quarantine (2), customers: the header's company
# switch (1). Whatever the number of rows.
DETAIL_MAX_QUERIES = 11


@pytest.mark.parametrize("count", [3, 30])
def test_list_stays_within_its_query_budget(tenant, customer, staff, count, django_assert_max_num_queries):
    for n in range(count):
        request_pm(tenant, ticket=f"T-{n:02d}")
    for client in (customer, staff):
        with django_assert_max_num_queries(LIST_MAX_QUERIES):
            assert client.get("/postmortems/?status=open&q=T-").status_code == 200


@pytest.mark.parametrize("count", [1, 10])
def test_the_workspace_stays_within_its_query_budget(tenant, staff, customer, count, django_assert_max_num_queries):
    pm = prepared(tenant)
    for n in range(count):
        services.postmortem_note_add(actor=tenant.manager_user, postmortem=pm, at=NOW - dt.timedelta(minutes=n),
                                     source="noc", text=f"Note {n}", now=NOW)
        services.preventive_action_add(actor=tenant.manager_user, postmortem=pm, description=f"Action {n}",
                                       owner=PersonFactory(), due_on=dt.date(2026, 2, 1))
    for client in (staff, customer):
        with django_assert_max_num_queries(DETAIL_MAX_QUERIES):
            assert client.get(detail_url(pm)).status_code == 200


# --- The request form ------------------------------------------------------------------------------------


def form_data(tenant, **overrides):
    data = {
        "account": tenant.account.pk,
        "ticket_number": "TT-9001",
        "circuit_id": "DS3 DNVR-BLDR 0042",
        "event_start": "2026-01-12T20:00",
        "event_end": "2026-01-13T06:00",
        "impact": "No calls in or out of Boulder for the night.",
        "questions": "Why was there no diverse path?",
    }
    return data | overrides


def test_customer_requests_a_post_mortem_in_their_time_zone_and_lands_on_its_page(tenant, customer):
    form = customer.get("/postmortems/request/")
    assert form.status_code == 200
    assert 'type="datetime-local"' in text_of(form)
    assert 'data-threshold-hours="8"' in text_of(form)
    response = customer.post("/postmortems/request/", form_data(tenant), follow=True)
    pm = PostMortem.objects.get()
    assert response.redirect_chain == [(detail_url(pm), 302)]
    assert (pm.event_start, pm.event_end) == (denver(2026, 1, 12, 20), denver(2026, 1, 13, 6))
    assert not pm.below_threshold
    assert (pm.requested_by, pm.manager, pm.status) == (tenant.user, tenant.manager, "requested")
    assert "Post-mortem requested for ticket TT-9001" in messages_text(response)
    page = text_of(response)
    assert "10 h 00 min" in page and "DS3 DNVR-BLDR 0042" in page
    assert 'data-testid="below-threshold"' not in page


def test_a_short_event_is_requested_but_flagged_below_the_threshold(tenant, customer, staff):
    response = customer.post(
        "/postmortems/request/", form_data(tenant, event_start="2026-01-13T03:00", event_end="2026-01-13T06:00"),
        follow=True,
    )
    pm = PostMortem.objects.get()
    assert pm.below_threshold
    assert "shorter than the 8-hour threshold" in messages_text(response)
    assert "the service manager will accept or decline the request" in text_of(response)
    assert "accept it (it still deserves an analysis) or decline it" in text_of(staff.get(detail_url(pm)))


def test_request_errors_are_shown_per_field_with_a_400(tenant, customer):
    response = customer.post(
        "/postmortems/request/",
        form_data(tenant, ticket_number="", event_start="2026-01-13T06:00", event_end="2026-01-13T05:00"),
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["ticket_number"] == ["This field is required."]
    assert PostMortem.objects.count() == 0
    response = customer.post("/postmortems/request/", form_data(tenant, event_end="2026-01-13T05:00",
                                                                 event_start="2026-01-13T06:00"))
    assert response.status_code == 400
    assert response.context["form"].errors["event_end"] == ["The event must end after it starts."]
    assert 'data-testid="error-event_end"' in text_of(response)
    future = customer.post("/postmortems/request/", form_data(tenant, event_end="2026-01-13T15:00"))
    assert future.status_code == 400
    assert "cannot end in the future" in future.context["form"].errors["event_end"][0]
    assert PostMortem.objects.count() == 0


def test_the_account_select_offers_only_the_active_company_accounts(tenant, foreign, customer):
    form = customer.get("/postmortems/request/").context["form"]
    assert list(form.fields["account"].queryset) == [tenant.account]
    response = customer.post("/postmortems/request/", form_data(tenant, account=foreign.account.pk))
    assert response.status_code == 400
    assert "account" in response.context["form"].errors
    assert PostMortem.objects.count() == 0


def test_customer_without_the_right_gets_403(tenant, customer):
    tenant.membership.can_request_postmortem = False
    tenant.membership.save()
    assert customer.get("/postmortems/request/").status_code == 403
    assert customer.post("/postmortems/request/", form_data(tenant)).status_code == 403
    assert PostMortem.objects.count() == 0


def test_staff_request_on_the_customers_behalf(tenant, staff):
    response = staff.post("/postmortems/request/", form_data(tenant))
    pm = PostMortem.objects.get()
    assert response.status_code == 302 and pm.requested_by == tenant.manager_user


# --- The page as the customer sees it ---------------------------------------------------------------------


def test_before_publication_the_customer_sees_the_request_and_its_status_but_no_draft(tenant, customer):
    pm = prepared(tenant)
    response = customer.get(detail_url(pm))
    assert response.status_code == 200
    page = text_of(response)
    assert "TT-4471" in page and "Every call to Boulder dropped." in page
    assert "Why did the backup path not take over?" in page
    assert 'data-testid="pm-status">In preparation' in page
    assert "Wednesday 21 January 2026" in page  # 5 business days; Mon 19 Jan is a holiday
    assert 'data-testid="awaiting-publication"' in page
    for secret in ("Backhoe cut the fibre", "A fibre cut isolated Boulder", "splicing crew", "Loss of signal alarm",
                   "Mark the route"):
        assert secret not in page
    for form in ("workspace", "accept-form", "note-form", "analysis-form", "action-form", "publish-form"):
        assert f'data-testid="{form}"' not in page
    assert "Download PDF" not in page


def test_after_publication_the_customer_reads_the_analysis_and_downloads_the_pdf(tenant, customer):
    pm = published(tenant)
    page = text_of(customer.get(detail_url(pm)))
    assert "Backhoe cut the fibre at Pearl St" in page
    assert "A fibre cut isolated Boulder." in page and "Spliced" in page
    assert "Loss of signal alarm on the Boulder ring" in page  # the published timeline
    assert "splicing crew" not in page  # internal notes never leave
    assert "Mark the route with the city" in page
    assert 'data-testid="workspace"' not in page
    pdf_url = reverse("postmortem_pdf", args=[pm.pk])
    assert f'href="{pdf_url}"' in page
    response = customer.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response) if response.streaming else response.content
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert "Backhoe cut the fibre at Pearl St" in text


def test_the_customer_sees_the_preventive_actions_live_status(tenant, customer):
    pm = published(tenant)
    action = pm.actions.get()
    services.preventive_action_update(actor=tenant.manager_user, action=action, done=True)
    table = text_of(customer.get(detail_url(pm))).split('data-testid="published-actions"')[1]
    assert "Mark the route with the city" in table and "Done" in table


def test_pdf_is_404_while_nothing_is_published_for_staff_too(tenant, customer, staff):
    pm = prepared(tenant)
    for client in (customer, staff):
        assert client.get(reverse("postmortem_pdf", args=[pm.pk])).status_code == 404
        assert client.get(reverse("postmortem_version_pdf", args=[pm.pk, 1])).status_code == 404
        assert client.get(reverse("postmortem_version", args=[pm.pk, 1])).status_code == 404


def test_customers_cannot_use_the_workspace(tenant, customer):
    pm = request_pm(tenant)
    before = stored_state(pm)
    response = customer.post(action_url(pm, "accept"), {"complexity": "low"})
    assert response.status_code == 403
    pm.refresh_from_db()
    assert pm.status == "requested"
    assert stored_state(pm) == before


# --- The workspace through its forms --------------------------------------------------------------------


def test_manager_works_a_post_mortem_from_request_to_correction(tenant, staff, customer):
    pm = request_pm(tenant)
    page = text_of(staff.get(detail_url(pm)))
    assert 'data-testid="accept-form"' in page and 'data-testid="decline-form"' in page
    assert 'data-testid="analysis-form"' not in page  # accept first

    # Accept as medium: the due date follows from the policy on the manager's calendar.
    response = staff.post(action_url(pm, "accept"), {"complexity": "medium", "comment": "On it."}, follow=True)
    assert response.redirect_chain == [(detail_url(pm), 302)]
    page = text_of(response)
    assert 'data-testid="pm-due"' in page and "Wednesday 21 January 2026" in page
    assert "Medium complexity" in page and 'data-testid="accept-form"' not in page

    # A note (and an internal one), in the manager's time zone.
    response = staff.post(action_url(pm, "notes"), {"at": "2026-01-12T20:05", "source": "noc",
                                                   "text": "LOS alarm on the Boulder ring"})
    assert response.status_code == 302
    staff.post(action_url(pm, "notes"), {"at": "2026-01-12T21:00", "source": "field",
                                        "text": "Crew dispatched late", "internal": "on"})
    notes = list(Note.objects.filter(postmortem=pm).order_by("at"))
    assert [(n.at, n.internal) for n in notes] == [(denver(2026, 1, 12, 20, 5), False), (denver(2026, 1, 12, 21), True)]
    page = text_of(staff.get(detail_url(pm)))
    assert page.index("LOS alarm on the Boulder ring") < page.index("Crew dispatched late")

    # A note in the future is refused on its field.
    before = stored_state(pm)
    response = staff.post(action_url(pm, "notes"), {"at": "2026-01-14T09:00", "source": "noc", "text": "Later"},
                          follow=True)
    assert response.redirect_chain == [(f"{detail_url(pm)}#notes-title", 302)]
    assert "cannot be in the future" in text_of(response)
    assert stored_state(pm) == before

    # The analysis, without a root cause yet.
    response = staff.post(action_url(pm, "analysis"), {"summary": "Fibre cut.", "restoration": "Spliced at 06:00.",
                                                       "root_cause": "", "recommendations": "Order diversity."})
    assert response.status_code == 302
    pm.refresh_from_db()
    assert (pm.status, pm.summary, pm.root_cause) == ("in_preparation", "Fibre cut.", "")

    # Publishing now names what is missing, beside the publish button, and changes nothing.
    before = stored_state(pm)
    response = staff.post(action_url(pm, "publish"), {}, follow=True)
    assert response.redirect_chain == [(f"{detail_url(pm)}#missing-title", 302)]
    page = text_of(response)
    assert 'data-testid="missing-sections"' in page
    assert "Root cause" in page and "At least one preventive action" in page
    assert page.count("Cannot publish without: root cause, at least one preventive action.") == 1
    assert not Version.objects.exists()
    assert stored_state(pm) == before

    # Root cause and a preventive action owned by someone else on the staff.
    staff.post(action_url(pm, "analysis"), {"summary": "Fibre cut.", "restoration": "Spliced at 06:00.",
                                            "root_cause": "Backhoe at Pearl St", "recommendations": ""})
    owner = PersonFactory(name="Noor Engineer")
    response = staff.post(action_url(pm, "preventive-actions"),
                          {"description": "Locate and mark the route", "owner": owner.pk, "due_on": "2026-02-02"})
    assert response.status_code == 302
    action = PreventiveAction.objects.get(postmortem=pm)
    assert (action.owner, action.due_on) == (owner, dt.date(2026, 2, 2))
    before = stored_state(pm)
    response = staff.post(action_url(pm, "preventive-actions"), {"description": "", "owner": owner.pk,
                                                                 "due_on": "2026-02-02"}, follow=True)
    assert response.redirect_chain == [(f"{detail_url(pm)}#actions-title", 302)]
    assert 'data-testid="error-description"' in text_of(response)
    assert stored_state(pm) == before

    # Publish: version 1, the customer can read it.
    response = staff.post(action_url(pm, "publish"), {}, follow=True)
    assert "Published" in messages_text(response)
    pm.refresh_from_db()
    assert pm.status == "published" and pm.versions.count() == 1
    assert "Backhoe at Pearl St" in text_of(customer.get(detail_url(pm)))

    # A correction: reopen, rewrite, publish with what it corrects.
    staff.post(action_url(pm, "correct"))
    pm.refresh_from_db()
    assert pm.status == "in_preparation"
    page = text_of(staff.get(detail_url(pm)))
    assert "What this version corrects" in page
    staff.post(action_url(pm, "analysis"), {"summary": "Fibre cut.", "restoration": "Spliced at 06:00.",
                                            "root_cause": "Backhoe at Walnut St", "recommendations": ""})
    before = stored_state(pm)
    response = staff.post(action_url(pm, "publish"), {"correction_note": ""}, follow=True)
    assert response.redirect_chain == [(f"{detail_url(pm)}#publish-title", 302)]
    assert text_of(response).count("Say what this version corrects.") == 1
    assert stored_state(pm) == before
    response = staff.post(action_url(pm, "publish"), {"correction_note": "The street was wrong."})
    assert response.status_code == 302
    assert list(pm.versions.order_by("number").values_list("number", "root_cause")) == [
        (1, "Backhoe at Pearl St"), (2, "Backhoe at Walnut St")
    ]

    # The customer reads version 2 on the page and version 1 where it was.
    page = text_of(customer.get(detail_url(pm)))
    assert "Backhoe at Walnut St" in page and "The street was wrong." in page
    assert reverse("postmortem_version", args=[pm.pk, 1]) in page
    old = customer.get(reverse("postmortem_version", args=[pm.pk, 1]))
    assert old.status_code == 200
    assert "Backhoe at Pearl St" in text_of(old) and 'data-testid="not-latest"' in text_of(old)
    latest = customer.get(reverse("postmortem_version", args=[pm.pk, 2]))
    assert 'data-testid="not-latest"' not in text_of(latest)
    v1_pdf = customer.get(reverse("postmortem_version_pdf", args=[pm.pk, 1]))
    assert v1_pdf.status_code == 200 and v1_pdf["Content-Type"] == "application/pdf"
    assert "-v1.pdf" in v1_pdf["Content-Disposition"]


def test_with_director_review_the_manager_submits_and_the_director_returns_or_publishes(tenant, settings):
    settings.POSTMORTEM_DIRECTOR_REVIEW = True
    director = PersonFactory(name="Dana Director", user=UserFactory(username="dana.director"))
    tenant.manager.reports_to = director
    tenant.manager.save()
    pm = prepared(tenant)
    manager, reviewer = login(tenant.manager_user), login(director.user)
    page = text_of(manager.get(detail_url(pm)))
    assert "Submit for review" in page and 'data-testid="publish-form"' not in page
    before = stored_state(pm)
    assert manager.post(action_url(pm, "publish")).status_code == 302  # refused: not reviewed yet
    assert stored_state(pm) == before
    manager.post(action_url(pm, "submit-for-review"))
    page = text_of(reviewer.get(detail_url(pm)))
    assert 'data-testid="return-form"' in page and 'data-testid="publish-form"' in page
    response = reviewer.post(action_url(pm, "return-to-preparation"), {"comment": "Name the street."}, follow=True)
    assert "Returned to preparation." in messages_text(response)
    assert "Name the street." in text_of(manager.get(detail_url(pm)))
    manager.post(action_url(pm, "submit-for-review"))
    assert reviewer.post(action_url(pm, "publish")).status_code == 302
    pm.refresh_from_db()
    assert pm.status == "published" and pm.versions.get().published_by == director.user


def test_decline_needs_a_reason_and_tells_the_customer_why(tenant, staff, customer):
    pm = request_pm(tenant, hours=3)
    before = stored_state(pm)
    response = staff.post(action_url(pm, "decline"), {"reason": ""}, follow=True)
    assert response.redirect_chain == [(f"{detail_url(pm)}#workspace-title", 302)]
    assert 'data-testid="error-reason"' in text_of(response)
    assert stored_state(pm) == before
    staff.post(action_url(pm, "decline"), {"reason": "A planned maintenance window."})
    page = text_of(customer.get(detail_url(pm)))
    assert "Declined" in page and "A planned maintenance window." in page


def test_an_action_the_state_does_not_allow_redirects_with_the_reason_on_the_page(tenant, staff):
    pm = request_pm(tenant)
    staff.post(action_url(pm, "accept"), {"complexity": "low"})
    before = stored_state(pm)
    response = staff.post(action_url(pm, "accept"), {"complexity": "high"}, follow=True)
    assert response.redirect_chain == [(f"{detail_url(pm)}#workspace-title", 302)]
    assert "Not possible while the post-mortem is accepted." in messages_text(response)
    assert staff.post(action_url(pm, "nonsense")).status_code == 404
    assert stored_state(pm) == before


def test_wait_on_customer_and_resume(tenant, staff):
    pm = request_pm(tenant)
    staff.post(action_url(pm, "accept"), {"complexity": "low"})
    response = staff.post(action_url(pm, "wait-on-customer"), {"comment": ""}, follow=True)
    assert "Clock stopped while waiting on the customer" in text_of(response)
    pm.tracking.refresh_from_db()
    assert pm.tracking.status == "waiting_on_customer"
    response = staff.post(action_url(pm, "resume"), {"comment": ""}, follow=True)
    assert "Resumed" in messages_text(response)


def test_the_owner_of_a_preventive_action_marks_it_done_without_being_the_manager(tenant):
    """The owner need not serve the account: the reminder links them to the page."""
    pm = prepared(tenant)
    owner = PersonFactory(name="Noor Engineer", user=UserFactory(username="noor"))
    item = pm.actions.get()
    services.preventive_action_update(actor=tenant.manager_user, action=item, owner=owner)
    services.postmortem_publish(actor=tenant.manager_user, postmortem=pm, now=NOW)
    client = login(owner.user)
    page = text_of(client.get(detail_url(pm)))
    assert "Mark done" in page
    assert 'data-testid="publish-form"' not in page and 'data-testid="analysis-form"' not in page
    assert client.post(reverse("postmortem_preventive_action", args=[pm.pk, item.pk, "done"])).status_code == 302
    item.refresh_from_db()
    assert item.state == "done"
    before = stored_state(pm)
    # The owner may not delete it; staff on the account who neither own nor manage it may not touch it.
    refused = client.post(reverse("postmortem_preventive_action", args=[pm.pk, item.pk, "delete"]), follow=True)
    assert refused.redirect_chain == [(f"{detail_url(pm)}#actions-title", 302)]
    assert messages_text(refused)  # the reason, on the page
    colleague = PersonFactory(name="Sam Sales", user=UserFactory(username="sam"))
    AssignmentFactory(account=tenant.account, person=colleague, role=RoleFactory(code="sales-executive"))
    reopen = reverse("postmortem_preventive_action", args=[pm.pk, item.pk, "reopen"])
    assert "Mark done" not in text_of(login(colleague.user).get(detail_url(pm)))
    assert login(colleague.user).post(reopen)["Location"] == f"{detail_url(pm)}#action-{item.pk}"
    assert login(tenant.user).post(reopen)["Location"] == f"{detail_url(pm)}#action-{item.pk}"
    item.refresh_from_db()
    assert item.state == "done"
    assert stored_state(pm) == before


def test_the_tracking_item_page_links_to_its_post_mortem(tenant, staff):
    pm = request_pm(tenant)
    page = text_of(staff.get(reverse("escalation_detail", args=[pm.tracking_id])))
    assert f'href="{detail_url(pm)}"' in page


# --- Another company's post-mortems ------------------------------------------------------------------------


def foreign_urls(pm) -> list[tuple[str, str]]:
    action = pm.actions.first()
    urls = [
        ("get", detail_url(pm)),
        ("get", reverse("postmortem_pdf", args=[pm.pk])),
        ("get", reverse("postmortem_version", args=[pm.pk, 1])),
        ("get", reverse("postmortem_version_pdf", args=[pm.pk, 1])),
    ]
    for name in ("accept", "decline", "notes", "analysis", "preventive-actions", "submit-for-review",
                 "return-to-preparation", "publish", "correct", "wait-on-customer", "resume"):
        urls.append(("post", action_url(pm, name)))
    for verb in ("done", "reopen", "delete"):
        urls.append(("post", reverse("postmortem_preventive_action", args=[pm.pk, action.pk, verb])))
    return urls


@pytest.mark.parametrize("who", ["user", "manager_user"])
def test_every_post_mortem_page_of_another_company_is_404(tenant, foreign, who):
    pm = published(foreign)
    client = login(getattr(tenant, who))
    before = stored_state(pm)
    for method, url in foreign_urls(pm):
        assert getattr(client, method)(url).status_code == 404, url
    assert stored_state(pm) == before
    assert foreign.company.name not in text_of(client.get("/postmortems/?q=Foreign"))


# --- The director's panel ------------------------------------------------------------------------------------


def test_the_director_sees_the_group_open_post_mortems_with_the_overdue_ones_flagged(tenant, foreign):
    director = PersonFactory(name="Dana Director", user=UserFactory(username="dana.director"))
    tenant.manager.reports_to = director
    tenant.manager.save()
    late = request_pm(tenant, ticket="LATE-1")
    services.postmortem_accept(actor=tenant.manager_user, postmortem=late, complexity="low",
                               now=NOW - dt.timedelta(days=14))
    fresh = request_pm(tenant, ticket="FRESH-2")
    done = published(tenant, ticket="DONE-3")
    away = request_pm(foreign, ticket="AWAY-4")
    response = login(director.user).get("/review/")
    assert response.status_code == 200
    panel = text_of(response).split('data-testid="review-postmortems"')[1]
    assert "LATE-1" in panel and "FRESH-2" in panel
    assert done.ticket_number not in panel and away.ticket_number not in panel
    assert f'id="postmortem-{late.pk}" class="overdue"' in panel
    assert f'id="postmortem-{fresh.pk}" >' in panel or f'id="postmortem-{fresh.pk}">' in panel
    assert panel.index("LATE-1") < panel.index("FRESH-2")  # due first

import datetime as dt

import pytest

from teams.models import Account, Assignment, Company, Person
from tests.teams.factories import (
    AccountFactory,
    AssignmentFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_customer_sees_only_their_companies_accounts(tenant, foreign):
    assert list(Account.objects.visible_to(tenant.user)) == [tenant.account]
    assert list(Company.objects.visible_to(tenant.user)) == [tenant.company]
    assert list(Assignment.objects.visible_to(tenant.user)) == [tenant.assignment]


def test_customer_in_two_companies_sees_both(tenant, foreign):
    MembershipFactory(user=tenant.user, company=foreign.company, is_default=False)
    assert set(Account.objects.visible_to(tenant.user)) == {tenant.account, foreign.account}


def test_customer_sees_the_people_serving_them_and_their_backups_only(tenant, foreign):
    backup = PersonFactory(name="Backup")
    tenant.manager.backup = backup
    tenant.manager.save()
    assert set(Person.objects.visible_to(tenant.user)) == {tenant.manager, backup}


def test_anonymous_sees_nothing(tenant):
    from django.contrib.auth.models import AnonymousUser

    assert not Account.objects.visible_to(AnonymousUser()).exists()
    assert not Person.objects.visible_to(AnonymousUser()).exists()


def test_staff_see_the_accounts_they_hold(tenant, foreign):
    assert list(Account.objects.visible_to(tenant.manager_user)) == [tenant.account]


def test_ended_assignment_no_longer_gives_sight(tenant):
    tenant.assignment.end_date = dt.date(2024, 6, 30)
    tenant.assignment.save()
    assert not Account.objects.visible_to(tenant.manager_user).exists()


def test_director_sees_accounts_of_their_reports(tenant, foreign):
    director = PersonFactory(user=UserFactory(username="director"))
    tenant.manager.reports_to = director
    tenant.manager.save()
    assert list(Account.objects.visible_to(director.user)) == [tenant.account]
    assert list(Company.objects.visible_to(director.user)) == [tenant.company]


def test_carrier_admin_sees_every_account(tenant, foreign):
    admin = PersonFactory(user=UserFactory(username="admin"), is_carrier_admin=True)
    assert set(Account.objects.visible_to(admin.user)) == {tenant.account, foreign.account}


def test_staff_without_assignments_see_no_accounts(tenant):
    loner = PersonFactory(user=UserFactory(username="loner"))
    assert not Account.objects.visible_to(loner.user).exists()
    # ...but the staff directory is open to them.
    assert Person.objects.visible_to(loner.user).filter(pk=tenant.manager.pk).exists()


def test_upcoming_assignment_gives_sight_before_it_starts(tenant):
    newcomer = PersonFactory(user=UserFactory(username="newcomer"))
    AssignmentFactory(account=AccountFactory(), person=newcomer,
                      role=RoleFactory(code="sales-executive"), start_date=dt.date(2099, 1, 1))
    assert Account.objects.visible_to(newcomer.user).count() == 1

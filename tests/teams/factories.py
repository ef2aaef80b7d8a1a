import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from teams.models import Account, Assignment, BusinessCalendar, Company, Membership, Person, Role

PASSWORD = "factory-pass-987"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.set_password(PASSWORD)
        if create:
            self.save()
            EmailAddress.objects.get_or_create(user=self, email=self.email, verified=True, primary=True)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    kind = Company.Kind.CLEC


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"9{n:03d}-0001")
    name = factory.LazyAttribute(lambda o: f"{o.company.name} main")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    is_default = True


class CalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar
        django_get_or_create = ("name",)

    name = "Denver office"
    time_zone = "America/Denver"
    holiday_country = "US"


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("code",)

    code = "service-manager"
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())
    team = factory.LazyAttribute(lambda o: "sales" if o.code.startswith("sales") else "service")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    title = "Service Manager"
    email = factory.Sequence(lambda n: f"person{n}@carrier.example")
    phone = "+1 303 555 0100"
    pager = factory.Sequence(lambda n: f"+1 303 555 {n:04d}")
    calendar = factory.SubFactory(CalendarFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    account = factory.SubFactory(AccountFactory)
    role = factory.SubFactory(RoleFactory)
    person = factory.SubFactory(PersonFactory)
    start_date = dt.date(2024, 1, 1)

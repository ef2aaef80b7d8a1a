"""A notice is written in its recipient's language and zone, never in the language active when it
was made (the actor's in a request, English in a worker): ``notifications.record`` calls the
words given as functions while each recipient's language is active, the body with their zone."""

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from accountteam import notifications
from accountteam.models import Notification, UserSettings
from accountteam.notifications import Notice
from tests.teams.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

BUENOS_AIRES = "America/Argentina/Buenos_Aires"


def subject() -> str:
    return gettext("Resolved")


def body(zone) -> str:
    return f"{gettext('Nothing is overdue.')} {zone.key}"


def notice_to(user, key: str) -> Notice:
    return Notice.to_user(user, key=key, kind="test", subject=subject, body=body, url="/")


def stored(key: str) -> Notification:
    return Notification.objects.get(key=key)


def test_words_given_as_functions_are_written_in_each_recipients_language_and_zone():
    spanish, brazilian, unset = UserFactory(), UserFactory(), UserFactory()
    UserSettings.objects.create(user=spanish, language="es", time_zone=BUENOS_AIRES)
    UserSettings.objects.create(user=brazilian, language="pt-br")
    staff_without_sign_in = PersonFactory(user=None)
    default_zone = timezone.get_default_timezone_name()

    with translation.override("es"):  # the actor's language, in a request
        notifications.record([
            notice_to(spanish, "t:es"),
            notice_to(brazilian, "t:pt"),
            notice_to(unset, "t:en"),
            Notice.to_person(staff_without_sign_in, key="t:person", kind="test", subject=subject, body=body, url="/"),
        ])

    assert (stored("t:es").subject, stored("t:es").body) == ("Resuelto", f"No hay nada vencido. {BUENOS_AIRES}")
    assert (stored("t:pt").subject, stored("t:pt").body) == ("Resolvido", f"Nada está atrasado. {default_zone}")
    for key in ("t:en", "t:person"):
        assert (stored(key).subject, stored(key).body) == ("Resolved", f"Nothing is overdue. {default_zone}")
    assert [stored(k).language for k in ("t:es", "t:pt", "t:en", "t:person")] == ["es", "pt-br", "en", "en"]


def test_words_given_as_text_are_kept_as_they_are():
    user = UserFactory()
    UserSettings.objects.create(user=user, language="pt-br")

    notifications.record([Notice.to_user(user, key="t:1", kind="test", subject="Hola", body="Texto", url="/")])

    assert (stored("t:1").subject, stored("t:1").body, stored("t:1").language) == ("Hola", "Texto", "pt-br")


def test_a_notice_stored_before_is_not_written_again():
    user = UserFactory()
    written = []

    def counted() -> str:
        written.append(1)
        return "Once"

    notice = Notice.to_user(user, key="t:once", kind="test", subject=counted, body="b", url="/")
    notifications.record([notice])
    notifications.record([notice])

    assert written == [1]


def test_recording_for_many_recipients_takes_the_same_few_queries(django_assert_max_num_queries):
    users = UserFactory.create_batch(8)
    for user, language in zip(users, ["es", "pt-br", "en", ""] * 2, strict=True):
        UserSettings.objects.create(user=user, language=language, time_zone=BUENOS_AIRES)
    staff = PersonFactory.create_batch(3, user=None)
    notices = [notice_to(user, f"t:u{user.pk}") for user in users] + [
        Notice.to_person(p, key=f"t:p{p.pk}", kind="test", subject=subject, body=body, url="/") for p in staff
    ]

    # Keys already stored, the recipients' settings, the insert, the ids to e-mail.
    with django_assert_max_num_queries(4):
        stored_keys = notifications.record(notices)

    assert len(stored_keys) == 11
    assert Notification.objects.filter(language="es", subject="Resuelto").count() == 2

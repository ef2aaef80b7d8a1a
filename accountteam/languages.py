"""The language a person reads the portal in.

Anonymous pages follow the browser (Accept-Language, or the footer's choice kept in a cookie:
Django's ``LocaleMiddleware``). A signed-in user reads their own setting
(``UserSettings.language``); a new user's setting is taken from the browser at their first sign-in,
or from their company's default when they were invited. Notices and e-mails are written in the
*recipient's* language: give a notice's words as functions (``notifications.Notice``), which
``notifications.record`` calls in each recipient's language; build anything else inside
``speaking(user)``.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .models import UserSettings

SESSION_KEY = "language"
CODES = {code for code, _name in settings.LANGUAGES}


def supported(code: str | None) -> str:
    """``code`` as one of the portal's languages ("es-AR" reads as "es"), or "" for none of them."""
    if not code:
        return ""
    try:
        found = translation.get_supported_language_variant(code.lower())
    except LookupError:
        return ""
    return found if found in CODES else ""


def language_of(user) -> str:
    """The language ``user`` reads: their setting, else the portal's default."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    prefs = getattr(user, "_language_prefs", None)
    if prefs is None:
        prefs = UserSettings.objects.filter(user=user).values_list("language", flat=True).first() or ""
        user._language_prefs = prefs
    return prefs or settings.LANGUAGE_CODE


@contextlib.contextmanager
def speaking(user_or_language):
    """Write what is built inside in ``user``'s language (or a language code)."""
    language = user_or_language if isinstance(user_or_language, str) else language_of(user_or_language)
    with translation.override(language or settings.LANGUAGE_CODE):
        yield


def remember_language(request, language: str) -> None:
    """Keep ``language`` for the rest of the session; the middleware activates it from now on."""
    request.session[SESSION_KEY] = language
    translation.activate(language)
    request.LANGUAGE_CODE = language


def set_user_language(user, language: str) -> None:
    """Save ``language`` (one of settings.LANGUAGES, or "" for the browser's) as ``user``'s setting."""
    UserSettings.objects.update_or_create(user=user, defaults={"language": language})
    user._language_prefs = language


class UserLanguageMiddleware:
    """A signed-in user's own language replaces the browser's (kept in the session at sign-in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if language and language in CODES and request.user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    """At sign-in: the user's language, or, for a user who never chose one, the browser's, saved as
    their setting (so what is sent to them later is in it too)."""
    if request is None or not hasattr(request, "session"):
        return
    chosen = UserSettings.objects.filter(user=user).values_list("language", flat=True).first()
    if not chosen:
        chosen = supported(translation.get_language_from_request(request)) or settings.LANGUAGE_CODE
        if chosen != settings.LANGUAGE_CODE:  # the default needs no row
            set_user_language(user, chosen)
    remember_language(request, chosen)


def back_to(request) -> str:
    """Where a small form sent from any page returns: its ``next``, if it is a page of ours."""
    back = request.POST.get("next", "")[:2000]
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return back
    return "/"


@require_POST
def language_switch(request):
    """The footer's language choice: kept in a cookie for the browser and, for a signed-in user, as
    their setting. An unknown language changes nothing; the reader goes back where they were."""
    language = supported(request.POST.get("language", "")[:10])
    response = HttpResponseRedirect(back_to(request))
    if not language:
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE, samesite=settings.LANGUAGE_COOKIE_SAMESITE, httponly=True,
    )
    if request.user.is_authenticated:
        set_user_language(request.user, language)
        remember_language(request, language)
    return response

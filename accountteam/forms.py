"""Form helpers shared by every app's pages, and the portal's own forms."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: under its field where the form has one,
    otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Post/Redirect/Get for refused forms ------------------------------------------------------------

_REFUSED = "refused_forms"  # the session's key: page → what the refusal left to show


def refusal_keep(request, page: str, *, forms: dict | None = None, **shown) -> None:
    """Post/Redirect/Get when a form on ``page`` is refused: keep what was typed, its errors, and
    whatever else the page shows about the refusal (``shown``: a handoff's blockers, the sections a
    draft lacks) for the next time ``page`` is shown; the view then redirects there. A reload of
    that page sends nothing again and shows the page as it is now. Uploaded files are not kept (no
    browser fills a file input in again); passwords are never in these forms."""
    kept = {
        key: {
            "data": {name: form.data.getlist(name) for name in form.data if name != "csrfmiddlewaretoken"}
            if hasattr(form.data, "getlist") else dict(form.data),
            "errors": form.errors.get_json_data(),
        }
        for key, form in (forms or {}).items()
    }
    store = dict(request.session.get(_REFUSED) or {})
    store[page] = {"forms": kept, "shown": shown}
    request.session[_REFUSED] = store


@dataclass
class Refusal:
    """What ``refusal_keep`` kept for a page, taken once by ``refusal_take``."""

    forms: dict = field(default_factory=dict)
    shown: dict = field(default_factory=dict)

    def form(self, key: str, form_class, **kwargs):
        """The refused form ``key`` as it was filled in, with the errors it was refused with (not
        validated again: a file that was too large is not there any more, a service's answer is
        not asked again). None when that form was not the refused one."""
        kept = self.forms.get(key)
        if kept is None:
            return None
        data = QueryDict(mutable=True)
        for name, values in kept["data"].items():
            data.setlist(name, values if isinstance(values, list) else [values])
        form = form_class(data, **kwargs)
        form._errors, form.cleaned_data = ErrorDict(), {}  # bound, with the kept errors only
        for name, errors in kept["errors"].items():
            target = name if name in form.fields else None
            form.add_error(target, [ValidationError(e["message"], code=e.get("code") or None) for e in errors])
        return form


def refusal_take(request, page: str) -> Refusal:
    """What the last refusal on ``page`` left to show (empty when there was none), once."""
    store = dict(request.session.get(_REFUSED) or {})
    kept = store.pop(page, None)
    if kept is None:
        return Refusal()
    if store:
        request.session[_REFUSED] = store
    else:
        request.session.pop(_REFUSED, None)
    return Refusal(forms=kept.get("forms") or {}, shown=kept.get("shown") or {})


class ListFiltersForm(forms.Form):
    """A list page's query parameters (its filters and search), bound to ``request.GET``. A value the
    list cannot use (a stale bookmark's status, a NUL character) is left out of the filters and
    shown as an error on the page (``_filter_errors.html``, with ``filter_form`` in the context):
    the page answers, and says what it ignored."""

    def filters(self) -> dict:
        """The filters that are set and valid (the invalid ones are the form's errors)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None, False)}

    def error_text(self) -> str:
        return " ".join(
            f"{self.fields[name].label or name}: {message}" if name in self.fields else message
            for name, messages in self.errors.items()
            for message in messages
        )


class ApiTokenForm(forms.Form):
    """The API tokens page: make a named token."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, to recognise it in the list (a script, a server)."),
    )

"""Form helpers shared by every app's pages, and the portal's own forms."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: under its field where the form has one,
    otherwise at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


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
        max_length=100,
        help_text="What the token is for, to recognise it in the list (a script, a server).",
    )

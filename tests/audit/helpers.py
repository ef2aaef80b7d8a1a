"""What the audit tests share: the events written, and a back-office form's data as it stands."""

from __future__ import annotations

import datetime as dt

from accountteam.models import AuditEvent


def events(action: str | None = None) -> list[AuditEvent]:
    rows = AuditEvent.objects.order_by("id")
    return list(rows.filter(action=action) if action else rows)


def _put(data: dict, name: str, value) -> None:
    if value is None:
        data[name] = ""
    elif isinstance(value, bool):
        if value:
            data[name] = "on"
    elif isinstance(value, list | tuple):
        data[name] = [str(v) for v in value]
    elif isinstance(value, dt.datetime):
        data[name] = value.strftime("%Y-%m-%d %H:%M:%S")
    else:
        data[name] = str(value)


def _put_field(data: dict, bound) -> None:
    _put(data, bound.html_name, bound.value())
    if bound.field.show_hidden_initial:  # a field with a callable default sends its initial value too
        _put(data, bound.html_initial_name, bound.value())


def admin_form_data(response) -> dict:
    """The POST a back-office add or change page would send unchanged (its form and inlines)."""
    data: dict = {}
    for bound in response.context["adminform"].form:
        _put_field(data, bound)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound in formset.management_form:
            _put(data, bound.html_name, bound.value())
        for form in formset.forms:
            for bound in form:
                _put_field(data, bound)
    return data

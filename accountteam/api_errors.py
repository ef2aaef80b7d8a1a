"""How the API answers a service's refusals: the same mapping for every app."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError


class Conflict(APIException):
    """409: the action is not allowed in the object's current state."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "Not allowed in the current state."

    def __init__(self, detail: str | dict):
        super().__init__(detail)
        if isinstance(detail, dict):
            self.detail = detail  # as given: ids stay numbers (DRF would turn every value into text)


def service_caller(*conflicts: type[Exception], conflict_detail: Callable[[Exception], str | dict] = str):
    """A ``call(service, **kwargs)`` that runs a service and turns its errors into API answers:
    ValidationError → 400 with field messages, PermissionDenied → 403, ``conflicts`` → 409
    (with ``conflict_detail(exc)`` as the body's detail)."""

    def call(service, **kwargs):
        try:
            return service(**kwargs)
        except conflicts as exc:
            raise Conflict(conflict_detail(exc)) from exc
        except DjangoValidationError as exc:
            raise ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            ) from exc
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc) or None) from exc

    return call

"""How the API answers errors: one mapping for every app, installed as DRF's exception handler.

Shapes (documented in the schema through ``ERROR_RESPONSES``):
- 400: ``{"<field>": ["message", ...], "non_field_errors": ["message", ...]}``, from a
  serializer or a service's ``ValidationError`` alike;
- 401, 403, 404, 405, 429: ``{"detail": "message"}``;
- 409: ``{"detail": "message", ...}``, with what the conflict adds (a handoff's ``blockers``).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import StateConflict


class Conflict(APIException):
    """409: the action is not allowed in the object's current state."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "Not allowed in the current state."

    def __init__(self, detail: str, extra: dict | None = None):
        super().__init__(detail)
        # As given: ids in ``extra`` stay numbers (DRF would turn every value into text).
        self.detail = {"detail": str(detail), **(extra or {})}


def field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as the API's field messages."""
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def exception_handler(exc, context):
    """DRF's handler, taught the services' errors: Django's ValidationError is a 400 with field
    messages and a ``StateConflict`` a 409 (DRF already answers PermissionDenied and Http404)."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(field_errors(exc))
    elif isinstance(exc, StateConflict):
        exc = Conflict(str(exc), exc.extra())
    return drf_exception_handler(exc, context)


class ServiceActionsMixin:
    """For viewsets whose actions call services. The object is fetched (404 when out of scope)
    before the body is read; ``validated`` reads it with a serializer, the service's refusals
    reach ``exception_handler``, and ``detail_response`` answers with ``detail_serializer_class``."""

    detail_serializer_class: type[serializers.BaseSerializer]

    def fetch_detail(self, pk):
        """The object as its detail serializer reads it (with its prefetches)."""
        return self.get_object()

    def validated(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def detail_response(self, instance_or_pk, code: int = status.HTTP_200_OK):
        instance = instance_or_pk if hasattr(instance_or_pk, "pk") else self.fetch_detail(instance_or_pk)
        return Response(self.detail_serializer_class(instance, context=self.get_serializer_context()).data, status=code)


FieldErrorsSerializer = inline_serializer(
    "FieldErrors",
    {"non_field_errors": serializers.ListField(child=serializers.CharField(), required=False)},
)
DetailSerializer = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})

ERROR_RESPONSES = {
    400: OpenApiResponse(
        FieldErrorsSerializer,
        description="Bad input: a list of messages under each field's name, and under `non_field_errors`.",
    ),
    403: OpenApiResponse(DetailSerializer, description="Not allowed for the caller."),
    404: OpenApiResponse(DetailSerializer, description="Not found, or not yours: the same answer."),
    409: OpenApiResponse(DetailSerializer, description="Not possible in the object's current state."),
}

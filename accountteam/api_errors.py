"""How the API answers errors: one mapping for every app, installed as DRF's exception handler.

Shapes (documented in the schema through ``ERROR_RESPONSES``):
- 400: ``{"<field>": ["message", ...], "non_field_errors": ["message", ...]}``, from a
  serializer or a service's ``ValidationError`` alike;
- 401, 403, 404, 405, 429: ``{"detail": "message"}``;
- 409: ``{"detail": "message", ...}``, with what the conflict adds (a handoff's ``blockers``).

The schema documents them on every operation that can answer them (``AutoSchema``); a URL that
routes nowhere under ``/api/`` answers the same 404 (``not_found``), and ids route only as numbers
(``ID_LOOKUP``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponseServerError, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template import TemplateDoesNotExist, loader
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import StateConflict
from .uploads import UploadTooLarge


class Conflict(APIException):
    """409: the action is not allowed in the object's current state."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("Not allowed in the current state.")

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
    messages and a ``StateConflict`` a 409 (DRF already answers PermissionDenied and Http404); a
    file over the upload limit, refused before it was read, is a 400 under its field."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(field_errors(exc))
    elif isinstance(exc, UploadTooLarge):
        exc = ValidationError({exc.field: [str(exc)]})
    elif isinstance(exc, StateConflict):
        exc = Conflict(str(exc), exc.extra())
    elif isinstance(exc, ValidationError) and not isinstance(exc.detail, dict):
        # A refusal that names no field (DRF's own, such as a search's) has the 400's one shape.
        exc = ValidationError({api_settings.NON_FIELD_ERRORS_KEY: exc.detail})
    return drf_exception_handler(exc, context)


class ServiceActionsMixin:
    """For viewsets whose actions call services. ``action_object`` fetches the object (404 when out
    of scope) and checks the action's permission classes (403) before the body is read;
    ``validated`` reads it with a serializer, the service's refusals reach ``exception_handler``,
    and ``detail_response`` answers with ``detail_serializer_class``."""

    detail_serializer_class: type[serializers.BaseSerializer]

    def fetch_detail(self, pk):
        """The object as its detail serializer reads it (with its prefetches)."""
        return self.get_object()

    def action_object(self):
        """The route's object: found in the caller's scope (404), then allowed by the action's
        permission classes (403), both before the body is read."""
        instance = self.fetch_detail(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        self.check_object_permissions(self.request, instance)
        return instance

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

# A viewset's ``lookup_value_regex``: ids are numbers, so a route with anything else in their place
# (``/api/v1/handoffs/abc/``) matches nothing and answers 404 (``not_found``), never a 500.
ID_LOOKUP = r"\d+"


# Answers that follow from what an operation is rather than from what it does: every operation
# documents them (``AutoSchema``), a view documents the others (409, a 403 on a read) itself.
IMPLIED_RESPONSES = {
    **ERROR_RESPONSES,
    401: OpenApiResponse(DetailSerializer, description="Not signed in: no credentials, or bad ones."),
    415: OpenApiResponse(DetailSerializer, description="A body in a media type the operation does not read."),
    429: OpenApiResponse(DetailSerializer, description="Too many requests: try again later."),
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema, with the errors an operation can answer because of its shape:

    - 400 where it reads a body or query parameters (a bad value, a NUL character);
    - 401 where it needs a signed-in caller;
    - 403 on a write (the caller's rights, and the CSRF check of a session);
    - 404 where its path names an object (one not in the caller's scope, or an id that cannot
      exist), on a paginated list (a page past the end) and where it takes ``?format=`` (one it
      does not serve);
    - 415 where it reads a body (one in another media type, or none named; a session's CSRF check
      reads the body first, so this can come before a 403);
    - 429 where it is throttled.
    """

    # Query parameters a bad value of which is a 404 (DRF's pagination and format), not a 400.
    NOT_FOUND_PARAMETERS = frozenset({"page", "format"})

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._implied_codes(operation):
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(IMPLIED_RESPONSES[code], str(code))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _resolve_path_parameters(self, variables):
        # An id matched by ``ID_LOOKUP`` (or a ``\d+`` group) is an integer, as the model says.
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"] == {"type": "string", "pattern": f"^{ID_LOOKUP}$"}:
                parameter["schema"] = {"type": "integer"}
        return parameters

    def _implied_codes(self, operation) -> set[int]:
        parameters = operation.get("parameters", [])
        query = {parameter["name"] for parameter in parameters if parameter["in"] == "query"}
        codes = set()
        if "requestBody" in operation or query - self.NOT_FOUND_PARAMETERS:
            codes.add(400)
        if "requestBody" in operation:
            codes.add(415)
        if any(not isinstance(p, permissions.AllowAny) for p in self.view.get_permissions()):
            codes.add(401)
        if self.method not in permissions.SAFE_METHODS:
            codes.add(403)
        if any(parameter["in"] == "path" for parameter in parameters) or query & self.NOT_FOUND_PARAMETERS:
            codes.add(404)
        if self.view.get_throttles():
            codes.add(429)
        return codes


def not_found(request, exception):
    """``handler404``: a URL that routes nowhere (``/api/v1/handoffs/abc/``) answers the API's
    404 under ``/api/``, and the page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=status.HTTP_404_NOT_FOUND)
    try:
        return defaults.page_not_found(request, exception)
    except MultiPartParserError:
        # The page's CSRF check read a POST body that cannot be parsed (a multipart body without
        # its boundary); that leaves the form empty, so the page renders the second time.
        return defaults.page_not_found(request, exception)



def server_error(request):
    """``handler500``: the API's JSON under ``/api/``, otherwise the portal's own page. Rendered from
    settings alone, without the request's context processors or the database: either may be what
    failed."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Server error.")}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    try:
        template = loader.get_template(defaults.ERROR_500_TEMPLATE_NAME)
    except TemplateDoesNotExist:
        return defaults.server_error(request)
    context = {
        "carrier_name": settings.CARRIER_NAME,
        "carrier_support_phone": settings.CARRIER_SUPPORT_PHONE,
        "carrier_repair_phone": settings.CARRIER_REPAIR_PHONE,
    }
    return HttpResponseServerError(template.render(context))

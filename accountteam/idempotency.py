"""``Idempotency-Key`` for API create requests: a client that timed out can send the same
request again and gets the first answer instead of a second item.

The first answer is stored in the transaction that created the item, so either both exist or
neither does. A key is the client's: per user and endpoint, kept for ``IDEMPOTENCY_KEY_HOURS``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from .models import IdempotentRequest

HEADER = "Idempotency-Key"
MAX_LENGTH = 200

PARAMETER = OpenApiParameter(
    HEADER,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID, say), at most 200 printable characters. Sent again with the "
        "same body, the request is answered as the first time (`Idempotent-Replayed: true`) and "
        "creates nothing; with another body it is refused with 400."
    ),
)


def _fingerprint(data) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, default=str).encode()).hexdigest()


def _replay(row: IdempotentRequest, fingerprint: str) -> Response:
    if row.fingerprint != fingerprint:
        # Translators: the key is the request's Idempotency-Key header.
        raise ValidationError({HEADER: [_("This key was used for a request with another body.")]})
    return Response(row.response, status=row.status_code, headers={"Idempotent-Replayed": "true"})


def idempotent(create):
    """Decorate a viewset's ``create``: honour the ``Idempotency-Key`` header when it is sent."""

    @functools.wraps(create)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return create(self, request, *args, **kwargs)
        if not key or len(key) > MAX_LENGTH or not key.isprintable():
            refusal = ngettext(
                # Translators: about the request's Idempotency-Key header.
                "Send at most %(count)s printable character.",
                "Send at most %(count)s printable characters.",
                MAX_LENGTH,
            ) % {"count": MAX_LENGTH}
            raise ValidationError({HEADER: [refusal]})
        endpoint, fingerprint = request.path, _fingerprint(request.data)
        mine = IdempotentRequest.objects.filter(user=request.user, endpoint=endpoint, key=key)
        row = mine.first()
        if row is not None:
            return _replay(row, fingerprint)
        try:
            with transaction.atomic():
                response = create(self, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    IdempotentRequest.objects.create(
                        user=request.user, endpoint=endpoint, key=key, fingerprint=fingerprint,
                        status_code=response.status_code,
                        response=json.loads(json.dumps(response.data, cls=DjangoJSONEncoder)),
                    )
        except IntegrityError:
            # The same key raced in from a second connection and won: this request's item was
            # rolled back with it; answer as the winner was answered.
            return _replay(mine.get(), fingerprint)
        return response

    return wrapper


def idempotent_requests_expire(*, now: dt.datetime | None = None) -> int:
    """Forget keys older than ``IDEMPOTENCY_KEY_HOURS`` (beat, hourly)."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted

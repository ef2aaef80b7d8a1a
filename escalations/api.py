"""REST API for escalations (/api/v1/escalations/). Same services as the pages."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accountteam import bounds, idempotency
from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from teams.api import STAFF_WRITES, PersonBriefSerializer
from teams.models import Account, Person
from teams.scoping import staff_person

from . import rules, selectors, services
from .models import RAISABLE_CATEGORIES, Availability, Category, Channel, Escalation, Event, Status

# --- Serializers ------------------------------------------------------------------------------


class EscalationSerializer(serializers.ModelSerializer):
    assignee = PersonBriefSerializer(read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    account_number = serializers.CharField(source="account.number", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Escalation
        fields = [
            "id",
            "company",
            "company_name",
            "account",
            "account_number",
            "channel",
            "category",
            "subject",
            "description",
            "status",
            "level",
            "assignee",
            "availability",
            "received_at",
            "target_at",
            "due_at",
            "next_deadline_at",
            "follow_up_on",
            "first_response_at",
            "resolved_at",
            "escalation_reason",
            "is_overdue",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def to_representation(self, obj):
        data = super().to_representation(obj)
        request = self.context.get("request")
        if request is not None and staff_person(request.user) is None:
            # Why staff escalated is theirs; the customer reads what they were told on the timeline.
            data["escalation_reason"] = ""
        return data


class EscalationCreateSerializer(serializers.Serializer):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none())
    channel = serializers.ChoiceField(choices=Channel.choices)
    category = serializers.ChoiceField(
        choices=RAISABLE_CATEGORIES, help_text="Post-mortems are requested at postmortems/."
    )
    subject = serializers.CharField(max_length=bounds.SUBJECT)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.DESCRIPTION)
    received_at = bounds.datetime_api_field(required=False, help_text="Staff only: when the contact arrived.")
    availability = serializers.ChoiceField(
        choices=Availability.choices,
        required=False,
        help_text="Staff only: the assignee's availability when the contact arrived.",
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), required=False, help_text="Staff only: someone else than the account's manager."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Another company's account is simply not found among the caller's accounts.
            self.fields["account"].queryset = Account.objects.visible_to(request.user)
            self.fields["assignee"].queryset = Person.objects.visible_to(request.user).filter(is_active=True)



class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.COMMENT)


class AcknowledgeSerializer(CommentSerializer):
    follow_up_on = bounds.date_api_field(
        required=False,
        allow_null=True,
        help_text="The date by which the customer will be contacted (required for email and complaints).",
    )


TELL_CUSTOMER_HELP = "Share the reason with the customer (they will read it). By default it stays internal."


class EscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=bounds.COMMENT)
    tell_customer = serializers.BooleanField(default=False, help_text=TELL_CUSTOMER_HELP)


class ReassignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.COMMENT)
    tell_customer = serializers.BooleanField(default=False, help_text=TELL_CUSTOMER_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["assignee"].queryset = Person.objects.visible_to(request.user).filter(is_active=True)


class NoteSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=bounds.COMMENT)
    internal = serializers.BooleanField(default=False, help_text="Staff only: hidden from the customer.")


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = Event
        fields = ["id", "at", "kind", "actor_name", "comment", "internal", "data"]


# --- Filters ------------------------------------------------------------------------------------


class EscalationFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    category = django_filters.ChoiceFilter(choices=Category.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Only overdue (true) or not (false)")
    due_before = django_filters.IsoDateTimeFilter(
        field_name="next_deadline_at", lookup_expr="lt", validators=[bounds.validate_date]
    )

    class Meta:
        model = Escalation
        fields = ["status", "channel", "category", "assignee", "company", "account", "level"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue()
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


# --- Viewset ------------------------------------------------------------------------------------


_ACTION_DOC = dict(responses={200: EscalationSerializer, **ERROR_RESPONSES})


class EscalationViewSet(ServiceActionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Customer contacts and escalations with their deadlines (ISO 8601 instants)."""

    serializer_class = detail_serializer_class = EscalationSerializer
    lookup_value_regex = ID_LOOKUP
    filterset_class = EscalationFilter
    search_fields = ["subject", "account__number", "company__name"]
    ordering_fields = ["received_at", "next_deadline_at", "due_at"]

    def get_queryset(self):
        return selectors.escalation_list(user=self.request.user).order_by("-received_at")

    @extend_schema(
        request=EscalationCreateSerializer, responses={201: EscalationSerializer, **ERROR_RESPONSES},
        parameters=[idempotency.PARAMETER],
    )
    @idempotency.idempotent
    def create(self, request, *args, **kwargs):
        serializer = EscalationCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        item = services.escalation_create(actor=request.user, **serializer.validated_data)
        return self.detail_response(item, status.HTTP_201_CREATED)

    @extend_schema(request=AcknowledgeSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def acknowledge(self, request, pk=None):
        item = self.get_object()
        data = self.validated(AcknowledgeSerializer)
        return self.detail_response(
            services.escalation_acknowledge(actor=request.user,
                escalation=item,
                follow_up_on=data.get("follow_up_on"),
                comment=data["comment"],
            )
        )

    @extend_schema(request=CommentSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def respond(self, request, pk=None):
        return self._simple(services.escalation_respond)

    @extend_schema(request=CommentSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], url_path="wait-on-customer", permission_classes=STAFF_WRITES)
    def wait_on_customer(self, request, pk=None):
        return self._simple(services.escalation_wait)

    @extend_schema(request=CommentSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def resume(self, request, pk=None):
        return self._simple(services.escalation_resume)

    @extend_schema(request=CommentSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def resolve(self, request, pk=None):
        return self._simple(services.escalation_resolve)

    @extend_schema(request=CommentSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def cancel(self, request, pk=None):
        return self._simple(services.escalation_cancel)

    @extend_schema(request=EscalateSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def escalate(self, request, pk=None):
        item = self.get_object()
        data = self.validated(EscalateSerializer)
        return self.detail_response(
            services.escalation_escalate(
                actor=request.user, escalation=item, reason=data["reason"], tell_customer=data["tell_customer"]
            )
        )

    @extend_schema(request=ReassignSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def reassign(self, request, pk=None):
        item = self.get_object()
        data = self.validated(ReassignSerializer)
        return self.detail_response(
            services.escalation_reassign(
                actor=request.user, escalation=item, assignee=data["assignee"], reason=data["reason"],
                tell_customer=data["tell_customer"],
            )
        )

    @extend_schema(request=NoteSerializer, responses={201: EventSerializer, **ERROR_RESPONSES})
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        """Add a comment to the timeline (customers and staff) or, for staff, an internal note."""
        item = self.get_object()
        data = self.validated(NoteSerializer)
        event = services.escalation_comment(actor=request.user,
            escalation=item,
            comment=data["comment"],
            internal=data["internal"],
        )
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: EventSerializer(many=True)})
    # The whole timeline (not a page), and none of the list's filters.
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        """The item's timeline; customers do not see internal notes."""
        events = selectors.timeline(user=request.user, escalation=self.get_object())
        return Response(EventSerializer(events, many=True).data)

    def _simple(self, service):
        item = self.get_object()
        data = self.validated(CommentSerializer)
        return self.detail_response(service(actor=self.request.user, escalation=item, comment=data["comment"]))


# --- The queue ------------------------------------------------------------------------------------


class QueueParamsSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[s for s in Status.choices if s[0] not in rules.CLOSED], required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    company = serializers.IntegerField(required=False, min_value=1)
    level = serializers.IntegerField(required=False, min_value=1, max_value=rules.MAX_LEVEL)
    state = serializers.ChoiceField(choices=rules.QUEUE_STATES, required=False)
    q = serializers.CharField(required=False, allow_blank=True)


class QueueItemSerializer(EscalationSerializer):
    state = serializers.CharField(source="queue_state", help_text="on_track, at_risk, overdue or paused")
    time_left = serializers.SerializerMethodField(help_text="Wall-clock time to the next deadline, in words")

    class Meta(EscalationSerializer.Meta):
        fields = [*EscalationSerializer.Meta.fields, "state", "time_left"]
        read_only_fields = fields

    def get_time_left(self, obj) -> str:
        if obj.queue_state == rules.PAUSED:
            return "clock stopped"
        return rules.time_left_words(obj.next_deadline_at, self.context["now"])


@extend_schema(
    parameters=[QueueParamsSerializer],
    responses={200: QueueItemSerializer(many=True), 400: ERROR_RESPONSES[400], 403: ERROR_RESPONSES[403]},
    description=(
        "The caller's queue (carrier staff): their open items and those of the people they back up "
        "while those are out, next deadline first — the same filters and order as the queue page."
    ),
)
class QueueView(generics.ListAPIView):
    serializer_class = QueueItemSerializer
    filter_backends: list = []

    def get_queryset(self):
        if staff_person(self.request.user) is None:
            raise PermissionDenied("The queue is for the carrier's staff.")
        params = QueueParamsSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.queue_list(user=self.request.user, filters=params.validated_data, now=self._now)

    def get_serializer_context(self):
        return super().get_serializer_context() | {"now": self._now}

    def list(self, request, *args, **kwargs):
        self._now = timezone.now()
        return super().list(request, *args, **kwargs)

"""REST API for escalations (/api/v1/escalations/). Same services as the pages."""

from __future__ import annotations

import django_filters
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accountteam import bounds, idempotency
from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from dossiers.models import Meeting
from teams.api import STAFF_WRITES, IsCarrierStaffForWrites, PersonBriefSerializer
from teams.models import Account, Person
from teams.scoping import staff_person

from . import customer_actions, rules, scheduling, selectors, services
from .customer_notices import is_following
from .event_words import event_line
from .following import STAFF_DO_NOT_FOLLOW, escalation_follow, with_following
from .models import RAISABLE_CATEGORIES, Availability, Category, Channel, Escalation, Event, Status, Topic

# --- Serializers ------------------------------------------------------------------------------


class EscalationMeetingSerializer(serializers.ModelSerializer):
    """The dossier meeting a scheduled call or meeting became."""

    ends_at = serializers.DateTimeField(read_only=True)
    ics_url = serializers.SerializerMethodField(
        help_text="The meeting's calendar file (.ics): staff, and customers with the view-team right."
    )

    class Meta:
        model = Meeting
        fields = ["id", "title", "starts_at", "ends_at", "duration_minutes", "location", "sequence", "ics_url"]
        read_only_fields = fields

    def get_ics_url(self, obj) -> str:
        return reverse("meeting_ics", args=[obj.pk])


class EscalationSerializer(serializers.ModelSerializer):
    assignee = PersonBriefSerializer(read_only=True)
    company_name = serializers.CharField(source="company.name", read_only=True)
    account_number = serializers.CharField(source="account.number", read_only=True)
    is_overdue = serializers.SerializerMethodField()
    meeting = EscalationMeetingSerializer(
        read_only=True, allow_null=True, help_text="A conference call or meeting once staff scheduled it; else null."
    )
    following = serializers.SerializerMethodField(
        help_text="Customers: whether you get this item's notices (you raised it or follow it, and did not "
        "stop). Null for the carrier's staff."
    )
    topic = serializers.ChoiceField(
        choices=[("", "No sub-topic"), *Topic.choices],
        read_only=True,
        help_text="The sub-topic that routed the item; empty where its category has none.",
    )

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
            "topic",
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
            "following",
            "requested_start",
            "requested_minutes",
            "meeting",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue()

    def get_following(self, obj) -> bool | None:
        request = self.context.get("request")
        if request is None or staff_person(request.user) is not None:
            return None
        # Lists and details carry it from the query (``with_following``); a new item asks.
        annotated = getattr(obj, "following", None)
        return annotated if annotated is not None else is_following(obj, request.user)

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
    topic = serializers.ChoiceField(
        choices=Topic.choices,
        required=False,
        allow_blank=True,
        help_text="The sub-topic, for a category the routing splits between sales and service ("
        + "; ".join(f"{category}: {' or '.join(topics)}" for category, topics in rules.TOPICS.items())
        + "). A sub-topic of another category is a 400.",
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
    requested_start = bounds.datetime_api_field(
        required=False,
        allow_null=True,
        help_text="A conference call or meeting: when the customer would like it (required from customers, "
        "in the future; other channels: a 400).",
    )
    requested_minutes = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=scheduling.MIN_MINUTES,
        max_value=bounds.MAX_MEETING_MINUTES,
        help_text="A conference call or meeting: how long it should last, in minutes (required from customers).",
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
    reason = serializers.CharField(
        max_length=bounds.COMMENT,
        help_text="Why it goes to the director. A customer's reason is their own and public (the timeline, "
        "the director's and the followers' notices).",
    )
    tell_customer = serializers.BooleanField(
        default=False, help_text=f"Staff only. {TELL_CUSTOMER_HELP} (A customer's reason is always public.)"
    )


class EscalationCancelSerializer(CommentSerializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=bounds.COMMENT,
        help_text="Customers (required): why you cancel the item; the assignee reads it. Staff write `comment`.",
    )


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=bounds.COMMENT, help_text="What is still not solved; the assignee reads it."
    )


class RecategorizeSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=RAISABLE_CATEGORIES)


class ReassignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.COMMENT)
    tell_customer = serializers.BooleanField(default=False, help_text=TELL_CUSTOMER_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["assignee"].queryset = Person.objects.visible_to(request.user).filter(is_active=True)


class ScheduleSerializer(serializers.Serializer):
    starts_at = bounds.datetime_api_field(help_text="When the call or meeting starts (in the future).")
    duration_minutes = serializers.IntegerField(
        min_value=scheduling.MIN_MINUTES, max_value=bounds.MAX_MEETING_MINUTES, help_text="How long it lasts."
    )
    location = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=bounds.LINE, help_text="Room, address or dial-in."
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=bounds.COMMENT, help_text="The customer reads it."
    )


class NoteSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=bounds.COMMENT)
    internal = serializers.BooleanField(default=False, help_text="Staff only: hidden from the customer.")


class EventSerializer(serializers.ModelSerializer):
    line = serializers.SerializerMethodField(
        help_text="The event in a sentence: who acted and what changed (as the caller may read it)."
    )

    class Meta:
        model = Event
        fields = ["id", "at", "kind", "actor_name", "line", "comment", "internal", "data"]

    def get_line(self, obj) -> str:
        # ``selectors.timeline`` words each event for its reader; an event just written (a comment)
        # is worded as a customer reads it, which names no one but its author.
        return getattr(obj, "line", None) or event_line(obj, staff=False)


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


class IsCustomerForWrites(IsCarrierStaffForWrites):
    """Following is for the customer's users: staff are refused (403) once the item is found in
    their scope (404 first), before anything else is read."""

    message = gettext_lazy(STAFF_DO_NOT_FOLLOW)  # the message id is marked in ``following``

    def may_write(self, user, obj) -> bool:
        return staff_person(user) is None


CUSTOMER_WRITES = [permissions.IsAuthenticated, IsCustomerForWrites]


class MayTakeCustomerAction(IsCarrierStaffForWrites):
    """The route's customer action (``escalate``, ``cancel``, ``reopen``): a customer whom
    ``customer_actions.customer_refusal`` lets take it, or, where ``staff_too``, the carrier's staff
    (who take their own action of that name). Anyone else is refused (403, saying why) once the item
    is found in their scope (404 first), before the body is read."""

    staff_too = False

    def has_object_permission(self, request, view, obj):
        if request.method in permissions.SAFE_METHODS:
            return True
        if self.staff_too and staff_person(request.user) is not None:
            return True
        refusal = customer_actions.customer_refusal(user=request.user, escalation=obj, action=view.action)
        self.message = refusal or self.message
        return refusal is None


class StaffOrMayTakeCustomerAction(MayTakeCustomerAction):
    staff_too = True


STAFF_OR_CUSTOMER_ACTION = [permissions.IsAuthenticated, StaffOrMayTakeCustomerAction]
CUSTOMER_ACTION = [permissions.IsAuthenticated, MayTakeCustomerAction]


class EscalationViewSet(ServiceActionsMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Customer contacts and escalations with their deadlines (ISO 8601 instants)."""

    serializer_class = detail_serializer_class = EscalationSerializer
    lookup_value_regex = ID_LOOKUP
    filterset_class = EscalationFilter
    search_fields = ["subject", "account__number", "company__name"]
    # Without ``ordering``: most urgent first (overdue, then the next deadline, then newest).
    ordering_fields = ["received_at", "next_deadline_at", "due_at", "subject", "status"]

    def get_queryset(self):
        items = selectors.escalation_list_order(selectors.escalation_list(user=self.request.user))
        if self.request.user.is_authenticated and staff_person(self.request.user) is None:
            items = with_following(items, user=self.request.user)
        return items

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

    @extend_schema(request=None, **_ACTION_DOC)
    @action(detail=True, methods=["post"], url_path="undo-resolve", permission_classes=STAFF_WRITES)
    def undo_resolve(self, request, pk=None):
        """Undo your own resolution of the item within 10 minutes of it (staff): it is open again
        with the status it had, its deadlines as the clock stood, and a public "resumed" event on
        the timeline; the customer gets no notice. Someone else's resolution, an item that is not
        resolved, or once 10 minutes have passed, answers 409. No body."""
        item = self.get_object()
        return self.detail_response(services.escalation_undo_resolve(actor=request.user, escalation=item))

    @extend_schema(request=EscalationCancelSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_OR_CUSTOMER_ACTION)
    def cancel(self, request, pk=None):
        """Cancel an open item. Staff, with an optional `comment`; the customer user who raised it
        (raised by mistake, no longer needed), with a `reason`; other customer users get 403."""
        item = self.get_object()
        data = self.validated(EscalationCancelSerializer)
        if staff_person(request.user) is not None:
            return self.detail_response(
                services.escalation_cancel(actor=request.user, escalation=item, comment=data["comment"])
            )
        return self.detail_response(
            customer_actions.escalation_customer_cancel(actor=request.user, escalation=item, reason=data["reason"])
        )

    @extend_schema(request=EscalateSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_OR_CUSTOMER_ACTION)
    def escalate(self, request, pk=None):
        """Take the item to the assignee's director (level 2; once there, 409). Staff: the reason stays
        internal unless `tell_customer`. Customer users with the escalation right: the reason is
        theirs, and public."""
        item = self.get_object()
        data = self.validated(EscalateSerializer)
        if staff_person(request.user) is None:
            escalated = customer_actions.escalation_customer_escalate(
                actor=request.user, escalation=item, reason=data["reason"]
            )
            return self.detail_response(escalated)
        return self.detail_response(
            services.escalation_escalate(
                actor=request.user, escalation=item, reason=data["reason"], tell_customer=data["tell_customer"]
            )
        )

    @extend_schema(request=ReopenSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=CUSTOMER_ACTION)
    def reopen(self, request, pk=None):
        """Reopen a resolved item (customer users with the escalation right) within
        `ESCALATION_REOPEN_BUSINESS_DAYS` business days of its resolution, on a fresh clock; later, or
        a cancelled item, 409 (raise a new item). Staff get 403."""
        item = self.get_object()
        data = self.validated(ReopenSerializer)
        return self.detail_response(
            customer_actions.escalation_reopen(actor=request.user, escalation=item, reason=data["reason"])
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

    @extend_schema(request=RecategorizeSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def recategorize(self, request, pk=None):
        """Correct an open item's category (staff); its deadlines stay as they were set. 409 when
        the item is closed."""
        item = self.get_object()
        data = self.validated(RecategorizeSerializer)
        return self.detail_response(
            services.escalation_recategorize(actor=request.user, escalation=item, category=data["category"])
        )

    @extend_schema(request=ScheduleSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def schedule(self, request, pk=None):
        """Schedule a requested conference call or meeting (staff): it becomes a meeting in the
        account's dossier, the customer who asked is e-mailed an invitation (invite.ics), and the
        meeting's end is the item's next deadline. 409 when the item is not an open, unscheduled
        call or meeting."""
        return self._schedule(scheduling.escalation_schedule)

    @extend_schema(request=ScheduleSerializer, **_ACTION_DOC)
    @action(detail=True, methods=["post"], permission_classes=STAFF_WRITES)
    def reschedule(self, request, pk=None):
        """Move a scheduled call or meeting (staff): the dossier meeting's next revision, invited
        again, and the new time the next deadline. 409 when it is not scheduled (or closed)."""
        return self._schedule(scheduling.escalation_reschedule)

    def _schedule(self, service):
        item = self.get_object()
        data = self.validated(ScheduleSerializer)
        return self.detail_response(service(actor=self.request.user, escalation=item, **data))

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

    @extend_schema(request=None, responses={200: EscalationSerializer})
    @action(detail=True, methods=["post"], permission_classes=CUSTOMER_WRITES)
    def follow(self, request, pk=None):
        """Follow the item (the customer's users): get its notices, those not muted in your settings.
        Doing it again changes nothing; staff get 403 (they get the notices as the assignee)."""
        return self._follow(True)

    @extend_schema(request=None, responses={200: EscalationSerializer})
    @action(detail=True, methods=["post"], permission_classes=CUSTOMER_WRITES)
    def unfollow(self, request, pk=None):
        """Stop following the item: no more of its notices (its raiser too). Doing it again changes
        nothing; staff get 403."""
        return self._follow(False)

    def _follow(self, following: bool):
        item = self.get_object()
        escalation_follow(user=self.request.user, escalation=item, following=following)
        return self.detail_response(item.pk)  # read again: ``following`` as it is now

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
            return _("clock stopped")
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
            raise PermissionDenied(_("The queue is for the carrier's staff."))
        params = QueueParamsSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return selectors.queue_list(user=self.request.user, filters=params.validated_data, now=self._now)

    def get_serializer_context(self):
        return super().get_serializer_context() | {"now": self._now}

    def list(self, request, *args, **kwargs):
        self._now = timezone.now()
        return super().list(request, *args, **kwargs)

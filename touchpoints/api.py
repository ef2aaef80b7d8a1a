"""REST API for regular reviews (/api/v1/review-plan-items/, /api/v1/review-occurrences/,
/api/v1/review-action-items/): the same services and selectors as the pages.

Customers read their company's plan, its held reviews and their action items; every write is the
staff's, refused (403) before the body is read, as is a plan write by someone who directs no one."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action

from accountteam import bounds
from accountteam.api_errors import ERROR_RESPONSES, ID_LOOKUP, ServiceActionsMixin
from dossiers.models import Contact
from teams.api import IsCarrierStaffForWrites, PersonBriefSerializer
from teams.models import Account, Company, Membership, Person, Role
from teams.scoping import staff_person

from . import selectors, services
from .models import ActionItem, Cadence, Kind, Occurrence, PlanItem

MAX_ID = 2_147_483_647


def _owner_shown(serializer, company_id: int) -> bool:
    """Staff see every owner; customers only with the right to see their company's team."""
    context = serializer.context
    return context.get("is_staff", False) or company_id in context.get("team_companies", ())


class _OwnerMixin:
    """Builds the context the serializers' owner fields read (one query for a customer)."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["is_staff"] = staff_person(user) is not None
        if not context["is_staff"] and user.is_authenticated:
            context["team_companies"] = set(
                Membership.objects.filter(user=user, can_view_team=True).values_list("company_id", flat=True)
            )
        return context


# --- Serializers ------------------------------------------------------------------------------


class NextOccurrenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    due_on = serializers.DateField()
    due_at = serializers.DateTimeField(
        allow_null=True, help_text="Close of business of the due date on the owner's calendar."
    )
    owner = PersonBriefSerializer(allow_null=True)


class PlanItemSerializer(serializers.ModelSerializer):
    company_name = serializers.CharField(source="company.name", read_only=True)
    owner_role = serializers.SlugRelatedField(slug_field="code", read_only=True)
    next_occurrence = serializers.SerializerMethodField()

    class Meta:
        model = PlanItem
        fields = ["id", "company", "company_name", "kind", "cadence_months", "owner_role", "first_due_on",
                  "is_active", "next_occurrence"]

    @extend_schema_field(NextOccurrenceSerializer(allow_null=True))
    def get_next_occurrence(self, obj):
        occ = next(iter(getattr(obj, "open_now", None) or []), None)
        if occ is None:
            return None
        owner = occ.owner if _owner_shown(self, obj.company_id) else None
        return NextOccurrenceSerializer({"id": occ.pk, "due_on": occ.due_on, "due_at": occ.due_at,
                                         "owner": owner}).data


class PlanItemCreateSerializer(serializers.Serializer):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.none())
    kind = serializers.ChoiceField(choices=Kind.choices)
    cadence_months = serializers.ChoiceField(choices=Cadence.choices, help_text="Every 1, 3, 6 or 12 months.")
    owner_role = serializers.SlugRelatedField(slug_field="code", queryset=Role.objects.all())
    first_due_on = bounds.date_api_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # A company out of the caller's reach is a bad value, not a lookup.
            self.fields["company"].queryset = Company.objects.visible_to(request.user)


class PlanItemUpdateSerializer(serializers.Serializer):
    cadence_months = serializers.ChoiceField(choices=Cadence.choices, required=False)
    owner_role = serializers.SlugRelatedField(slug_field="code", queryset=Role.objects.all(), required=False)
    first_due_on = bounds.date_api_field(required=False)
    is_active = serializers.BooleanField(required=False)


class ActionItemSerializer(serializers.ModelSerializer):
    owner = serializers.SerializerMethodField()
    company = serializers.IntegerField(source="occurrence.plan_item.company_id", read_only=True)
    done_by = serializers.CharField(source="done_by.get_username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = ActionItem
        fields = ["id", "occurrence", "company", "description", "owner", "due_on", "state", "done_at", "done_by",
                  "done_note"]

    @extend_schema_field(PersonBriefSerializer(allow_null=True))
    def get_owner(self, obj):
        if not _owner_shown(self, obj.occurrence.plan_item.company_id):
            return None
        return PersonBriefSerializer(obj.owner).data


class OccurrenceSerializer(serializers.ModelSerializer):
    company = serializers.IntegerField(source="plan_item.company_id", read_only=True)
    company_name = serializers.CharField(source="plan_item.company.name", read_only=True)
    kind = serializers.CharField(source="plan_item.kind", read_only=True)
    owner = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()
    account = serializers.IntegerField(source="meeting.account_id", read_only=True, allow_null=True, default=None)
    action_items = ActionItemSerializer(many=True, read_only=True)

    class Meta:
        model = Occurrence
        fields = ["id", "plan_item", "company", "company_name", "kind", "due_on", "due_at", "status", "is_overdue",
                  "owner", "meeting", "account", "held_at", "agenda", "minutes", "action_items"]

    @extend_schema_field(PersonBriefSerializer(allow_null=True))
    def get_owner(self, obj):
        if obj.owner is None or not _owner_shown(self, obj.plan_item.company_id):
            return None
        return PersonBriefSerializer(obj.owner).data

    def get_is_overdue(self, obj) -> bool:
        return obj.is_overdue(timezone.now())


class ActionItemInSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=bounds.NOTE)
    owner = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_active=True))
    due_on = bounds.date_api_field()


class HoldSerializer(serializers.Serializer):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none(),
                                                 help_text="One of the company's active accounts.")
    starts_at = bounds.datetime_api_field(help_text="When the review started (not in the future).")
    duration_minutes = serializers.IntegerField(default=60, min_value=5, max_value=480)
    contacts = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Contact.objects.none()), required=False, default=list,
        max_length=50, help_text="The customer's contacts who attended: contacts of the chosen account.")
    agenda = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.NOTE)
    minutes = serializers.CharField(max_length=bounds.NOTE, help_text="Shared with the customer's users.")
    action_items = ActionItemInSerializer(many=True, required=False, default=list, max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["account"].queryset = Account.objects.visible_to(request.user)
            self.fields["contacts"].child.queryset = Contact.objects.filter(
                account__in=Account.objects.visible_to(request.user))


class DoneSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.LINE)


class PlanListParams(serializers.Serializer):
    company = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class OccurrenceListParams(PlanListParams):
    status = serializers.ChoiceField(choices=Occurrence.Status.values, required=False)
    mine = serializers.BooleanField(required=False, default=False, help_text="Staff: only the caller's.")


class ActionListParams(serializers.Serializer):
    state = serializers.ChoiceField(choices=ActionItem.State.values, required=False)
    mine = serializers.BooleanField(required=False, default=False, help_text="Staff: only the caller's.")


def _params(view, serializer_class) -> dict:
    params = serializer_class(data=view.request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data


# --- Permissions ------------------------------------------------------------------------------


class PlanWrites(IsCarrierStaffForWrites):
    """Plan writes: staff who direct someone, or carrier admins, before the body; on an item, its
    owner's director (or an admin)."""

    message = _("Only the owner's director or a carrier admin can set the review plan.")

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS or not hasattr(view, request.method.lower()) or view.detail:
            return True
        return selectors.may_set_some_plan(request.user)

    def may_write(self, user, obj) -> bool:
        return selectors.can_set_plan(user, selectors.owner_for(company_id=obj.company_id, role_id=obj.owner_role_id))


class HoldWrites(IsCarrierStaffForWrites):
    message = _("Only the review's owner, their director or a carrier admin can record it.")

    def may_write(self, user, obj) -> bool:
        return selectors.can_hold(user, obj)


class DoneWrites(IsCarrierStaffForWrites):
    message = _("Only the action's owner, the review's owner or their director can mark it done.")

    def may_write(self, user, obj) -> bool:
        return selectors.can_mark_done(user, obj)


_DOC = ERROR_RESPONSES


# --- Viewsets ---------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(parameters=[PlanListParams]))
class PlanItemViewSet(_OwnerMixin, ServiceActionsMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    """Companies' review plans: what is reviewed, how often, owned by which role, and the next
    occurrence. Staff who serve the company and the company's users read; the owner's director or a
    carrier admin writes."""

    lookup_value_regex = ID_LOOKUP
    permission_classes = [permissions.IsAuthenticated, PlanWrites]
    serializer_class = PlanItemSerializer
    detail_serializer_class = PlanItemSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        company = None
        if self.action == "list":
            company = _params(self, PlanListParams).get("company")
        rows = selectors.plan_item_list(user=self.request.user)
        return rows.filter(company_id=company) if company else rows

    def fetch_detail(self, pk) -> PlanItem:
        return selectors.plan_item_get(user=self.request.user, pk=pk)

    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(kwargs["pk"])

    @extend_schema(request=PlanItemCreateSerializer, responses={201: PlanItemSerializer, **_DOC})
    def create(self, request, *args, **kwargs):
        """Add an item to a company's plan; its first occurrence is due on ``first_due_on``."""
        data = self.validated(PlanItemCreateSerializer)
        item = services.plan_item_create(actor=request.user, **data)
        return self.detail_response(item.pk, status.HTTP_201_CREATED)

    @extend_schema(request=PlanItemUpdateSerializer, responses={200: PlanItemSerializer, **_DOC})
    def partial_update(self, request, *args, **kwargs):
        """Change the cadence, owner role or first due date, or stop (``is_active``: false) an item."""
        item = self.action_object()
        data = self.validated(PlanItemUpdateSerializer)
        services.plan_item_update(actor=request.user, item=item, **data)
        return self.detail_response(item.pk)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


@extend_schema_view(list=extend_schema(parameters=[OccurrenceListParams]))
class OccurrenceViewSet(_OwnerMixin, ServiceActionsMixin, viewsets.ReadOnlyModelViewSet):
    """Occurrences of plan items: due on their owner's calendar, then held. Customers see held
    reviews only, with their agenda, minutes and action items."""

    lookup_value_regex = ID_LOOKUP
    permission_classes = [permissions.IsAuthenticated, IsCarrierStaffForWrites]
    serializer_class = OccurrenceSerializer
    detail_serializer_class = OccurrenceSerializer

    def get_queryset(self):
        if self.action != "list":
            return Occurrence.objects.visible_to(self.request.user)
        params = _params(self, OccurrenceListParams)
        return selectors.occurrence_list(
            user=self.request.user, status=params.get("status"), company_id=params.get("company"),
            mine=params["mine"] and staff_person(self.request.user) is not None,
        ).prefetch_related("action_items__owner", "action_items__done_by")

    def fetch_detail(self, pk) -> Occurrence:
        return selectors.occurrence_get(user=self.request.user, pk=pk)

    def retrieve(self, request, *args, **kwargs):
        return self.detail_response(kwargs["pk"])

    @extend_schema(request=HoldSerializer, responses={201: OccurrenceSerializer, **_DOC})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated, HoldWrites])
    def hold(self, request, pk=None):
        """Record the review as held: a dossier meeting on one of the company's accounts, the agenda,
        minutes and action items, and the next occurrence. All or nothing; 409 once held."""
        occ = self.action_object()
        data = self.validated(HoldSerializer)
        services.occurrence_hold(actor=request.user, occurrence=occ, **data)
        return self.detail_response(occ.pk, status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=[ActionListParams]))
class ActionItemViewSet(_OwnerMixin, ServiceActionsMixin, viewsets.ReadOnlyModelViewSet):
    """Action items from held reviews' minutes, tracked to done."""

    lookup_value_regex = ID_LOOKUP
    permission_classes = [permissions.IsAuthenticated, IsCarrierStaffForWrites]
    serializer_class = ActionItemSerializer
    detail_serializer_class = ActionItemSerializer

    def get_queryset(self):
        if self.action != "list":
            return selectors.action_item_list(user=self.request.user)
        params = _params(self, ActionListParams)
        return selectors.action_item_list(
            user=self.request.user, state=params.get("state"),
            mine=params["mine"] and staff_person(self.request.user) is not None,
        ).select_related("done_by")

    def fetch_detail(self, pk) -> ActionItem:
        return selectors.action_item_get(user=self.request.user, pk=pk)

    @extend_schema(request=DoneSerializer, responses={200: ActionItemSerializer, **_DOC})
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated, DoneWrites])
    def done(self, request, pk=None):
        """Mark the action item done with a note (done once: again changes nothing)."""
        item = self.action_object()
        data = self.validated(DoneSerializer)
        services.action_item_done(actor=request.user, action=item, note=data["note"])
        return self.detail_response(item.pk)

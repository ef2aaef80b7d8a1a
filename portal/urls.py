from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accountteam import oidc
from accountteam.api_auth import ApiTokenViewSet, ObtainTokenView
from audit import api as audit_api
from dossiers.api_urls import urlpatterns as dossier_api
from escalations import api as escalations_api
from handoffs import api as handoffs_api
from mailin import api as mailin_api
from maintenance import api as maintenance_api
from portal import views as portal_views
from postmortems import api as postmortems_api
from service import api as service_api
from servicereports import api as servicereports_api
from teams import api as teams_api
from touchpoints import api as touchpoints_api
from webhooks import api as webhooks_api

router = DefaultRouter()
router.register("companies", teams_api.CompanyViewSet, basename="company")
router.register("accounts", teams_api.AccountViewSet, basename="account")
router.register("people", teams_api.PersonViewSet, basename="person")
router.register("me", teams_api.MeViewSet, basename="me")
router.register("roles", teams_api.RoleViewSet, basename="role")
router.register("assignments", teams_api.AssignmentViewSet, basename="assignment")
router.register("memberships", teams_api.MembershipViewSet, basename="membership")
router.register("invitations", teams_api.InvitationViewSet, basename="invitation")
router.register("escalations", escalations_api.EscalationViewSet, basename="escalation")
router.register("handoffs", handoffs_api.HandoffViewSet, basename="handoff")
router.register("postmortems", postmortems_api.PostMortemViewSet, basename="postmortem")
router.register("mail", mailin_api.InboundMessageViewSet, basename="mail")
router.register("service/activities", service_api.ActivityViewSet, basename="service-activity")
router.register("service/packages", service_api.PackageViewSet, basename="service-package")
router.register("service/time-entries", service_api.TimeEntryViewSet, basename="service-time-entry")
router.register("review-plan-items", touchpoints_api.PlanItemViewSet, basename="review-plan-item")
router.register("review-occurrences", touchpoints_api.OccurrenceViewSet, basename="review-occurrence")
router.register("review-action-items", touchpoints_api.ActionItemViewSet, basename="review-action-item")
router.register("service-reports", servicereports_api.ServiceReportViewSet, basename="service-report")
router.register("service-credits", servicereports_api.ServiceCreditViewSet, basename="service-credit")
router.register("network-notices", maintenance_api.NetworkNoticeViewSet, basename="network-notice")
router.register("webhooks/endpoints", webhooks_api.EndpointViewSet, basename="webhook-endpoint")
router.register("webhooks/deliveries", webhooks_api.DeliveryViewSet, basename="webhook-delivery")
router.register("audit", audit_api.AuditEventViewSet, basename="audit-event")

# A URL that routes nowhere: the API's JSON 404 under /api/, the page elsewhere.
handler404 = "accountteam.api_errors.not_found"
# The portal's own error page (or the API's JSON), rendered from settings only: no database.
handler500 = "accountteam.api_errors.server_error"

admin.site.site_header = _("Account Team Portal back office")
admin.site.site_title = _("Account Team Portal")

urlpatterns = [
    path("admin/", admin.site.urls),
    # Before allauth's own route at the same path: the provider's answer with its signature checked.
    path("auth/oidc/<str:provider_id>/login/callback/", oidc.callback, name="openid_connect_callback"),
    path("auth/", include("allauth.urls")),
    path("api/v1/auth/token/", ObtainTokenView.as_view(), name="api_token"),
    path("api/v1/auth/tokens/", ApiTokenViewSet.as_view({"get": "list", "post": "create"}), name="api_tokens_list"),
    path(
        "api/v1/auth/tokens/<int:pk>/",
        ApiTokenViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="api_token_detail",
    ),
    path("api/v1/reports/", include("reviews.api_urls")),
    path("api/v1/queue/", escalations_api.QueueView.as_view(), name="api_queue"),
    path("api/v1/service/usage/", service_api.UsageView.as_view(), name="api_service_usage"),
    path("api/v1/", include((dossier_api + router.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("", portal_views.home, name="home"),
    path("accounts/<int:account_id>/", portal_views.account_detail, name="account_detail"),
    path("", include("teams.urls")),
    path("", include("escalations.urls")),
    path("", include("accountteam.urls_portal")),
    path("", include("reviews.urls")),
    path("", include("dossiers.urls")),
    path("", include("handoffs.urls")),
    path("", include("postmortems.urls")),
    path("", include("mailin.urls")),
    path("", include("service.urls")),
    path("", include("touchpoints.urls")),
    path("", include("maintenance.urls")),
    path("", include("servicereports.urls")),
    path("", include("webhooks.urls")),
    path("", include("audit.urls")),
]

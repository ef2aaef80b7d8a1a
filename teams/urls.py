from django.urls import path

from . import views

urlpatterns = [
    path("accounts/", views.account_search, name="account_search"),
    path("company/switch/", views.company_switch, name="company_switch"),
    path("companies/<int:company_id>/users/", views.company_users, name="company_users"),
    path(
        "companies/<int:company_id>/users/<int:membership_id>/",
        views.membership_edit,
        name="membership_edit",
    ),
    path("companies/<int:company_id>/two-factor/", views.company_two_factor, name="company_two_factor"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("me/availability/", views.my_availability, name="my_availability"),
    path("me/settings/", views.my_settings, name="my_settings"),
    path("me/settings/time-zone/", views.time_zone_confirm, name="time_zone_confirm"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("maintenance/", views.notice_list, name="maintenance_list"),
    path("maintenance/new/", views.notice_publish, name="maintenance_new"),
    path("maintenance/<int:pk>/", views.notice_detail, name="maintenance_detail"),
    path("maintenance/<int:pk>.ics", views.notice_ics, name="maintenance_ics"),
    path("maintenance/<int:pk>/edit/", views.notice_edit, name="maintenance_edit"),
    path("maintenance/<int:pk>/cancel/", views.notice_cancel, name="maintenance_cancel"),
    path("maintenance/<int:pk>/status/", views.outage_status, name="maintenance_status"),
]

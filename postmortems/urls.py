from django.urls import path

from . import views

urlpatterns = [
    path("postmortems/", views.postmortem_list, name="postmortem_list"),
    path("postmortems/request/", views.postmortem_request, name="postmortem_request"),
    path("postmortems/<int:pk>/", views.postmortem_detail, name="postmortem_detail"),
    path("postmortems/<int:pk>/pdf/", views.postmortem_pdf, name="postmortem_pdf"),
    path("postmortems/<int:pk>/versions/<int:number>/", views.version_detail, name="postmortem_version"),
    path("postmortems/<int:pk>/versions/<int:number>/pdf/", views.postmortem_pdf, name="postmortem_version_pdf"),
    path("postmortems/<int:pk>/<slug:action>/", views.postmortem_action, name="postmortem_action"),
    path(
        "postmortems/<int:pk>/actions/<int:action_id>/<slug:verb>/",
        views.preventive_action_change,
        name="postmortem_preventive_action",
    ),
]

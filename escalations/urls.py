from django.urls import path

from . import views

urlpatterns = [
    path("escalations/", views.escalation_list, name="escalation_list"),
    path("escalations/new/", views.escalation_raise, name="escalation_raise"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation_detail"),
    path("escalations/<int:pk>/timeline/", views.escalation_timeline, name="escalation_timeline"),
    # Before the actions' catch-all, which would take "follow" for an action.
    path("escalations/<int:pk>/follow/", views.escalation_follow, name="escalation_follow"),
    path("escalations/<int:pk>/schedule/", views.escalation_schedule, name="escalation_schedule"),
    path(
        "escalations/<int:pk>/reschedule/",
        views.escalation_schedule,
        {"reschedule": True},
        name="escalation_reschedule",
    ),
    path("escalations/<int:pk>/<slug:action>/", views.escalation_action, name="escalation_action"),
    path("queue/", views.queue, name="queue"),
    path("queue/bulk/", views.queue_bulk, name="queue_bulk"),
    # Before the actions' catch-all, which would take "panel" for an action.
    path("queue/<int:pk>/panel/", views.queue_panel, name="queue_panel"),
    path("queue/<int:pk>/<slug:action>/", views.queue_action, name="queue_action"),
]

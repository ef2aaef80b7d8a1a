from django.urls import path

from . import views

urlpatterns = [
    path("touchpoints/", views.mine, name="touchpoints_mine"),
    path("touchpoints/companies/<int:company_id>/", views.plan, name="touchpoints_plan"),
    path("touchpoints/companies/<int:company_id>/items/new/", views.plan_item_create, name="touchpoints_item_create"),
    path("touchpoints/items/<int:pk>/edit/", views.plan_item_edit, name="touchpoints_item_edit"),
    path("touchpoints/occurrences/<int:pk>/", views.occurrence_detail, name="touchpoints_occurrence"),
    path("touchpoints/occurrences/<int:pk>/hold/", views.occurrence_hold, name="touchpoints_hold"),
    path("touchpoints/actions/<int:pk>/done/", views.action_done, name="touchpoints_action_done"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("handoffs/", views.handoff_list, name="handoff_list"),
    path("handoffs/new/", views.handoff_start, name="handoff_start"),
    path("handoffs/<int:pk>/", views.handoff_detail, name="handoff_detail"),
    path("handoffs/<int:pk>/items/<int:item_id>/complete/", views.item_complete, name="handoff_item_complete"),
    path("handoffs/<int:pk>/items/<int:item_id>/reopen/", views.item_reopen, name="handoff_item_reopen"),
    path("handoffs/<int:pk>/transfer/", views.transfer, name="handoff_transfer"),
    path("handoffs/<int:pk>/introduction/<int:account_id>/", views.introduction, name="handoff_introduction"),
    path("handoffs/<int:pk>/confirm/", views.confirm, name="handoff_confirm"),
    path("handoffs/<int:pk>/complete/", views.complete, name="handoff_complete"),
    path("handoffs/<int:pk>/cancel/", views.cancel, name="handoff_cancel"),
]

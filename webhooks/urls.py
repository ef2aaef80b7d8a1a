from django.urls import path

from . import views

urlpatterns = [
    path("webhooks/", views.endpoint_list, name="webhook_list"),
    path("webhooks/new/", views.endpoint_create, name="webhook_create"),
    path("webhooks/<int:pk>/", views.endpoint_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/edit/", views.endpoint_edit, name="webhook_edit"),
    path("webhooks/<int:pk>/delete/", views.endpoint_delete, name="webhook_delete"),
    path("webhooks/<int:pk>/rotate-secret/", views.endpoint_rotate_secret, name="webhook_rotate_secret"),
    path("webhooks/deliveries/<int:pk>/", views.delivery_detail, name="webhook_delivery"),
    path("webhooks/deliveries/<int:pk>/replay/", views.delivery_replay, name="webhook_delivery_replay"),
]

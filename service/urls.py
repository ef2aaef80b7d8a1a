from django.urls import path

from . import views

urlpatterns = [
    path("service/time/", views.time_sheet, name="service_time_sheet"),
    path("service/time/new/", views.time_entry_new, name="service_time_entry_new"),
    path("service/time/<int:pk>/", views.time_entry_edit, name="service_time_entry_edit"),
    path("service/time/<int:pk>/delete/", views.time_entry_delete, name="service_time_entry_delete"),
    path("service/usage/", views.usage, name="service_usage"),
    path("service/companies/<int:company_id>/", views.company_usage, name="service_company_usage"),
    path("service/companies/<int:company_id>/package/new/", views.package_create, name="service_package_create"),
    path("service/packages/<int:pk>/", views.package_edit, name="service_package_edit"),
]

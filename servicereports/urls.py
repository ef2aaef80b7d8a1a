from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.report_index, name="service_reports"),
    path("reports/companies/<int:company_id>/", views.report_page, name="service_report"),
    path("reports/companies/<int:company_id>/pdf/", views.report_pdf, name="service_report_pdf"),
    path("reports/companies/<int:company_id>/publish/", views.report_publish, name="service_report_publish"),
    path("reports/companies/<int:company_id>/credits/", views.credit_create, name="service_credit_create"),
    path("reports/credits/<int:pk>/<slug:action>/", views.credit_action, name="service_credit_action"),
]

from django.urls import path

from . import api

# /api/v1/reports/...
urlpatterns = [
    path("compliance/", api.ComplianceReportView.as_view(), name="report_compliance"),
    path("overdue/", api.OverdueReportView.as_view(), name="report_overdue"),
]

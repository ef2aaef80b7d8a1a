from django.urls import path, register_converter

from . import views
from .forms import PART_FORMS


class PartConverter:
    """The parts of a dossier that have rows: anything else does not route (404)."""

    regex = "|".join(PART_FORMS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(PartConverter, "dossierpart")

_DOSSIER = "accounts/<int:account_id>/dossier/"

urlpatterns = [
    path(_DOSSIER, views.dossier_detail, name="dossier"),
    path(f"{_DOSSIER}profile/", views.dossier_profile_edit, name="dossier_profile_edit"),
    path(f"{_DOSSIER}history/", views.dossier_history, name="dossier_history"),
    path(f"{_DOSSIER}files/<int:pk>/download/", views.file_download, name="dossier_file_download"),
    path(f"{_DOSSIER}amendments/<int:pk>/document/", views.amendment_document, name="dossier_amendment_document"),
    path(f"{_DOSSIER}<dossierpart:part>/new/", views.part_edit, name="dossier_part_create"),
    path(f"{_DOSSIER}<dossierpart:part>/<int:pk>/", views.part_edit, name="dossier_part_edit"),
    path(f"{_DOSSIER}<dossierpart:part>/<int:pk>/delete/", views.part_delete, name="dossier_part_delete"),
    path("meetings/<int:pk>.ics", views.meeting_ics, name="meeting_ics"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("me/calendar/", views.my_calendar, name="my_calendar"),
]

"""API routes (mounted under /api/v1/ in the "api" namespace)."""

from django.urls import path

from . import api

_DOSSIER = "accounts/<int:account_id>/dossier/"

urlpatterns = [
    path(_DOSSIER, api.DossierView.as_view(), name="dossier-detail"),
    path(f"{_DOSSIER}history/", api.HistoryView.as_view(), name="dossier-history"),
    path(f"{_DOSSIER}contacts/", api.ContactListView.as_view(), name="dossier-contact-list"),
    path(f"{_DOSSIER}contacts/<int:pk>/", api.ContactDetailView.as_view(), name="dossier-contact-detail"),
    path(f"{_DOSSIER}amendments/", api.AmendmentListView.as_view(), name="dossier-amendment-list"),
    path(f"{_DOSSIER}amendments/<int:pk>/", api.AmendmentDetailView.as_view(), name="dossier-amendment-detail"),
    path(
        f"{_DOSSIER}amendments/<int:pk>/document/",
        api.AmendmentDocumentView.as_view(),
        name="dossier-amendment-document",
    ),
    path(f"{_DOSSIER}meetings/", api.MeetingListView.as_view(), name="dossier-meeting-list"),
    path(f"{_DOSSIER}meetings/<int:pk>/", api.MeetingDetailView.as_view(), name="dossier-meeting-detail"),
    path(f"{_DOSSIER}meetings/<int:pk>/ics/", api.MeetingIcsView.as_view(), name="dossier-meeting-ics"),
    path(f"{_DOSSIER}proposals/", api.ProposalListView.as_view(), name="dossier-proposal-list"),
    path(f"{_DOSSIER}proposals/<int:pk>/", api.ProposalDetailView.as_view(), name="dossier-proposal-detail"),
    path(f"{_DOSSIER}files/", api.FileListView.as_view(), name="dossier-file-list"),
    path(f"{_DOSSIER}files/<int:pk>/", api.FileDetailView.as_view(), name="dossier-file-detail"),
    path(f"{_DOSSIER}files/<int:pk>/download/", api.FileDownloadView.as_view(), name="dossier-file-download"),
]

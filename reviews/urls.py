from django.urls import path

from . import views

# The director's dashboard, compliance and digest pages. No path parameters: the group, person,
# channel and period are query parameters, checked against the reviewer's reach in the selectors.
urlpatterns = [
    path("review/", views.review_dashboard, name="review_dashboard"),
    path("review/reassign/", views.review_reassign, name="review_reassign"),
    path("review/compliance/", views.review_compliance, name="review_compliance"),
    path("review/digest/", views.review_digest, name="review_digest"),
]

from django.urls import path

from . import views

urlpatterns = [
    path("mail/", views.mail_list, name="mail_list"),
    path("mail/<int:pk>/", views.mail_detail, name="mail_detail"),
    path("mail/<int:pk>/original/", views.mail_original, name="mail_original"),
    path("mail/<int:pk>/accept/", views.mail_accept, name="mail_accept"),
    path("mail/<int:pk>/discard/", views.mail_discard, name="mail_discard"),
]

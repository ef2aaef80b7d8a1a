from django.urls import path

urlpatterns: list = []  # the director's dashboard, compliance and digest pages

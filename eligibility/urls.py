from django.urls import path  # noqa: F401 - the routes of this app are added below

from eligibility import views  # noqa: F401

app_name = "eligibility"

urlpatterns: list = []

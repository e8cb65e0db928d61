"""URLs of the bulk eligibility API, mounted under /api/v1/eligibility/ by chauffage/urls.py."""

from django.urls import path

from contacts import bulk_api

app_name = "bulk_api"

urlpatterns = [
    path("bulk", bulk_api.create, name="create"),
    path("bulk/<int:pk>", bulk_api.job, name="job"),
    path("bulk/<int:pk>/resultat.<str:fmt>", bulk_api.result, name="result"),
]

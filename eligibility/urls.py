from django.urls import path

from eligibility import api, views

app_name = "eligibility"

urlpatterns = [
    path("eligibilite/", views.result, name="result"),
    path("reseaux/<str:network_id>", views.network_detail, name="network_detail"),
    path(
        "reseaux-en-construction/<str:network_id>",
        views.future_network_detail,
        name="future_network_detail",
    ),
    path("api/v1/eligibility", api.eligibility, name="api_eligibility"),
    path("api/v1/addresses", api.addresses, name="api_addresses"),
    path("api/v1/ping", api.ping, name="api_ping"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/", views.api_docs, name="api_docs"),
]

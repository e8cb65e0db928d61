from django.urls import path

from eligibility import api, map_views, views

app_name = "eligibility"

urlpatterns = [
    path("eligibilite/", views.result, name="result"),
    path("carte/", map_views.map_page, name="map"),
    path("reseaux/", map_views.network_list, name="network_list"),
    path("tiles/<str:layer>/<str:z>/<str:x>/<str:y>.pbf", map_views.tile, name="tile"),
    path("reseaux/<str:network_id>", views.network_detail, name="network_detail"),
    path(
        "reseaux-en-construction/<str:network_id>",
        views.future_network_detail,
        name="future_network_detail",
    ),
    path("api/v1/eligibility", api.eligibility, name="api_eligibility"),
    path("api/v1/addresses", api.addresses, name="api_addresses"),
    path("api/v1/ping", api.ping, name="api_ping"),
    path(
        "api/v1/networks/<str:network_id>.geojson",
        map_views.api_network_geojson,
        name="api_network_geojson",
    ),
    path("api/v1/networks/<str:network_id>", map_views.api_network, name="api_network"),
    path("api/v1/openapi.json", api.openapi, name="api_openapi"),
    path("api/", views.api_docs, name="api_docs"),
]

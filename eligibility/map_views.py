"""The map of the networks (/carte) and its vector tiles (/tiles/…), the list of networks
(/reseaux), and the networks' JSON and GeoJSON API (/api/v1/networks/<id>)."""

import json
import math
from functools import wraps
from urllib.parse import unquote

from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.postgres.lookups import Unaccent
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Lower
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_GET

from chauffage import ratelimit
from chauffage.api import allow_methods, api_endpoint, json_error
from eligibility import maplayers
from eligibility.models import HeatNetwork
from eligibility.network_search import NetworkSearchForm, search_networks

TILE_CACHE_SECONDS = 300
MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
NETWORKS_PER_PAGE = 20
# Layers of the map page, in the order of its layers control: (slug, label, first zoom shown).
MAP_LAYERS = [
    ("heat", "Réseaux de chaleur", 0),
    ("future", "Réseaux et zones en construction", 0),
    ("pdp", "Périmètres de développement prioritaire", 0),
    ("cold", "Réseaux de froid", 0),
    ("plants", "Chaufferies", 9),
]


# --- /carte -----------------------------------------------------------------------------------


@require_GET
def map_page(request):
    state = maplayers.data_state()
    context = {
        "map_config": {
            "tiles": _tile_url_template(),
            "layers": [
                {"id": slug, "label": label, "minZoom": min_zoom}
                for slug, label, min_zoom in MAP_LAYERS
            ],
            "pointZoom": maplayers.POINT_ZOOM,
            "networkUrl": reverse("eligibility:network_detail", args=["ID"]),
            "futureNetworkUrl": reverse("eligibility:future_network_detail", args=["ID"]),
            "eligibilityUrl": reverse("eligibility:api_eligibility"),
            "resultUrl": reverse("eligibility:result"),
            "view": _initial_view(request.GET),
        },
        "data_state": state,
    }
    return render(request, "eligibility/map.html", context)


def _tile_url_template() -> str:
    """The tile URL with Leaflet's placeholders: /tiles/{layer}/{z}/{x}/{y}.pbf."""
    return unquote(reverse("eligibility:tile", args=["{layer}", "{z}", "{x}", "{y}"]))


def _initial_view(params) -> dict | None:
    """Where the map opens: `?reseau=<id>` (the network's route), `?lat=&lon=[&zoom=]`, or
    None (all of mainland France)."""
    if params.get("reseau"):
        bounds = _route_bounds(params["reseau"])
        if bounds:
            return {"bounds": bounds}
    lat, lon = _number(params.get("lat"), -85, 85), _number(params.get("lon"), -180, 180)
    if lat is None or lon is None:
        return None
    zoom = _number(params.get("zoom"), 2, 19)
    return {"center": [lat, lon], "zoom": int(zoom) if zoom is not None else 15}


def _number(value: str | None, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _route_bounds(network_id: str) -> list[list[float]] | None:
    """[[south, west], [north, east]] of a network's route (Leaflet's order)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_YMin(b), ST_XMin(b), ST_YMax(b), ST_XMax(b) FROM ("
            "  SELECT ST_Extent(route::geometry) AS b FROM eligibility_heatnetwork"
            "   WHERE network_id = %s AND route IS NOT NULL) AS e",
            [network_id[:12]],
        )
        south, west, north, east = cursor.fetchone()
    return None if south is None else [[south, west], [north, east]]


# --- /tiles/<layer>/<z>/<x>/<y>.pbf -----------------------------------------------------------


def _tile_endpoint(view):
    """GET only, rate limited per client (with the tiles' own limit), errors as JSON."""

    @allow_methods("GET", "HEAD")
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        limit = settings.RATELIMIT_TILES
        wait = ratelimit.hit(request, ratelimit.from_setting("tiles", limit))
        if wait:
            response = json_error(
                "rate_limited", f"Trop de requêtes : réessayez dans {wait} secondes.", status=429
            )
            response["Retry-After"] = str(wait)
            return response
        return view(request, *args, **kwargs)

    return wrapper


@_tile_endpoint
def tile(request, layer, z, x, y):
    """One Mapbox vector tile: 200 with the MVT bytes, 204 when empty, 304 when the client's
    copy (If-None-Match) is current. The ETag changes whenever the data changes."""
    if layer not in maplayers.LAYERS and layer != maplayers.ALL:
        names = ", ".join([*maplayers.LAYERS, maplayers.ALL])
        return json_error("not_found", f"Couche inconnue. Couches : {names}.", status=404)
    try:
        coordinates = maplayers.Tile.parse(z, x, y)
    except maplayers.InvalidTile as error:
        return json_error("invalid_parameters", str(error), status=400)
    state = maplayers.data_state()
    response = get_conditional_response(request, etag=state.etag)
    if response is None:
        content = maplayers.render_tile(layer, coordinates, show_synthetic=state.show_synthetic)
        response = (
            HttpResponse(content, content_type=MVT_CONTENT_TYPE)
            if content
            else HttpResponse(status=204)
        )
    response["ETag"] = state.etag
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=TILE_CACHE_SECONDS)
    return response


# --- /reseaux ---------------------------------------------------------------------------------


def visible_networks():
    """Every network a visitor may see: the real ones, or the synthetic ones when the database
    holds nothing else (the benchmark database)."""
    queryset = HeatNetwork.objects.all()
    if not maplayers.data_state().show_synthetic:
        queryset = queryset.filter(is_synthetic=False)
    return queryset


@require_GET
def network_list(request):
    form = NetworkSearchForm(request.GET or None)
    networks = visible_networks()
    if form.is_bound and form.is_valid():
        networks = search_networks(networks, form.cleaned_data)
    elif form.is_bound:
        networks = networks.none()
    networks = networks.only(
        "network_id",
        "kind",
        "name",
        "commune_names",
        "operator",
        "enrr_rate",
        "co2_kg_per_kwh",
        "classified",
        "is_synthetic",
    ).order_by(Lower(Unaccent("name")), "network_id")
    paginator = Paginator(networks, NETWORKS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    page.pages_list = list(paginator.get_elided_page_range(page.number, on_each_side=2))
    context = {
        "form": form,
        "page_obj": page,
        "filtered": form.is_bound,
    }
    return render(request, "eligibility/network_list.html", context)


# --- /api/v1/networks/<id> and .geojson -------------------------------------------------------


def _not_found(network_id: str) -> JsonResponse:
    return json_error("not_found", f"Aucun réseau n’a l’identifiant {network_id}.", status=404)


@api_endpoint
def api_network(request, network_id):
    network = (
        HeatNetwork.objects.defer("route")
        .annotate(has_route=ExpressionWrapper(Q(route__isnull=False), output_field=BooleanField()))
        .filter(network_id=network_id[:12])
        .first()
    )
    if network is None:
        return _not_found(network_id)
    return JsonResponse(network_json(request, network))


def network_json(request, network: HeatNetwork) -> dict:
    return {
        "id": network.network_id,
        "name": network.name,
        "kind": network.kind,
        "operator": network.operator,
        "owner": network.owner,
        "communes": network.communes,
        "commune_names": network.commune_names,
        "departement": network.departement,
        "region": network.region,
        "classified": network.classified,
        "open_to_connections": network.open_to_connections,
        "creation_year": network.creation_year,
        "length_km": network.length_km,
        "delivery_points": network.delivery_points,
        "enrr_rate": network.enrr_rate,
        "co2_kg_per_kwh": network.co2_kg_per_kwh,
        "co2_lifecycle_kg_per_kwh": network.co2_lifecycle_kg_per_kwh,
        "figures_year": network.figures_year,
        "average_price": network.average_price,
        "average_price_housing": network.average_price_housing,
        "average_price_tertiary": network.average_price_tertiary,
        "total_production_mwh": network.total_production_mwh,
        "total_power_mw": network.total_power_mw,
        "production_mix": network.production_mix,
        "deliveries": network.deliveries,
        "thresholds_m": {
            "very_close": network.very_close_threshold,
            "close": network.close_threshold,
        },
        "priority_zones": list(
            network.priority_zones.order_by("official_id").values_list("official_id", flat=True)
        ),
        "has_route": network.has_route,
        "synthetic": network.is_synthetic,
        "source": network.source,
        "source_date": network.source_date.isoformat() if network.source_date else None,
        "url": request.build_absolute_uri(
            reverse("eligibility:network_detail", args=[network.network_id])
        ),
        "geojson_url": request.build_absolute_uri(
            reverse("eligibility:api_network_geojson", args=[network.network_id])
        ),
    }


@api_endpoint
def api_network_geojson(request, network_id):
    """The route as a GeoJSON Feature (lon/lat, 6 decimals: about 10 cm); geometry null when
    the route is not published."""
    network = (
        HeatNetwork.objects.filter(network_id=network_id[:12])
        .annotate(route_geojson=AsGeoJSON("route", precision=6))
        .only("network_id", "name", "kind", "operator", "is_synthetic")
        .first()
    )
    if network is None:
        return _not_found(network_id)
    feature = {
        "type": "Feature",
        "id": network.network_id,
        "geometry": json.loads(network.route_geojson) if network.route_geojson else None,
        "properties": {
            "id": network.network_id,
            "name": network.name,
            "kind": network.kind,
            "operator": network.operator,
            "synthetic": network.is_synthetic,
            "url": request.build_absolute_uri(
                reverse("eligibility:network_detail", args=[network.network_id])
            ),
        },
    }
    return JsonResponse(feature, content_type="application/geo+json")

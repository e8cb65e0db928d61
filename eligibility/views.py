from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import connection
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from chauffage.api import allow_methods
from eligibility import charts, geocoding, recording
from eligibility.forms import EligibilityForm
from eligibility.index import commune_at
from eligibility.messages import explanation, nuances
from eligibility.models import EligibilityCheck, FutureNetwork, HeatNetwork
from eligibility.rules import evaluate


@require_GET
def home(request):
    return render(request, "eligibility/home.html", {"form": EligibilityForm()})


@require_GET
def result(request):
    form = EligibilityForm(request.GET)
    if not form.is_valid():
        return render(request, "eligibility/home.html", {"form": form}, status=400)
    data = form.cleaned_data
    if data["lat"] is not None:
        label, lat, lon, citycode = data["label"], data["lat"], data["lon"], data["citycode"]
    else:
        try:
            address = geocoding.geocode(data["adresse"])
        except geocoding.AddressNotFound as not_found:
            form.add_error(
                "adresse",
                "Nous ne trouvons pas cette adresse. Vérifiez-la ou choisissez l’une des suggestions.",
            )
            context = {"form": form, "suggestions": not_found.suggestions}
            return render(request, "eligibility/home.html", context, status=404)
        except geocoding.GeocoderError:
            context = {"form": form, "geocoder_unavailable": True}
            return render(request, "eligibility/home.html", context, status=503)
        label, lat, lon, citycode = address.label, address.lat, address.lon, address.citycode

    verdict = evaluate(lat=lat, lon=lon, citycode=citycode or "")
    recording.record(verdict, channel=EligibilityCheck.Channel.WEB, lat=lat, lon=lon)
    heating = data["chauffage"]
    citycode = verdict.citycode or citycode or ""
    if not citycode and not verdict.eligible:
        # The advisor of the territory is found by the commune (shown for non-eligible verdicts).
        citycode = commune_at(lat=lat, lon=lon)
    context = {
        "title": "Résultat du test",
        "address_label": label,
        "heating": heating,
        "verdict": verdict,
        "citycode": citycode,
        "explanation": explanation(verdict),
        "nuances": nuances(verdict, heating=heating),
        "map_data": _map_data(verdict, lat=lat, lon=lon, label=label),
        "form": EligibilityForm(initial={"adresse": label, "chauffage": heating}),
    }
    return render(request, "eligibility/result.html", context)


def _map_data(verdict, *, lat: float, lon: float, label: str) -> dict:
    """What the result map draws: the address, the network's route (lon/lat GeoJSON) and the
    shortest line from the address to it."""
    data = {"address": {"lat": lat, "lon": lon, "label": label}, "route": None, "line": None}
    network = verdict.network
    if network is None:
        return data
    table, column = (
        ("eligibility_heatnetwork", "route")
        if network.kind == "existing"
        else ("eligibility_futurenetwork", "COALESCE(route, zone::geography)")
    )
    # ST_ShortestLine on geometries: PostGIS 3.3 has no geography version; it is only drawn.
    sql = f"""
        WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS g)
        SELECT ST_AsGeoJSON(ST_Simplify({column}::geometry, 0.00001), 6),
               ST_AsGeoJSON(ST_ShortestLine({column}::geometry, pt.g), 6)
          FROM {table}, pt WHERE id = %s AND {column} IS NOT NULL
    """  # noqa: S608 - table and column come from the two constants above
    with connection.cursor() as cursor:
        cursor.execute(sql, [lon, lat, network.pk])
        row = cursor.fetchone()
    if row:
        data["route"], data["line"] = row
    return data


@require_GET
def network_detail(request, network_id):
    network = get_object_or_404(
        HeatNetwork.objects.annotate(route_geojson=AsGeoJSON("route", precision=6)),
        network_id=network_id,
    )
    context = {
        "network": network,
        "map_data": {"address": None, "route": network.route_geojson, "line": None},
        "delivery_chart": charts.deliveries_chart(network.deliveries),
        "production_chart": charts.production_chart(network.production_mix),
        "priority_zones": network.priority_zones.order_by("official_id"),
        "plants": network.plants.order_by("official_id"),
    }
    return render(request, "eligibility/network_detail.html", context)


@require_GET
def future_network_detail(request, network_id):
    network = get_object_or_404(
        FutureNetwork.objects.annotate(
            route_geojson=AsGeoJSON("route", precision=6),
            zone_geojson=AsGeoJSON("zone", precision=6),
        ),
        official_id=network_id,
    )
    context = {
        "network": network,
        "map_data": {
            "address": None,
            "route": network.route_geojson,
            "zone": network.zone_geojson,
            "line": None,
        },
    }
    return render(request, "eligibility/future_network_detail.html", context)


@allow_methods("GET", "HEAD")  # the API's JSON 405, as everywhere under /api/
def api_docs(request):
    return render(request, "eligibility/api_docs.html")

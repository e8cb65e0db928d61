"""The public JSON API: eligibility of a point or an address, address autocomplete."""

import functools
import math

from django.http import JsonResponse
from django.urls import reverse

from chauffage.api import allow_methods, api_endpoint, json_error
from eligibility import geocoding, recording
from eligibility.messages import explanation
from eligibility.models import EligibilityCheck
from eligibility.rules import Verdict, evaluate

MAX_ADDRESS_LENGTH = 200


def _float(value: str | None, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _address_json(address: geocoding.GeocodedAddress) -> dict:
    return {
        "label": address.label,
        "lat": address.lat,
        "lon": address.lon,
        "citycode": address.citycode,
    }


def verdict_json(request, verdict: Verdict, address: geocoding.GeocodedAddress | None) -> dict:
    network = verdict.network
    return {
        "address": _address_json(address) if address else None,
        "eligible": verdict.eligible,
        "category": verdict.category,
        "distance_m": verdict.distance_m,
        "threshold_m": verdict.threshold_m,
        "in_priority_zone": verdict.in_priority_zone,
        "network": (
            {
                "id": network.id,
                "name": network.name,
                "operator": network.operator,
                "kind": network.kind,
                "classified": network.classified,
                "enrr_rate": network.enrr_rate,
                "co2_kg_per_kwh": network.co2_kg_per_kwh,
                "url": request.build_absolute_uri(network_url(network)),
            }
            if network
            else None
        ),
        "explanation": explanation(verdict),
    }


def network_url(network) -> str:
    return _network_path(network.kind, network.id)


@functools.lru_cache(maxsize=4096)
def _network_path(kind: str, network_id: str) -> str:
    """The path of a network's page (reverse() costs more than the rest of the answer)."""
    if kind == "existing":
        return reverse("eligibility:network_detail", args=[network_id])
    return reverse("eligibility:future_network_detail", args=[network_id])


@api_endpoint
def eligibility(request):
    params = request.GET
    address = None
    if "address" in params and not ("lat" in params or "lon" in params):
        text = params["address"].strip()
        if not text or len(text) > MAX_ADDRESS_LENGTH:
            return json_error(
                "invalid_parameters",
                f"L’adresse doit compter entre 1 et {MAX_ADDRESS_LENGTH} caractères.",
                status=400,
            )
        try:
            address = geocoding.geocode(text)
        except geocoding.AddressNotFound as not_found:
            return json_error(
                "address_not_found",
                "Adresse introuvable : vérifiez-la ou choisissez l’une des suggestions.",
                status=404,
                suggestions=[_address_json(s) for s in not_found.suggestions],
            )
        except geocoding.GeocoderError:
            return json_error(
                "geocoder_unavailable",
                "Le service de recherche d’adresses est momentanément indisponible. Réessayez plus tard.",
                status=503,
            )
        lat, lon, citycode = address.lat, address.lon, address.citycode
    else:
        lat = _float(params.get("lat"), -90, 90)
        lon = _float(params.get("lon"), -180, 180)
        if lat is None or lon is None:
            return json_error(
                "invalid_parameters",
                "Indiquez soit « lat » (entre -90 et 90) et « lon » (entre -180 et 180) en degrés "
                "décimaux, soit « address ».",
                status=400,
            )
        citycode = ""
    verdict = evaluate(lat=lat, lon=lon, citycode=citycode)
    recording.record(verdict, channel=EligibilityCheck.Channel.API, lat=lat, lon=lon)
    return JsonResponse(verdict_json(request, verdict, address))


@api_endpoint
def addresses(request):
    query = request.GET.get("q", "")
    # The length of the value sent, as described; search() finds nothing in fewer than three
    # letters or digits.
    if len(query) < 3 or len(query) > MAX_ADDRESS_LENGTH:
        return json_error(
            "invalid_parameters",
            f"Le paramètre « q » doit compter entre 3 et {MAX_ADDRESS_LENGTH} caractères.",
            status=400,
        )
    try:
        results = geocoding.search(query.strip(), limit=10)
    except geocoding.GeocoderError:
        return json_error(
            "geocoder_unavailable",
            "Le service de recherche d’adresses est momentanément indisponible.",
            status=503,
        )
    return JsonResponse(
        {
            "results": [
                {
                    "label": result.label,
                    "lat": result.lat,
                    "lon": result.lon,
                    "citycode": result.citycode,
                    "ban_id": result.ban_id,
                }
                for result in results[:10]
            ]
        }
    )


@api_endpoint
def ping(request):
    """A trivial endpoint of the same stack, the baseline of the benchmarks."""
    return JsonResponse({"status": "ok"})


@allow_methods("GET", "HEAD")
def openapi(request):
    from eligibility.openapi import build

    response = JsonResponse(build(request.build_absolute_uri("/").rstrip("/")))
    response["Access-Control-Allow-Origin"] = "*"
    return response

"""Factories of heat-network data around fixed, real French places.

Geometries are built at exact ground distances from a reference point with geopy's geodesic
`destination`, so tests know the true distance independently of PostGIS.
"""

import factory
from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Point, Polygon
from geopy.distance import distance as geodesic

from eligibility.models import FutureNetwork, HeatNetwork, PriorityZone
from eligibility.text import normalize

# Real places (BAN positions of ../shared/data and well-known addresses).
SARCELLES = (48.974443, 2.372514)  # 15 allée Paul Dukas, 95200 Sarcelles
TAVERNY = (49.0265, 2.2195)  # Taverny, Val-d'Oise: no network nearby
PARIS_15 = (48.8414, 2.3003)  # rue de Vaugirard, Paris 15e
SAINT_DENIS_REUNION = (-20.8823, 55.4504)  # Saint-Denis, La Réunion
FORT_DE_FRANCE = (14.6037, -61.0731)  # Fort-de-France, Martinique


def offset(origin, *, metres: float, bearing: float) -> tuple[float, float]:
    """(lat, lon) at `metres` from origin (lat, lon) along `bearing` degrees (0 = north)."""
    destination = geodesic(meters=metres).destination(origin, bearing)
    return destination.latitude, destination.longitude


def route_east_of(origin, metres: float, *, half_length: float = 300) -> MultiLineString:
    """A north–south line passing `metres` east of origin (west when negative): the nearest
    point is due east (west)."""
    centre = offset(origin, metres=abs(metres), bearing=90 if metres >= 0 else 270)
    north = offset(centre, metres=half_length, bearing=0)
    south = offset(centre, metres=half_length, bearing=180)
    return MultiLineString(
        LineString((south[1], south[0]), (centre[1], centre[0]), (north[1], north[0])), srid=4326
    )


def square_around(origin, half_side: float) -> MultiPolygon:
    corners = [offset(origin, metres=half_side * 2**0.5, bearing=b) for b in (45, 135, 225, 315)]
    ring = [(lon, lat) for lat, lon in corners]
    return MultiPolygon(Polygon([*ring, ring[0]]), srid=4326)


def point(origin) -> Point:
    return Point(origin[1], origin[0], srid=4326)


class HeatNetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HeatNetwork
        django_get_or_create = ("network_id",)

    network_id = factory.Sequence(lambda n: f"{9900 + n}C")
    name = factory.Sequence(lambda n: f"Réseau de test {n}")
    operator = "Dalkia"
    enrr_rate = 67.6
    co2_kg_per_kwh = 0.084
    route = None

    class Params:
        cold = factory.Trait(kind="cold", network_id=factory.Sequence(lambda n: f"{9900 + n}F"))
        classified_network = factory.Trait(classified=True)


class FutureNetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FutureNetwork

    official_id = factory.Sequence(lambda n: f"futur-{n}")
    name = factory.Sequence(lambda n: f"Futur réseau de test {n}")
    operator = "Coriance"
    planned_commissioning = "2028"


class PriorityZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityZone

    official_id = factory.Sequence(lambda n: f"pdp-{n}")
    name = factory.Sequence(lambda n: f"PDP de test {n}")
    power_threshold_kw = 30


class AddressFactory(factory.django.DjangoModelFactory):
    """A real BAN address of ../shared/data (15 allée Paul Dukas, Sarcelles) unless told."""

    class Meta:
        model = "eligibility.Address"
        django_get_or_create = ("ban_id",)

    ban_id = "95585_1920_00015"
    numero = 15
    rep = ""
    nom_voie = "Allée Paul Dukas"
    code_postal = "95200"
    code_insee = "95585"
    nom_commune = "Sarcelles"
    location = factory.LazyFunction(lambda: point(SARCELLES))
    search_label = factory.LazyAttribute(
        lambda a: normalize(
            f"{a.numero or ''} {a.rep} {a.nom_voie} {a.code_postal} {a.nom_commune}"
        )
    )

"""Prospects (journey 7): the collectively heated condominiums of the national register (RNIC,
`eligibility.Condominium`) that are not yet on a heat network, near an operator's networks or in
an agency's or authority's territory.

- An operator's staff see, for their organisation's networks (`networks` and `future_networks`,
  heat networks with a route), the condominiums within a chosen distance of the routes, sorted
  by distance, each with its nearest network of the organisation.
- An energy agency's or local authority's staff see the condominiums of their territory
  (`communes`, then `departements`), with the nearest heat network (existing or under
  construction, whoever operates it) when there is one within 1,000 m.

Distances are ground distances in metres on the geography, measured on the route pieces of
migration eligibility/0005 (`*_segment`, at most 32 vertices each) through the spatial indexes:
`ST_DWithin` between two indexed geographies, then `ST_Distance` on the few pieces found.

A lead (contact request) for the same building (within 30 m of the condominium, or at its BAN
address: the nearest address of the local BAN copy within 50 m) adds its boiler age and planned
general-assembly date, when the staff member may see that lead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from django.contrib.gis.measure import D
from django.db import connection
from django.db.models import CharField, F, FloatField, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Lower, Trim
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from contacts import exports
from contacts.models import Lead, Organisation
from eligibility.models import (
    ENERGY_CLASSES,
    Address,
    Condominium,
    CondominiumHeating,
    FutureNetwork,
    HeatNetwork,
)

RADIUS_CHOICES = (50, 100, 200, 300, 500, 1000)
# By default, the condominiums worth a call: within 300 m of a route (a branch that long is
# commonly built for a collective boiler room; beyond, the operator widens the search), heated by
# a fossil energy, the nearest first, then the largest.
DEFAULT_RADIUS = 300
FOSSIL = "fossiles"  # Filters.energy: the fossil energies of the register, together
FOSSIL_ENERGIES = (
    "gaz_collectif",
    "gaz_naturel",
    "gaz",
    "gaz_propane_butane",
    "fioul_domestique",
    "fioul",
    "charbon",
)
ORDERS = ("distance", "size")  # nearest first then largest, or largest first then nearest
TERRITORY_RADIUS = 1000  # the nearest network shown to a territory, if any within this distance
SAME_BUILDING_M = 30  # a lead this close to a condominium is about the same building
SAME_ADDRESS_M = 50  # how far the condominium's own BAN address may be from its position
COLLECTIVE = [CondominiumHeating.COLLECTIVE.value, CondominiumHeating.MIXED.value]

Mode = Literal["networks", "territory"]


@dataclass(frozen=True)
class NetworkRef:
    """One network of a scope: an existing heat network or one under construction."""

    kind: Literal["heat", "future"]
    pk: int
    id: str
    name: str

    @property
    def key(self) -> str:
        """Its value in a query string: the national id (9502C), "futur:<id>" when planned."""
        return self.id if self.kind == "heat" else f"futur:{self.id}"

    @property
    def label(self) -> str:
        suffix = " (en construction)" if self.kind == "future" else ""
        return f"{self.id} — {self.name}{suffix}"


@dataclass(frozen=True)
class Scope:
    """What an organisation's staff may search: its networks, or its territory."""

    organisation: Organisation
    mode: Mode
    networks: tuple[NetworkRef, ...] = ()
    communes: tuple[str, ...] = ()
    departements: tuple[str, ...] = ()

    def network(self, key: str) -> NetworkRef | None:
        return next((network for network in self.networks if network.key == key), None)

    @property
    def is_empty(self) -> bool:
        if self.mode == "networks":
            return not self.networks
        return not (self.communes or self.departements)


def scope_for(organisation: Organisation) -> Scope:
    """An operator searches around its networks; an agency or authority in its territory."""
    if organisation.kind != Organisation.Kind.OPERATOR:
        return Scope(
            organisation,
            "territory",
            communes=tuple(organisation.communes),
            departements=tuple(organisation.departements),
        )
    heat = [
        NetworkRef("heat", pk, network_id, name)
        for pk, network_id, name in organisation.networks.heat()
        .filter(route__isnull=False)
        .order_by("network_id")
        .values_list("pk", "network_id", "name")
    ]
    future = [
        NetworkRef("future", pk, official_id, name)
        for pk, official_id, name in organisation.future_networks.filter(route__isnull=False)
        .order_by("official_id")
        .values_list("pk", "official_id", "name")
    ]
    return Scope(organisation, "networks", networks=tuple(heat + future))


@dataclass
class Prospect:
    condominium: Condominium
    network: NetworkRef | None
    distance_m: int | None
    lead: Lead | None = None

    @property
    def latitude(self) -> float:
        return self.condominium.location.y

    @property
    def longitude(self) -> float:
        return self.condominium.location.x


@dataclass(frozen=True)
class Filters:
    network: NetworkRef | None = None
    radius: int | None = DEFAULT_RADIUS  # None: the whole territory
    energy: str = FOSSIL  # FOSSIL, a code of the register, or "" for every energy
    min_dwellings: int | None = None
    order: Literal["distance", "size"] = "distance"

    @property
    def energies(self) -> list[str] | None:
        """The register's codes kept, or None for all of them."""
        if not self.energy:
            return None
        return list(FOSSIL_ENERGIES) if self.energy == FOSSIL else [self.energy]


@dataclass(frozen=True)
class Match:
    """A condominium found, before it is loaded: its id, nearest network, distance."""

    condominium_id: int
    network: NetworkRef | None
    distance: float | None


# Both queries keep the condominiums that a network could serve: collectively heated, not
# already connected; then the filters (energies, minimum number of dwellings), when given. They
# end with an ORDER BY chosen from _ORDERS: distance to the metre, then the number of dwellings
# (largest first), or the other way round.
_NEAR_NETWORKS_SQL = """
WITH pieces AS (
  SELECT 'heat'::text AS kind, s.network_id AS pk, s.segment
    FROM eligibility_heatnetwork_segment s WHERE s.network_id = ANY(%(heat)s)
  UNION ALL
  SELECT 'future'::text, s.network_id, s.segment
    FROM eligibility_futurenetwork_segment s WHERE s.network_id = ANY(%(future)s)
)
-- Around an operator's networks: the pieces of the chosen routes find the condominiums within
-- the distance through the condominiums' spatial index; each keeps its nearest piece.
SELECT id, kind, pk, distance, dwellings FROM (
  SELECT DISTINCT ON (c.id) c.id, pieces.kind, pieces.pk, c.nb_lot_habitation AS dwellings,
         ST_Distance(c.location, pieces.segment) AS distance
    FROM pieces
    JOIN eligibility_condominium c ON ST_DWithin(c.location, pieces.segment, %(radius)s)
   WHERE c.type_chauffage = ANY(%(collective)s)
     AND c.chauffage_urbain IS NOT TRUE
     AND (%(energies)s::text[] IS NULL OR c.energie_utilisee = ANY(%(energies)s::text[]))
     AND (%(min_dwellings)s::int IS NULL OR c.nb_lot_habitation >= %(min_dwellings)s::int)
   ORDER BY c.id, ST_Distance(c.location, pieces.segment)
) nearest
"""

# In a territory: its condominiums, each with the nearest heat network (existing and open to
# connections, or under construction) within %(far)s metres, if any.
_TERRITORY_SQL = """
SELECT c.id, near.kind, near.pk, near.distance, c.nb_lot_habitation AS dwellings
  FROM eligibility_condominium c
  LEFT JOIN LATERAL (
    SELECT candidates.kind, candidates.pk, candidates.distance FROM (
      SELECT 'heat'::text AS kind, s.network_id AS pk,
             ST_Distance(s.segment, c.location) AS distance
        FROM eligibility_heatnetwork_segment s
        JOIN eligibility_heatnetwork n ON n.id = s.network_id
       WHERE ST_DWithin(s.segment, c.location, %(far)s)
         AND n.kind = 'heat' AND n.open_to_connections
      UNION ALL
      SELECT 'future'::text, s.network_id, ST_Distance(s.segment, c.location)
        FROM eligibility_futurenetwork_segment s
       WHERE ST_DWithin(s.segment, c.location, %(far)s)
    ) candidates
    ORDER BY candidates.distance LIMIT 1
  ) near ON true
 WHERE (c.code_insee = ANY(%(communes)s)
        OR left(c.code_insee, 2) = ANY(%(departements)s)
        OR left(c.code_insee, 3) = ANY(%(departements)s))
   AND (%(radius)s::float IS NULL OR near.distance <= %(radius)s::float)
   AND c.type_chauffage = ANY(%(collective)s)
   AND c.chauffage_urbain IS NOT TRUE
   AND (%(energies)s::text[] IS NULL OR c.energie_utilisee = ANY(%(energies)s::text[]))
   AND (%(min_dwellings)s::int IS NULL OR c.nb_lot_habitation >= %(min_dwellings)s::int)
"""
# Both queries return `id`, `kind`, `pk`, `distance` and `dwellings`.
_ORDERS = {
    "distance": "ORDER BY round(distance) NULLS LAST, dwellings DESC NULLS LAST, id",
    "size": "ORDER BY dwellings DESC NULLS LAST, distance NULLS LAST, id",
}


def find(scope: Scope, filters: Filters) -> list[Match]:
    """Every condominium of the scope matching the filters, nearest first."""
    if scope.is_empty:
        return []
    params = {
        "collective": COLLECTIVE,
        "energies": filters.energies,
        "min_dwellings": filters.min_dwellings,
    }
    if scope.mode == "networks":
        networks = [filters.network] if filters.network else list(scope.networks)
        params.update(
            heat=[n.pk for n in networks if n.kind == "heat"],
            future=[n.pk for n in networks if n.kind == "future"],
            radius=filters.radius or DEFAULT_RADIUS,
        )
        sql = _NEAR_NETWORKS_SQL
    else:
        params.update(
            communes=list(scope.communes),
            departements=list(scope.departements),
            far=TERRITORY_RADIUS,
            radius=filters.radius,
        )
        sql = _TERRITORY_SQL
    # The ORDER BY is one of two constants, never text from the request.
    sql = f"SELECT id, kind, pk, distance FROM ({sql}) found {_ORDERS[filters.order]}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    refs = _network_refs(scope, rows)
    return [
        Match(condominium_id, refs.get((kind, pk)), distance)
        for condominium_id, kind, pk, distance in rows
    ]


def _network_refs(scope: Scope, rows) -> dict[tuple[str, int], NetworkRef]:
    refs = {(network.kind, network.pk): network for network in scope.networks}
    missing = {(kind, pk) for _, kind, pk, _ in rows if kind and (kind, pk) not in refs}
    heat = [pk for kind, pk in missing if kind == "heat"]
    future = [pk for kind, pk in missing if kind == "future"]
    for pk, network_id, name in HeatNetwork.objects.filter(pk__in=heat).values_list(
        "pk", "network_id", "name"
    ):
        refs["heat", pk] = NetworkRef("heat", pk, network_id, name)
    for pk, official_id, name in FutureNetwork.objects.filter(pk__in=future).values_list(
        "pk", "official_id", "name"
    ):
        refs["future", pk] = NetworkRef("future", pk, official_id, name)
    return refs


def _normalized_label():
    """A lead's address label as the BAN index writes it (eligibility.text.normalize, in SQL):
    lower case, no accents, words separated by one space."""
    unaccented = Lower(Func(F("address_label"), function="unaccent"))
    return Trim(
        Func(
            unaccented,
            Value("[^0-9a-z]+"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=CharField(),
        )
    )


def load(matches: Iterable[Match], *, user, with_leads: bool = True) -> list[Prospect]:
    """The prospects of these matches, in their order, with the most recent lead the user may see
    for the same building: within 30 m, or at the condominium's BAN address (the nearest one of
    the local address base, within 50 m, in the same commune)."""
    matches = list(matches)
    ban_label = (
        Address.objects.filter(location__dwithin=(OuterRef("location"), D(m=SAME_ADDRESS_M)))
        .annotate(
            distance=Func(
                F("location"),
                OuterRef("location"),
                function="ST_Distance",
                output_field=FloatField(),
            )
        )
        .order_by("distance")
        .values("search_label")[:1]
    )
    leads = (
        Lead.objects.visible_to(user)
        .not_anonymised()
        .annotate(normalized_label=_normalized_label())
        .filter(
            Q(location__dwithin=(OuterRef("location"), D(m=SAME_BUILDING_M)))
            | Q(code_insee=OuterRef("code_insee"), normalized_label=OuterRef("ban_label"))
        )
        .order_by("-created_at")
        .values("pk")[:1]
    )
    condominiums = Condominium.objects.filter(pk__in=[m.condominium_id for m in matches])
    if with_leads:
        condominiums = condominiums.annotate(ban_label=Subquery(ban_label)).annotate(
            lead_pk=Subquery(leads)
        )
    by_pk = {condominium.pk: condominium for condominium in condominiums}
    lead_pks = {c.lead_pk for c in by_pk.values() if getattr(c, "lead_pk", None)}
    leads_by_pk = Lead.objects.in_bulk(lead_pks) if lead_pks else {}
    prospects = []
    for match in matches:
        condominium = by_pk.get(match.condominium_id)
        if condominium is None:
            continue
        prospects.append(
            Prospect(
                condominium=condominium,
                network=match.network,
                distance_m=round(match.distance) if match.distance is not None else None,
                lead=leads_by_pk.get(getattr(condominium, "lead_pk", None)),
            )
        )
    return prospects


def network_routes(networks: Iterable[NetworkRef]) -> list[dict]:
    """The routes of these networks for the map: GeoJSON (lon/lat) simplified to about 5 m."""
    networks = list(networks)
    routes = []
    for model, kind in ((HeatNetwork, "heat"), (FutureNetwork, "future")):
        pks = [n.pk for n in networks if n.kind == kind]
        if not pks:
            continue
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                # The table name comes from the model, not from the request.
                f"SELECT id, ST_AsGeoJSON(ST_Simplify(route::geometry, 0.00005), 6) "  # noqa: S608
                f"FROM {table} WHERE id = ANY(%s) AND route IS NOT NULL",
                [pks],
            )
            names = {n.pk: n for n in networks if n.kind == kind}
            routes += [
                {"kind": kind, "label": names[pk].label, "geojson": geojson}
                for pk, geojson in cursor.fetchall()
            ]
    return routes


# --- Exports ----------------------------------------------------------------------------------
# CSV for French Excel (UTF-8 with a BOM, `;`) and XLSX, with contacts.exports' neutralising of
# text that a spreadsheet would run as a formula (names and addresses come from the register).

CSV_TYPE = exports.CSV_TYPE
XLSX_TYPE = exports.XLSX_TYPE

COLUMNS = [
    ("numéro d’immatriculation", lambda p: p.condominium.numero_immatriculation),
    ("nom d’usage", lambda p: p.condominium.name),
    ("adresse de référence", lambda p: p.condominium.adresse_reference),
    ("code INSEE", lambda p: p.condominium.code_insee),
    ("lots d’habitation", lambda p: p.condominium.nb_lot_habitation),
    ("nombre total de lots", lambda p: p.condominium.nb_lot),
    ("période de construction", lambda p: p.condominium.get_periode_construction_display()),
    ("type de chauffage", lambda p: p.condominium.get_type_chauffage_display()),
    ("énergie de chauffage", lambda p: p.condominium.energy_label),
    *(
        (f"bâtiments DPE {label}", lambda p, field=field: getattr(p.condominium, field))
        for field, label in ENERGY_CLASSES.items()
    ),
    ("représentant légal (syndic)", lambda p: p.condominium.representant_legal),
    ("SIRET du représentant légal", lambda p: p.condominium.representant_legal_siret),
    ("type de syndic", lambda p: p.condominium.syndic_kind_label),
    ("mandat du syndic", lambda p: p.condominium.get_mandat_display()),
    ("fin du dernier mandat", lambda p: p.condominium.date_fin_mandat),
    ("réseau le plus proche", lambda p: p.network.id if p.network else ""),
    ("nom du réseau", lambda p: p.network.name if p.network else ""),
    (
        "réseau en construction",
        lambda p: ("oui" if p.network.kind == "future" else "non") if p.network else "",
    ),
    ("distance au réseau (m)", lambda p: p.distance_m),
    ("âge de la chaudière (ans)", lambda p: p.lead.boiler_age_years if p.lead else None),
    ("assemblée générale prévue", lambda p: p.lead.general_assembly_date if p.lead else None),
    ("demande de contact n°", lambda p: p.lead.pk if p.lead else None),
    ("latitude", lambda p: round(p.latitude, 6)),
    ("longitude", lambda p: round(p.longitude, 6)),
]
HEADERS = [header for header, _ in COLUMNS]


def export_rows(rows: Iterable[Prospect]):
    for prospect in rows:
        yield [exports.neutralise(value(prospect)) for _, value in COLUMNS]


def to_csv(rows: Iterable[Prospect]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in export_rows(rows):
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, float):
        return str(value).replace(".", ",")
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return value


def to_xlsx(rows: Iterable[Prospect]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Prospects"
    sheet.append(HEADERS)
    for row in export_rows(rows):
        sheet.append(row)
    for header in ("fin du dernier mandat", "assemblée générale prévue"):
        column = get_column_letter(HEADERS.index(header) + 1)
        for cell in sheet[column][1:]:
            cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

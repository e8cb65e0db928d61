"""Import network routes and zones from a GeoJSON file or a shapefile of the national export.

    manage.py import_networks reseaux_de_chaleur.geojson --layer heat --source "…" --source-date 2026-01-15
    manage.py import_networks reseaux_de_froid.shp --layer cold
    manage.py import_networks reseaux_en_construction.geojson --layer construction
    manage.py import_networks zones_de_construction.geojson --layer construction_zone
    manage.py import_networks pdp.geojson --layer pdp

Attributes are read under their name in the national export or their 10-character shapefile name
(data/demo/networks/nomenclature-export-reseaux.csv). Only the attributes the file has, with a
value, are written: a file with a few columns does not blank what another import filled.

A row is rejected for its identity or its geometry (id missing or of the wrong kind, geometry of the
wrong type or with no valid part); an invalid figure is left out with a warning and the row is
imported. Degenerate parts of a route are dropped and invalid polygons repaired, with a warning.
Features with the same id are merged into one object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any

from django.core.management.base import CommandError

from eligibility.importing import (
    DELIVERIES_FROM_EXPORT,
    ImportCommand,
    ImportReport,
    Noun,
    Row,
    RowRejected,
    VectorLayer,
    merge_lines,
    merge_polygons,
    parse_bool,
    parse_communes,
    parse_int,
    parse_network_id,
    parse_number,
    parse_text,
    repair_lines,
    repair_polygons,
    upsert,
)
from eligibility.models import FutureNetwork, HeatNetwork, NetworkKind, PriorityZone

# --- Attributes of the national export ---------------------------------------------------------


@dataclass(frozen=True)
class Attribute:
    """A model field (or a key of one of its JSON fields) and the names it has in the files: the
    export's attribute name first, then the shapefile's."""

    target: str
    names: tuple[str, ...]
    parse: Callable[[Any, str], Any]
    group: str = ""  # JSON field the value goes into, keyed by `target`


def _text(value, label):
    return parse_text(value) or None


def _year(value, label):
    return parse_int(value, label, minimum=1850, maximum=date.today().year + 10)


_amount = partial(parse_number, minimum=0)
_percent = partial(parse_number, minimum=0, maximum=100)
_co2 = partial(parse_number, minimum=0, below=2)
_count = partial(parse_int, minimum=0)

# Energies of the production and power mixes: key (the export's suffix), shapefile names.
ENERGIES = [
    ("gaz_naturel", "prod_MWh_g", "puissanc_1"),
    ("charbon", "prod_MWh_c", "puissanc_2"),
    ("fioul_domestique", "prod_MWh_f", "puissanc_3"),
    ("fioul_lourd", "prod_MWh_1", "puissanc_4"),
    ("GPL", "prod_MWh_2", "puissanc_5"),
    ("biomasse_solide", "prod_MWh_b", "puissanc_6"),
    ("dechets_internes", "prod_MWh_d", "puissanc_7"),
    ("UIOM", "prod_MWh_U", "puissanc_8"),
    ("biogaz", "prod_MWh_3", "puissanc_9"),
    ("geothermie", "prod_MWh_4", "puissanc10"),
    ("PAC", "prod_MWh_P", "puissanc11"),
    ("solaire_thermique", "prod_MWh_s", "puissanc12"),
    ("autres_ENR", "prod_MWh_a", "puissanc13"),
    ("chaleur_industiel", "prod_MWh_5", "puissanc14"),  # sic, as in the export
    ("autre_chaleur_recuperee", "prod_MWh_6", "puissanc15"),
    ("chaudieres_electriques", "prod_MWh_7", "puissanc16"),
    ("autres", "prod_MWh_8", "puissanc17"),
]
SECTORS = [
    ("residentiel", "livraiso_1"),
    ("tertiaire", "livraiso_2"),
    ("industrie", "livraiso_3"),
    ("agriculture", "livraiso_4"),
    ("autre", "livraiso_5"),
]

NETWORK_ATTRIBUTES = [
    Attribute("name", ("nom_reseau",), _text),
    Attribute("departement", ("departement", "departemen"), _text),
    Attribute("region", ("region",), _text),
    Attribute("owner", ("MO",), _text),
    Attribute("operator", ("Gestionnaire", "Gestionnai"), _text),
    Attribute("classified", ("reseaux classes", "reseaux cl"), parse_bool),
    Attribute("creation_year", ("annee_creation", "annee_crea"), _year),
    Attribute("length_km", ("longueur_reseau", "longueur_r"), _amount),
    Attribute("delivery_points", ("nb_pdl",), _count),
    Attribute("enrr_rate", ("Taux EnR&R",), _percent),
    Attribute("co2_kg_per_kwh", ("contenu CO2", "contenu CO"), _co2),
    Attribute("co2_lifecycle_kg_per_kwh", ("contenu CO2 ACV", "contenu _1"), _co2),
    Attribute("average_price", ("PM",), _amount),
    Attribute("variable_share", ("PV%",), _percent),
    Attribute("fixed_share", ("PF%",), _percent),
    Attribute("average_price_housing", ("PM_L",), _amount),
    Attribute("average_price_tertiary", ("PM_T",), _amount),
    Attribute("efficiency", ("Rend%",), _amount),
    Attribute("total_production_mwh", ("production_totale_MWh", "production"), _amount),
    # "puissance_" in the heat shapefile, "puissance" in the cold one.
    Attribute("total_power_mw", ("puissance_totale_MW", "puissance_", "puissance"), _amount),
    *(
        Attribute(key, (f"prod_MWh_{key}", shp), _amount, group="production_mix")
        for key, shp, _ in ENERGIES
    ),
    *(
        Attribute(key, (f"puissance_MW_{key}", shp), _amount, group="power_mix")
        for key, _, shp in ENERGIES
    ),
    *(
        Attribute(key, (f"livraisons_{key}_MWh", shp), _amount, group="deliveries")
        for key, shp in SECTORS
    ),
    Attribute("total", ("livraisons_totale_MWh", "livraisons"), _amount, group="deliveries"),
    Attribute("eau_chaude", ("eau_chaude",), _percent, group="fluid"),
    Attribute("eau_surchauffee", ("eau_surchauffee", "eau_surcha"), _percent, group="fluid"),
    Attribute("vapeur", ("vapeur",), _percent, group="fluid"),
]

FUTURE_NETWORK_ATTRIBUTES = [
    Attribute("name", ("nom_reseau", "nom"), _text),
    Attribute("operator", ("Gestionnaire", "gestionnaire", "Gestionnai"), _text),
    Attribute(
        "planned_commissioning",
        ("mise_en_service", "date_mise_en_service", "mise_en_se", "date_mise_"),
        lambda value, label: value.isoformat() if isinstance(value, date) else _text(value, label),
    ),
]
PRIORITY_ZONE_ATTRIBUTES = [
    Attribute("name", ("nom", "nom_pdp"), _text),
    Attribute(
        "power_threshold_kw", ("seuil_puissance_kw", "seuil_puis"), partial(parse_int, minimum=0)
    ),
]
COMMUNES = ("communes",)
PDP_NETWORKS = ("reseau_id", "Identifiant reseau", "Identifian", "reseau_ids")


# Shapefile names that the format numbered to tell apart attributes cut to the same 10 characters
# ("prod_MWh_1" is fioul lourd, "puissanc10" géothermie) mean what the nomenclature says only when
# the file has the whole group of columns they were numbered in.
SHAPEFILE_GROUPS = [
    {
        name
        for attribute in NETWORK_ATTRIBUTES
        if attribute.group == group
        for name in attribute.names[1:]
    }
    for group in ("production_mix", "power_mix", "deliveries")
] + [{"contenu CO", "contenu _1"}]


def check_numbered_names(layer: VectorLayer, report: ImportReport) -> None:
    for group in SHAPEFILE_GROUPS:
        present = {name for name in group if layer.field(name)}
        if present and present != group:
            report.note(
                "Attention : shapefile aux noms d’attributs numérotés (prod_MWh_1, puissanc10…) "
                f"sans toutes les colonnes de leur groupe ({', '.join(sorted(group - present))} "
                "absentes) : ces noms sont lus selon la nomenclature de l’export national, "
                "vérifiez les valeurs importées."
            )
            return


def parse_official_id(value, label="identifiant"):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = parse_text(value)
    if not text:
        raise RowRejected(f"{label} manquant")
    return text


@dataclass(frozen=True)
class LayerSpec:
    model: type
    key: str
    id_names: tuple[str, ...]
    attributes: list[Attribute]
    geometry_field: str  # route or zone
    polygons: bool
    geometry_required: bool
    noun: Noun
    kind: str = ""


LAYERS = {
    "heat": LayerSpec(
        HeatNetwork,
        "network_id",
        ("Identifiant reseau", "Identifian"),
        NETWORK_ATTRIBUTES,
        "route",
        polygons=False,
        geometry_required=False,
        noun=Noun("réseau de chaleur", "réseaux de chaleur"),
        kind=NetworkKind.HEAT,
    ),
    "cold": LayerSpec(
        HeatNetwork,
        "network_id",
        ("Identifiant reseau", "Identifian"),
        NETWORK_ATTRIBUTES,
        "route",
        polygons=False,
        geometry_required=False,
        noun=Noun("réseau de froid", "réseaux de froid"),
        kind=NetworkKind.COLD,
    ),
    "construction": LayerSpec(
        FutureNetwork,
        "official_id",
        ("id_fcu", "id", "Identifiant reseau", "Identifian"),
        FUTURE_NETWORK_ATTRIBUTES,
        "route",
        polygons=False,
        geometry_required=True,
        noun=Noun("réseau en construction", "réseaux en construction"),
    ),
    "construction_zone": LayerSpec(
        FutureNetwork,
        "official_id",
        ("id_fcu", "id", "Identifiant reseau", "Identifian"),
        FUTURE_NETWORK_ATTRIBUTES,
        "zone",
        polygons=True,
        geometry_required=True,
        noun=Noun("zone de construction", "zones de construction", feminine=True),
    ),
    "pdp": LayerSpec(
        PriorityZone,
        "official_id",
        ("id_fcu", "id"),
        PRIORITY_ZONE_ATTRIBUTES,
        "zone",
        polygons=True,
        geometry_required=True,
        noun=Noun(
            "périmètre de développement prioritaire", "périmètres de développement prioritaire"
        ),
    ),
}
KIND_SUFFIX = {NetworkKind.HEAT: "C", NetworkKind.COLD: "F"}


@dataclass
class Group:
    """The features of one official id: their attribute values and geometries, merged."""

    official_id: str
    where: str
    values: dict[str, Any] = field(default_factory=dict)
    geometries: list = field(default_factory=list)
    network_ids: list[str] = field(default_factory=list)
    features: int = 0


class Command(ImportCommand):
    help = (
        "Importe les tracés et zones de la couche open data nationale des réseaux de chaleur "
        "et de froid (GeoJSON ou shapefile, WGS84 ou Lambert-93)."
    )
    noun = Noun("réseau", "réseaux")
    path_help = "Fichier GeoJSON, shapefile (.shp, son dossier ou un .zip)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--layer",
            required=True,
            choices=sorted(LAYERS),
            help="heat : réseaux de chaleur ; cold : réseaux de froid ; construction : tracés "
            "en construction ; construction_zone : zones de construction ; pdp : périmètres de "
            "développement prioritaire.",
        )

    def import_file(self, path, report: ImportReport) -> None:
        spec = LAYERS[self.options["layer"]]
        report.noun = spec.noun
        report.unit = "entités"
        layer = VectorLayer(path, report)
        id_field = layer.field(*spec.id_names)
        if id_field is None:
            raise CommandError(
                f"{path.name} : attribut identifiant absent (un de ces noms attendu : "
                f"{', '.join(spec.id_names)}). Attributs trouvés : {', '.join(layer.fields.values())}."
            )
        attributes = [(a, name) for a in spec.attributes if (name := layer.field(*a.names))]
        check_numbered_names(layer, report)
        communes_field = layer.field(*COMMUNES) if spec.model is not PriorityZone else None
        pdp_networks_field = layer.field(*PDP_NETWORKS) if spec.model is PriorityZone else None

        groups: dict[str, Group] = {}
        with self.progress(total=len(layer), label="Entités") as progress:
            for index, feature in enumerate(layer, start=1):
                progress.advance()
                report.rows_read += 1
                where = f"entité {index}"
                try:
                    official_id = self.read_id(spec, layer.value(feature, id_field))
                    where = f"{where} ({official_id})"
                    if spec.kind:
                        self.check_kind(spec, official_id)
                    geometry = self.read_geometry(spec, layer, feature, report, where)
                except RowRejected as rejection:
                    report.reject(where, str(rejection))
                    continue
                group = groups.setdefault(official_id, Group(official_id, where))
                group.features += 1
                if geometry is not None:
                    group.geometries.append(geometry)
                for attribute, name in attributes:
                    self.read_attribute(attribute, layer.value(feature, name), group, report, where)
                if communes_field:
                    codes, names = parse_communes(layer.value(feature, communes_field))
                    if codes:
                        group.values.setdefault("communes", codes)
                    if names and spec.model is HeatNetwork:
                        group.values.setdefault("commune_names", names)
                if pdp_networks_field:
                    text = parse_text(layer.value(feature, pdp_networks_field))
                    group.network_ids += [t.strip() for t in text.replace(";", ",").split(",")]

        links = NetworkLinks(groups.values()) if pdp_networks_field else None
        rows = {
            official_id: self.build_row(spec, group, report, links)
            for official_id, group in groups.items()
        }
        upsert(
            spec.model,
            spec.key,
            rows,
            report,
            source=self.source,
            source_date=self.source_date,
            merge_sources=spec.model is HeatNetwork,
        )

    def read_id(self, spec: LayerSpec, value) -> str:
        if spec.model is HeatNetwork:
            return parse_network_id(value)
        return parse_official_id(value)

    def check_kind(self, spec: LayerSpec, network_id: str) -> None:
        """The suffix of a national id tells the kind: C heat, F cold; it must match the layer."""
        expected = KIND_SUFFIX[spec.kind]
        if network_id[-1] != expected:
            kinds = {"C": "chaleur", "F": "froid"}
            raise RowRejected(
                f"l’identifiant {network_id} est celui d’un réseau de {kinds[network_id[-1]]} "
                f"mais la couche importée est « {self.options['layer']} » (suffixe {expected} "
                "attendu)"
            )

    def read_geometry(self, spec: LayerSpec, layer: VectorLayer, feature, report, where):
        geom = layer.geometry(feature)
        if geom is None:
            if spec.geometry_required:
                raise RowRejected("géométrie absente")
            return None
        if spec.polygons:
            zone, repaired = repair_polygons(geom)
            if repaired:
                report.warn(where, "géométrie réparée (polygone invalide corrigé)")
            return zone
        route, dropped = repair_lines(geom)
        if dropped:
            report.warn(
                where,
                f"géométrie réparée : {dropped} partie(s) dégénérée(s) supprimée(s) "
                "(moins de 2 points distincts, longueur nulle)",
            )
        return route

    def read_attribute(self, attribute: Attribute, raw, group: Group, report, where) -> None:
        label = attribute.names[0]
        try:
            value = attribute.parse(raw, label)
        except RowRejected as problem:
            report.warn(where, f"{problem} : valeur ignorée")
            return
        if value is None:
            return
        if attribute.group:
            group.values.setdefault(attribute.group, {}).setdefault(attribute.target, value)
        else:
            group.values.setdefault(attribute.target, value)

    def build_row(self, spec: LayerSpec, group: Group, report, links: NetworkLinks | None) -> Row:
        values = dict(group.values)
        if "deliveries" in values:
            values["deliveries"] = {**values["deliveries"], "source": DELIVERIES_FROM_EXPORT}
        if group.features > 1:
            report.warn(group.where, f"{group.features} entités avec cet identifiant : fusionnées")
        if group.geometries:
            if spec.polygons:
                values[spec.geometry_field] = merge_polygons(group.geometries)
            else:
                values[spec.geometry_field] = merge_lines(group.geometries)
        defaults = {}
        if spec.model is HeatNetwork:
            defaults["kind"] = spec.kind
        elif spec.model is FutureNetwork:
            defaults["name"] = group.official_id  # when the file has no name
        row = Row(group.where, values, defaults)
        if links:
            row.many = links.of(group, report)
        return row


class NetworkLinks:
    """The networks PDPs refer to (`reseau_id`: existing network ids or ids of networks under
    construction, comma-separated), looked up in two queries for the whole file."""

    def __init__(self, groups):
        ids = {i for group in groups for i in group.network_ids if i}
        self.heat = dict(
            HeatNetwork.objects.filter(network_id__in={i.upper() for i in ids}).values_list(
                "network_id", "pk"
            )
        )
        self.future = dict(
            FutureNetwork.objects.filter(official_id__in=ids).values_list("official_id", "pk")
        )

    def of(self, group: Group, report: ImportReport) -> dict[str, set[int]]:
        links: dict[str, set[int]] = {"networks": set(), "future_networks": set()}
        for network_id in dict.fromkeys(i for i in group.network_ids if i):
            if network_id.upper() in self.heat:
                links["networks"].add(self.heat[network_id.upper()])
            elif network_id in self.future:
                links["future_networks"].add(self.future[network_id])
            else:
                report.warn(
                    group.where, f"réseau {network_id} inconnu : périmètre importé sans ce lien"
                )
        return links

"""Import heat-plant footprints (chaufferies) from a GeoJSON file or a shapefile.

    manage.py import_plants chaufferies-ile-de-france.geojson --source "…" --source-date 2022-01-01

Attributes (Île-de-France "chaufferies des réseaux de chaleur" dataset): id_chauff (id), combustib
(fuel, "N.C" = not communicated), gestionnai (operator), id_reseau (network), code_insee,
ppale_sec (role: Principale, Secours, Appoint), puissance (MW; 0 means not given), source (who
provided the information). Footprints are (Multi)Polygons, repaired when invalid.

`id_reseau` links the plant to its network when it is a national network id (9502C); the regional
dataset uses its own numbering, which is kept out of the database and reported.
"""

from django.core.management.base import CommandError

from eligibility.importing import (
    NETWORK_ID,
    ImportCommand,
    Noun,
    Row,
    RowRejected,
    VectorLayer,
    parse_insee_code,
    parse_number,
    parse_text,
    repair_polygons,
    upsert,
)
from eligibility.models import HeatNetwork, HeatPlant

NOT_COMMUNICATED = {"N.C", "N.C.", "NC", "N/C", "NON COMMUNIQUE", "NON COMMUNIQUÉ"}
ATTRIBUTES = {
    "id": ("id_chauff", "id"),
    "name": ("nom", "nom_chauff"),
    "fuel": ("combustib", "combustible"),
    "operator": ("gestionnai", "gestionnaire"),
    "network": ("id_reseau",),
    "code_insee": ("code_insee",),
    "role": ("ppale_sec", "role"),
    "power": ("puissance", "puissance_mw"),
    "provenance": ("source",),
}


class Command(ImportCommand):
    help = "Importe les emprises des chaufferies des réseaux de chaleur (GeoJSON ou shapefile)."
    noun = Noun("chaufferie", "chaufferies", feminine=True)
    path_help = "Fichier GeoJSON ou shapefile des chaufferies."

    def import_file(self, path, report):
        layer = VectorLayer(path, report)
        report.unit = "entités"
        fields = {key: layer.field(*names) for key, names in ATTRIBUTES.items()}
        if not fields["id"]:
            raise CommandError(
                f"{path.name} : attribut identifiant absent (id_chauff attendu). "
                f"Attributs trouvés : {', '.join(layer.fields.values())}."
            )

        def get(feature, key):
            return layer.value(feature, fields[key]) if fields[key] else None

        rows: dict[str, Row] = {}
        network_refs: dict[str, str] = {}
        local_refs = set()
        with self.progress(total=len(layer), label="Chaufferies") as progress:
            for index, feature in enumerate(layer, start=1):
                progress.advance()
                report.rows_read += 1
                where = f"entité {index}"
                try:
                    official_id = parse_text(get(feature, "id"))
                    if not official_id:
                        raise RowRejected("id_chauff manquant")
                    where = f"{where} ({official_id})"
                    if official_id in rows:
                        raise RowRejected(f"identifiant en double (déjà {rows[official_id].where})")
                    geom = layer.geometry(feature)
                    if geom is None:
                        raise RowRejected("géométrie absente")
                    footprint, repaired = repair_polygons(geom)
                except RowRejected as rejection:
                    report.reject(where, str(rejection))
                    continue
                if repaired:
                    report.warn(where, "géométrie réparée (polygone invalide corrigé)")
                values = {"footprint": footprint, **self.attributes(feature, get, report, where)}
                reference = parse_text(get(feature, "network")).upper()
                if NETWORK_ID.match(reference):
                    network_refs[official_id] = reference
                elif reference:
                    local_refs.add(reference)
                rows[official_id] = Row(where, values)

        networks = dict(
            HeatNetwork.objects.filter(network_id__in=set(network_refs.values())).values_list(
                "network_id", "pk"
            )
        )
        for official_id, reference in network_refs.items():
            if reference in networks:
                rows[official_id].values["network_id"] = networks[reference]
            else:
                report.warn(rows[official_id].where, f"réseau {reference} inconnu : non rattachée")
        if local_refs:
            report.note(
                f"id_reseau n’est pas un identifiant national ({len(local_refs)} valeurs, par "
                f"exemple {sorted(local_refs)[0]}) : ces chaufferies ne sont pas rattachées à un "
                "réseau."
            )
        upsert(HeatPlant, "official_id", rows, report, source_date=self.source_date)

    def attributes(self, feature, get, report, where) -> dict:
        fuel = parse_text(get(feature, "fuel"))
        values = {
            "name": parse_text(get(feature, "name")),
            "fuel": "non communiqué" if fuel.upper() in NOT_COMMUNICATED else fuel,
            "operator": parse_text(get(feature, "operator")),
            "role": parse_text(get(feature, "role")),
        }
        provenance = parse_text(get(feature, "provenance"))
        source = " — ".join(filter(None, [self.source, provenance and f"source : {provenance}"]))
        if source:
            values["source"] = source[:255]
        try:
            power = parse_number(get(feature, "power"), "puissance", minimum=0)
            values["power_mw"] = power or None  # 0 in the dataset: power not given
        except RowRejected as problem:
            report.warn(where, f"{problem} : valeur ignorée")
        raw_code = get(feature, "code_insee")
        if raw_code not in (None, ""):
            try:
                values["code_insee"] = parse_insee_code(raw_code)
            except RowRejected as problem:
                report.warn(where, f"{problem} : valeur ignorée")
        return {name: value for name, value in values.items() if value not in ("", None)}

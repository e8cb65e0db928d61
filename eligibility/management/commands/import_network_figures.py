"""Import the official CO2 contents and renewable shares of every French network (the "arrêté DPE"
list that energy performance certificates use).

    manage.py import_network_figures contenus-co2-enrr-2026.csv --source "Liste arrêté DPE 2026"

Columns: identifiant, nom, localisation, contenu_co2, contenu_co2_acv, taux_enrr, annee_reference
(comma or semicolon separated, UTF-8, decimal point or comma). A network of the list that is not in
the database yet is created without a route (kind from the C/F suffix, name, communes as text): the
list is the reference of the networks "without a route" that the eligibility test matches by
commune. An empty cell leaves the network's value as it is.
"""

from eligibility.importing import (
    ImportCommand,
    Noun,
    Row,
    RowRejected,
    parse_network_id,
    parse_number,
    parse_text,
    read_csv,
    upsert,
)
from eligibility.models import HeatNetwork, NetworkKind

COLUMNS = [
    "identifiant",
    "nom",
    "localisation",
    "contenu_co2",
    "contenu_co2_acv",
    "taux_enrr",
    "annee_reference",
]
KINDS = {"C": NetworkKind.HEAT, "F": NetworkKind.COLD}


class Command(ImportCommand):
    help = (
        "Importe la liste officielle des contenus CO2 et taux EnR&R des réseaux (arrêté DPE) ; "
        "crée, sans tracé, les réseaux absents de la base."
    )
    noun = Noun("réseau", "réseaux")
    path_help = "Fichier CSV (identifiant,nom,localisation,contenu_co2,contenu_co2_acv,taux_enrr,annee_reference)."

    def import_file(self, path, report):
        rows: dict[str, Row] = {}
        with self.progress(total=path.stat().st_size, label="Lignes") as progress:
            for line, values in read_csv(path, COLUMNS, report, progress=progress):
                report.rows_read += 1
                where, record = f"ligne {line}", dict(zip(COLUMNS, values, strict=True))
                try:
                    network_id = parse_network_id(record["identifiant"], "identifiant")
                    where = f"{where} ({network_id})"
                    values = self.figures(record)
                except RowRejected as rejection:
                    report.reject(where, str(rejection))
                    continue
                if network_id in rows:
                    report.reject(where, f"identifiant en double (déjà {rows[network_id].where})")
                    continue
                defaults = {
                    "kind": KINDS[network_id[-1]],
                    "name": parse_text(record["nom"]),
                    "commune_names": parse_text(record["localisation"]),
                }
                rows[network_id] = Row(where, values, defaults)
        upsert(
            HeatNetwork,
            "network_id",
            rows,
            report,
            source=self.source,
            source_date=self.source_date,
            merge_sources=True,
        )

    @staticmethod
    def figures(record: dict[str, str]) -> dict:
        values = {
            "co2_kg_per_kwh": parse_number(
                record["contenu_co2"], "contenu_co2", minimum=0, below=2
            ),
            "co2_lifecycle_kg_per_kwh": parse_number(
                record["contenu_co2_acv"], "contenu_co2_acv", minimum=0, below=2
            ),
            "enrr_rate": parse_number(record["taux_enrr"], "taux_enrr", minimum=0, maximum=100),
            "figures_year": parse_text(record["annee_reference"]) or None,
        }
        return {name: value for name, value in values.items() if value is not None}

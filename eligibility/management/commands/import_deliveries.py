"""Import the heat and cold delivered per network, IRIS district and sector (SDES local energy data).

    manage.py import_deliveries livraisons-par-iris-2019.json

The file is a JSON list of objects: `id` (network id, lower case: "0103c"), `operateur`, `annee`,
`code` (IRIS, 9 characters; a number may have lost its leading zero), `filiere` (c heat, f cold),
`code_grand` (sector: r, t, i, a, x), `conso` (MWh, decimal comma; "s" = statistical secrecy) and
`pdl` (delivery points, "s" too). Rows are keyed on (network, IRIS, sector, year) and written in
bulk; each is linked to its network when the network is known.

Then the `deliveries` summary of every network of the file is recomputed from all its IRIS rows of
the most recent year, unless the network's summary comes from the national export (livraisons_*
attributes, read by import_networks), which is more complete.
"""

import re
from collections import defaultdict

from django.core.management.base import CommandError
from django.db.models import Count, Q, Sum
from django.utils import timezone

from eligibility.importing import (
    DELIVERIES_FROM_EXPORT,
    DELIVERIES_FROM_SDES,
    ImportCommand,
    Noun,
    RowRejected,
    parse_int,
    parse_network_id,
    parse_number,
    parse_text,
    read_json,
)
from eligibility.models import HeatNetwork, NetworkDelivery

REQUIRED = ["id", "annee", "code", "code_grand", "conso"]
SECTOR_KEYS = {
    NetworkDelivery.Sector.RESIDENTIAL: "residentiel",
    NetworkDelivery.Sector.TERTIARY: "tertiaire",
    NetworkDelivery.Sector.INDUSTRY: "industrie",
    NetworkDelivery.Sector.AGRICULTURE: "agriculture",
    NetworkDelivery.Sector.OTHER: "autre",
}
# An IRIS code: INSEE code of the commune + 4 digits. The SDES masks the district of a commune
# without IRIS (or under secrecy) with "xxxx", and sometimes the commune too ("75xxxxxxx").
IRIS_CODE = re.compile(r"^(?:\d{2}|2[AB])(?:\d{3}(?:\d{4}|xxxx)|xxxxxxx)$")
STATISTICAL_SECRECY = "s"


def parse_iris(value) -> str:
    if isinstance(value, int):
        value = f"{value:09d}"
    text = parse_text(value)
    code = text[:2].upper() + text[2:].lower()
    if not IRIS_CODE.match(code):
        raise RowRejected(
            f"code IRIS « {value} » invalide (9 caractères : code INSEE de la commune puis "
            "4 chiffres ou xxxx)"
        )
    return code


def parse_secret(value, label, parse):
    """`s`: withheld by statistical secrecy, stored as empty."""
    if isinstance(value, str) and value.strip().lower() == STATISTICAL_SECRECY:
        return None
    return parse(value, label, minimum=0)


class Command(ImportCommand):
    help = "Importe les livraisons de chaleur et de froid par réseau, IRIS et secteur (SDES)."
    noun = Noun("livraison", "livraisons", feminine=True)
    with_source = False
    path_help = "Fichier JSON des livraisons par IRIS (liste d’objets)."

    def import_file(self, path, report):
        data = read_json(path)
        if not isinstance(data, list):
            raise CommandError(f"{path.name} : une liste JSON d’objets est attendue.")
        if data and isinstance(data[0], dict):
            missing = [key for key in REQUIRED if key not in data[0]]
            if missing:
                raise CommandError(
                    f"{path.name} : attribut(s) obligatoire(s) absent(s) : {', '.join(missing)}. "
                    f"Attributs trouvés : {', '.join(data[0])}."
                )

        rows: dict[tuple, tuple] = {}
        where_of: dict[tuple, str] = {}
        with self.progress(total=len(data), label="Livraisons") as progress:
            for index, item in enumerate(data, start=1):
                progress.advance()
                report.rows_read += 1
                where = f"élément {index}"
                try:
                    key, values = self.read(item)
                except RowRejected as rejection:
                    report.reject(where, str(rejection))
                    continue
                if key in rows:
                    report.reject(where, f"livraison en double (déjà {where_of[key]})")
                    continue
                rows[key] = values
                where_of[key] = where

        codes = {key[0] for key in rows}
        networks = dict(
            HeatNetwork.objects.filter(network_id__in=codes).values_list("network_id", "pk")
        )
        self.write(rows, networks, report)
        unknown = len(codes - networks.keys())
        if unknown:
            report.note(
                f"{unknown} identifiant(s) de réseau sans réseau en base : livraisons gardées "
                "sans lien (elles seront liées à une prochaine importation)."
            )
        self.summarise(networks, report)

    @staticmethod
    def read(item) -> tuple[tuple, tuple]:
        if not isinstance(item, dict):
            raise RowRejected("objet JSON attendu")
        missing = [key for key in REQUIRED if key not in item]
        if missing:
            raise RowRejected(f"attribut(s) absent(s) : {', '.join(missing)}")
        network_code = parse_network_id(item["id"], "id")
        fluid = parse_text(item.get("filiere")).upper()
        if fluid and fluid != network_code[-1]:
            raise RowRejected(
                f"filière {fluid.lower()} incohérente avec l’identifiant {network_code}"
            )
        sector = parse_text(item["code_grand"]).lower()
        if sector not in SECTOR_KEYS:
            raise RowRejected(f"code_grand « {item['code_grand']} » inconnu (r, t, i, a ou x)")
        year = parse_int(item["annee"], "annee", minimum=1990, maximum=2100)
        if year is None:
            raise RowRejected("annee manquante")
        key = (network_code, parse_iris(item["code"]), sector, year)
        values = (
            parse_secret(item["conso"], "conso", parse_number),
            parse_secret(item.get("pdl"), "pdl", parse_int),
            parse_text(item.get("operateur"))[:255],
        )
        return key, values

    @staticmethod
    def write(rows: dict[tuple, tuple], networks: dict[str, int], report) -> None:
        """Upsert in bulk (INSERT … ON CONFLICT DO UPDATE), counting what changes."""
        existing = {
            (code, iris, sector, year): (mwh, points, operator, network)
            for code, iris, sector, year, mwh, points, operator, network in (
                NetworkDelivery.objects.filter(
                    network_code__in={key[0] for key in rows}, year__in={key[3] for key in rows}
                ).values_list(
                    "network_code",
                    "iris",
                    "sector",
                    "year",
                    "mwh",
                    "delivery_points",
                    "operator",
                    "network",
                )
            )
        }
        to_write = []
        for key, (mwh, points, operator) in rows.items():
            network = networks.get(key[0])
            current = existing.get(key)
            if current is None:
                report.created += 1
            elif current == (mwh, points, operator, network):
                report.unchanged += 1
                continue
            else:
                report.updated += 1
            code, iris, sector, year = key
            to_write.append(
                NetworkDelivery(
                    network_code=code,
                    iris=iris,
                    sector=sector,
                    year=year,
                    mwh=mwh,
                    delivery_points=points,
                    operator=operator,
                    network_id=network,
                )
            )
        NetworkDelivery.objects.bulk_create(
            to_write,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["network_code", "iris", "sector", "year"],
            update_fields=["mwh", "delivery_points", "operator", "network"],
        )

    @staticmethod
    def summarise(networks: dict[str, int], report) -> None:
        """Recompute `HeatNetwork.deliveries` from the IRIS rows of each network's latest year."""
        totals: dict[str, dict[int, dict]] = defaultdict(lambda: defaultdict(dict))
        for code, year, sector, mwh, secret in (
            NetworkDelivery.objects.filter(network_code__in=networks)
            .values("network_code", "year", "sector")
            .annotate(total_mwh=Sum("mwh"), secret_rows=Count("pk", filter=Q(mwh__isnull=True)))
            .values_list("network_code", "year", "sector", "total_mwh", "secret_rows")
        ):
            totals[code][year][sector] = (mwh or 0.0, secret)

        changed, kept = [], 0
        for network in HeatNetwork.objects.filter(network_id__in=networks).only(
            "pk", "network_id", "deliveries"
        ):
            if network.deliveries.get("source") == DELIVERIES_FROM_EXPORT:
                kept += 1
                continue
            year = max(totals[network.network_id])
            sectors = totals[network.network_id][year]
            summary = {
                name: round(sectors.get(sector, (0.0, 0))[0], 2)
                for sector, name in SECTOR_KEYS.items()
            }
            summary["total"] = round(sum(mwh for mwh, _ in sectors.values()), 2)
            summary["annee"] = year
            summary["secret_statistique"] = sum(secret for _, secret in sectors.values())
            summary["source"] = DELIVERIES_FROM_SDES
            if network.deliveries != summary:
                network.deliveries = summary
                network.updated_at = timezone.now()
                changed.append(network)
        HeatNetwork.objects.bulk_update(changed, ["deliveries", "updated_at"], batch_size=500)
        report.note(
            f"Livraisons par secteur des réseaux : {len(changed)} recalculée(s)"
            + (f", {kept} gardée(s) de l’export national" if kept else "")
            + "."
        )

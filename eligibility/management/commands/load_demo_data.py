"""Load the real open data of data/demo/ (see its README) with the import commands, in order.

    manage.py load_demo_data              # (re)load: the imports are idempotent
    manage.py load_demo_data --if-empty   # what `make run` calls: nothing if networks exist

Nothing fictitious is loaded. The whole load is one transaction: if a file fails, nothing stays.
The README gives years, not days, for the data dates: the 1st of January of that year is
recorded, and the year is part of the source text.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from eligibility.models import HeatNetwork

# (command, file under data/demo/, options), in the order the data depend on each other: the
# figures complete the routed networks and add those without a route; deliveries and plants are
# linked to the networks.
STEPS = [
    (
        "import_networks",
        "networks/traces-val-d-oise.geojson",
        {
            "layer": "heat",
            "source": "France Chaleur Urbaine, couche open data des réseaux de chaleur "
            "(extrait Val-d’Oise)",
        },
    ),
    (
        "import_network_figures",
        "networks/contenus-co2-enrr-2026.csv",
        {
            "source": "Liste des réseaux de l’arrêté DPE 2026 (contenus CO2 et taux EnR&R)",
            "source_date": "2026-01-01",
        },
    ),
    ("import_deliveries", "networks/livraisons-par-iris-2019.json", {}),
    (
        "import_plants",
        "networks/chaufferies-ile-de-france.geojson",
        {
            "source": "Région Île-de-France, chaufferies des réseaux de chaleur (2022)",
            "source_date": "2022-01-01",
        },
    ),
    ("import_ban_addresses", "addresses/adresses-95-extrait.csv", {}),
    (
        "import_rnic",
        "coproprietes/rnic-ile-de-france-extrait.geojson",
        {
            "source": "ANAH, registre national d’immatriculation des copropriétés (RNIC, "
            "extrait Île-de-France)"
        },
    ),
]


class Command(BaseCommand):
    help = "Charge les données ouvertes réelles de data/demo/ (réseaux, contenus CO2, livraisons, chaufferies, adresses, copropriétés)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne fait rien si des réseaux sont déjà en base.",
        )

    def handle(self, *args, if_empty=False, verbosity=1, **options):
        if if_empty and HeatNetwork.objects.exists():
            self.stdout.write(
                "Des réseaux sont déjà en base : données de démonstration non rechargées "
                "(--if-empty)."
            )
            return
        directory = settings.BASE_DIR / "data" / "demo"
        with transaction.atomic():
            for command, relative_path, step_options in STEPS:
                call_command(
                    command,
                    str(directory / relative_path),
                    verbosity=verbosity,
                    stdout=self.stdout,
                    stderr=self.stderr,
                    **step_options,
                )
                self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))

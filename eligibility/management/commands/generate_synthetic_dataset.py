"""Generates the synthetic national dataset of the benchmarks, and optionally loads it.

    python manage.py generate_synthetic_dataset --seed 1 --output bench/data
    python manage.py generate_synthetic_dataset --seed 1 --output bench/data --load

See eligibility/synthetic.py for what is generated and bench/README.md for its use.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eligibility import synthetic


class Command(BaseCommand):
    help = (
        "Génère un jeu de données synthétique (fictif) à l’échelle nationale dans les formats "
        "officiels : réseaux de chaleur et de froid, réseaux et zones en construction, PDP, "
        "adresses BAN. Avec --load, le charge dans la base courante par les commandes d’import."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, required=True, help="Graine du générateur.")
        parser.add_argument(
            "--output", type=Path, required=True, help="Dossier où écrire les fichiers."
        )
        parser.add_argument(
            "--networks",
            type=int,
            default=synthetic.DEFAULT_NETWORKS,
            help="Nombre de réseaux de chaleur avec tracé (le reste en découle). "
            f"Par défaut {synthetic.DEFAULT_NETWORKS}.",
        )
        parser.add_argument(
            "--addresses",
            type=int,
            default=synthetic.DEFAULT_ADDRESSES,
            help=f"Nombre d’adresses BAN. Par défaut {synthetic.DEFAULT_ADDRESSES}.",
        )
        parser.add_argument(
            "--reuse-existing",
            action="store_true",
            help="Ne régénère pas si le dossier contient déjà ce jeu (même graine, mêmes tailles).",
        )
        parser.add_argument(
            "--load",
            action="store_true",
            help="Charge ensuite les fichiers dans la base courante et les marque synthétiques.",
        )
        parser.add_argument(
            "--allow-mixed",
            action="store_true",
            help="Autorise --load dans une base qui contient déjà des réseaux réels.",
        )

    def handle(
        self, *args, seed, output, networks, addresses, reuse_existing, load, allow_mixed, **options
    ):
        output = Path(output)
        try:
            size = synthetic.DatasetSize(networks=networks, addresses=addresses)
        except ValueError as error:
            raise CommandError(str(error)) from error

        if load and not allow_mixed:
            # Fail before spending a minute on generation.
            identifiers = synthetic.plan_dataset(seed, size).identifiers()
            real = {k: n for k, n in synthetic.count_real_records(identifiers).items() if n}
            if real:
                found = ", ".join(f"{count} {kind}" for kind, count in real.items())
                raise CommandError(
                    f"La base contient des données réelles ({found}) : le jeu synthétique se "
                    "charge dans sa propre base (voir bench/README.md). Ajoutez --allow-mixed "
                    "pour passer outre."
                )

        if reuse_existing and synthetic.manifest_matches(
            synthetic.read_manifest(output), seed=seed, size=size
        ):
            self.stdout.write(f"Jeu synthétique déjà présent dans {output} : rien à générer.")
        else:
            started = time.perf_counter()
            self.stdout.write(
                f"Génération du jeu synthétique (graine {seed}, {size.networks} réseaux avec "
                f"tracé, {size.addresses} adresses) dans {output}…"
            )
            try:
                synthetic.generate_dataset(output, seed=seed, size=size, log=self.stdout.write)
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                self.style.SUCCESS(f"Jeu généré en {time.perf_counter() - started:.1f} s.")
            )

        if load:
            started = time.perf_counter()
            flagged = synthetic.load_dataset(
                output, allow_mixed=allow_mixed, stdout=self.stdout, log=self.stdout.write
            )
            details = ", ".join(f"{layer} : {count}" for layer, count in flagged.items())
            self.stdout.write(
                self.style.SUCCESS(
                    f"Jeu chargé en {time.perf_counter() - started:.1f} s ; "
                    f"enregistrements marqués synthétiques : {details}."
                )
            )

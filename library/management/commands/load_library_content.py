"""Loads the library's starting documents (data/library/catalogue.toml): idempotent."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from library import content


class Command(BaseCommand):
    help = (
        "Charge les documents de départ de la bibliothèque (/ressources) depuis "
        "data/library/catalogue.toml : thèmes, guides, modèle de résolution, fichiers générés. "
        "Peut être relancée : les documents sont mis à jour d’après leur identifiant."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--catalogue",
            type=Path,
            default=content.DEFAULT_CATALOGUE,
            help="Chemin du catalogue TOML (par défaut data/library/catalogue.toml).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Vérifie et simule le chargement sans rien enregistrer.",
        )

    def handle(self, *args, catalogue, dry_run, **options):
        try:
            entries = content.read_catalogue(catalogue)
        except content.ContentError as error:
            raise CommandError(
                f"{len(error.errors)} erreur(s) dans le catalogue :\n- " + "\n- ".join(error.errors)
            ) from error
        report = content.load_catalogue(entries, dry_run=dry_run)
        prefix = "[simulation] " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}Thèmes : {report.topics_created} créés, {report.topics_updated} mis à jour. "
                f"Documents : {report.documents_created} créés, {report.documents_updated} mis à jour. "
                f"Fichiers : {report.files_written} écrits, {report.files_unchanged} inchangés."
            )
        )

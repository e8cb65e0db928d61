"""Computes the figures of /stats (France, régions, départements) and stores them: to run from
cron every 15 minutes, so that the figures are never more than an hour old even when nobody
visits the page and no task worker runs. Idempotent."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from stats import queries
from stats.models import StatisticsSnapshot


class Command(BaseCommand):
    help = "Calcule les chiffres de /stats (France, régions, départements) et les enregistre."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-older-than",
            type=int,
            default=0,
            metavar="MINUTES",
            help="Ne calcule que si les chiffres enregistrés ont au moins cet âge (minutes).",
        )

    def handle(self, *args, if_older_than, **options):
        started = timezone.now()
        computed = queries.refresh(
            started,
            unless_newer_than=(timedelta(minutes=if_older_than) if if_older_than else None),
        )
        if not computed:
            self.stdout.write("Chiffres déjà à jour : rien à calculer.")
            return
        seconds = (timezone.now() - started).total_seconds()
        count = StatisticsSnapshot.objects.filter(computed_at=started).count()
        self.stdout.write(f"Chiffres de {count} territoires calculés en {seconds:.1f} s.")

from django.conf import settings
from django.core.management.base import BaseCommand

from contacts import services
from contacts.management.commands._clock import add_now_argument, parse_now


class Command(BaseCommand):
    help = (
        "Anonymise les demandes sans activité depuis LEAD_RETENTION_DAYS jours : noms, "
        "adresse électronique, téléphone, commentaire et adresse précise sont effacés."
    )

    def add_arguments(self, parser):
        add_now_argument(parser)

    def handle(self, *args, now=None, **options):
        count = services.purge_personal_data(now=parse_now(now))
        self.stdout.write(
            f"{count} demande(s) anonymisée(s) (conservation : {settings.LEAD_RETENTION_DAYS} jours)."
        )

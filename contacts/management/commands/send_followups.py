from django.core.management.base import BaseCommand

from contacts import services
from contacts.management.commands._clock import add_now_argument, parse_now


class Command(BaseCommand):
    help = "Demande aux demandeurs, 30 jours après leur demande, s’ils ont été recontactés (une fois par demande)."

    def add_arguments(self, parser):
        add_now_argument(parser)

    def handle(self, *args, now=None, **options):
        count = services.send_followups(now=parse_now(now))
        self.stdout.write(f"{count} courriel(s) de suivi mis en file d’envoi.")

from django.core.management.base import BaseCommand

from contacts import services
from contacts.management.commands._clock import add_now_argument, parse_now


class Command(BaseCommand):
    help = "Relance les organismes dont une demande est « À traiter » depuis 7 jours (une fois par demande)."

    def add_arguments(self, parser):
        add_now_argument(parser)

    def handle(self, *args, now=None, **options):
        count = services.send_reminders(now=parse_now(now))
        self.stdout.write(f"{count} relance(s) mise(s) en file d’envoi.")

from django.core.management.base import BaseCommand

from contacts import emails
from contacts.management.commands._clock import add_now_argument, parse_now


class Command(BaseCommand):
    help = (
        "Envoie les courriels en attente : nouvelles tentatives arrivées à échéance, et "
        "courriels dont la tâche d’envoi a été perdue."
    )

    def add_arguments(self, parser):
        add_now_argument(parser)

    def handle(self, *args, now=None, **options):
        count = emails.send_pending(now=parse_now(now))
        self.stdout.write(f"{count} courriel(s) envoyé(s).")

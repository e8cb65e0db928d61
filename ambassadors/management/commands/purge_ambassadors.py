from django.conf import settings
from django.core.management.base import BaseCommand

from ambassadors import services
from contacts.management.commands._clock import add_now_argument, parse_now


class Command(BaseCommand):
    help = (
        "Anonymise les échanges avec les copropriétés ambassadrices sans message depuis "
        "AMBASSADOR_MESSAGE_RETENTION_DAYS jours ; supprime les inscriptions jamais confirmées et "
        "efface les données des inscriptions refusées après AMBASSADOR_PENDING_DAYS jours."
    )

    def add_arguments(self, parser):
        add_now_argument(parser)

    def handle(self, *args, now=None, **options):
        counts = services.purge(now=parse_now(now))
        self.stdout.write(
            f"{counts['messages']} message(s) anonymisé(s) (conservation : "
            f"{settings.AMBASSADOR_MESSAGE_RETENTION_DAYS} jours), "
            f"{counts['unconfirmed']} inscription(s) non confirmée(s) supprimée(s), "
            f"{counts['rejected']} inscription(s) refusée(s) anonymisée(s) "
            f"(délai : {settings.AMBASSADOR_PENDING_DAYS} jours)."
        )

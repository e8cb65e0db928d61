"""The `--now` option of the periodic commands: run as if at another time (catch-up, tests)."""

from datetime import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def add_now_argument(parser):
    parser.add_argument(
        "--now",
        help="Date et heure de référence (ISO 8601, par exemple 2026-05-01T08:00) ; "
        "par défaut, maintenant.",
    )


def parse_now(value) -> datetime:
    if value is None:
        return timezone.now()
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError as error:
            raise CommandError(f"--now : date invalide {value!r}.") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment

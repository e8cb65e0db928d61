"""The current two-factor code of a demo account, so that a newcomer can log in as the national
team on their machine without an authenticator application:

    manage.py demo_otp_code equipe.nationale

Only for the demo accounts of create_demo_accounts, and never in production.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from contacts.management.commands.create_demo_accounts import DEMO_USERNAMES


class Command(BaseCommand):
    help = "Affiche le code de double authentification actuel d’un compte de démonstration."

    def add_arguments(self, parser):
        parser.add_argument("username", choices=DEMO_USERNAMES)

    def handle(self, *args, username, **options):
        if settings.DJANGO_ENV == "production":
            raise CommandError("Refusé en production.")
        device = (
            TOTPDevice.objects.filter(user__username=username, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            raise CommandError(
                f"{username} n’a pas d’application d’authentification : lancez "
                "create_demo_accounts, ou connectez-vous pour en configurer une."
            )
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")

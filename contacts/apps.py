from django.apps import AppConfig
from django.conf import settings
from django.core import checks


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Demandes de contact"

    def ready(self):
        checks.register(two_factor_for_all_staff, checks.Tags.security, deploy=True)


def two_factor_for_all_staff(app_configs, **kwargs):
    """`check --deploy` warns when operators and agencies may log in with a password only."""
    if settings.OTP_REQUIRED_FOR_ALL_STAFF:
        return []
    return [
        checks.Warning(
            "OTP_REQUIRED_FOR_ALL_STAFF is off: operators' and agencies' staff log in to the back "
            "office with a password only.",
            hint="Set OTP_REQUIRED_FOR_ALL_STAFF=true in production.",
            id="contacts.W001",
        )
    ]

"""Creates or updates the back office's groups and their permissions (contacts/groups.py).

    manage.py sync_backoffice_groups

Idempotent. Run it after `migrate` when deploying: a new model brings permissions that the
national team's group should get.
"""

from django.core.management.base import BaseCommand

from contacts.groups import sync_groups


class Command(BaseCommand):
    help = "Crée ou met à jour les groupes de l’espace gestionnaire et leurs permissions."

    def handle(self, *args, **options):
        for name, count in sync_groups().items():
            self.stdout.write(f"{name} : {count} permission(s).")

"""Gives the national team's group ("Équipe nationale", contacts/groups.py) the permissions of the
ambassadors' models: they exist only now (Django creates permissions after all migrations), so
they are created here first, then the groups are synchronised again."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def sync(apps, schema_editor):
    from contacts.groups import sync_groups

    app_config = apps.get_app_config("ambassadors")
    app_config.models_module = True  # historical app configs have none
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("ambassadors", "0001_initial"),
        ("contacts", "0003_backoffice_groups"),
    ]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]

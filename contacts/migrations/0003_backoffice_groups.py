"""The back office's groups ("Gestionnaire de réseau", "Conseiller territorial", "Équipe
nationale") with their model permissions (contacts/groups.py).

Django creates permissions after all migrations (post_migrate): on a fresh database they do not
exist yet, so this migration creates those of the apps it needs first.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APPS_WITH_PERMISSIONS = ["contacts", "admin", "auth", "eligibility"]


def create_groups(apps, schema_editor):
    from contacts.groups import sync_groups

    for label in APPS_WITH_PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # historical app configs have none
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_groups(apps)


def delete_groups(apps, schema_editor):
    from contacts.groups import GROUP_PERMISSIONS

    apps.get_model("auth", "Group").objects.filter(name__in=list(GROUP_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_backoffice"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("eligibility", "0003_map_route_overviews"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]

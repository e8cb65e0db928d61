"""The back office's groups and their model permissions (least privilege).

A staff account needs `is_staff`, a membership of an organisation and one of these groups. The
permissions say what kind of object an account may touch; the organisation says which ones
(`Lead.objects.visible_to`): an operator's staff with "change lead" still only reach the leads
assigned to their organisation.

`sync_groups` creates or updates the groups; the data migration 0003, `create_demo_accounts` and
`sync_backoffice_groups` (to run after the migrations of a deployment: new models bring new
permissions) call it. It takes an app registry so that a migration can pass its historical one,
and skips the permissions that do not exist (yet). A codename "*" stands for the view, add and
change permissions of every model of the app (content the national team edits).
"""

from django.apps import apps as global_apps

OPERATOR = "Gestionnaire de réseau"
ADVISOR = "Conseiller territorial"
NATIONAL_TEAM = "Équipe nationale"

# Operators and advisors read their leads with their history and emails, and act on them (status,
# reply, note, reassignment request) through the lead's page: "change lead" allows those actions,
# never an edit of what the requester sent. No delete: personal data goes through anonymisation.
_LEAD_HANDLING = [
    ("contacts", "view_lead"),
    ("contacts", "change_lead"),
    ("contacts", "view_leadevent"),
    ("contacts", "view_outgoingemail"),
]

GROUP_PERMISSIONS = {
    OPERATOR: _LEAD_HANDLING,
    ADVISOR: _LEAD_HANDLING,
    NATIONAL_TEAM: [
        *_LEAD_HANDLING,
        # Organisations, their members and territories.
        ("contacts", "view_organisation"),
        ("contacts", "add_organisation"),
        ("contacts", "change_organisation"),
        ("contacts", "view_membership"),
        ("contacts", "add_membership"),
        ("contacts", "change_membership"),
        ("contacts", "delete_membership"),
        # Email failures, resent from the back office.
        ("contacts", "change_outgoingemail"),
        # The audit trail (read-only).
        ("admin", "view_logentry"),
        # Staff accounts: read only; superusers create them (a "change user" permission would let
        # its holder make anyone a superuser).
        ("auth", "view_user"),
        # Ambassadors: moderation (actions) and the relayed messages (ambassadors/admin.py).
        *[
            ("ambassadors", f"{action}_{model}")
            for model in ["ambassador", "message"]
            for action in ["view", "change"]
        ],
        # Networks and their figures, zones, plants, addresses: the eligibility data.
        *[
            ("eligibility", f"{action}_{model}")
            for model in [
                "heatnetwork",
                "futurenetwork",
                "priorityzone",
                "heatplant",
                "address",
                "networkdelivery",
                "condominium",
            ]
            for action in ["view", "add", "change"]
        ],
        # Content: the library's documents, the ambassadors and their moderation.
        ("library", "*"),
        ("ambassadors", "*"),
    ],
}
CONTENT_ACTIONS = ("view_", "add_", "change_")


def sync_groups(apps=global_apps) -> dict[str, int]:
    """Creates the groups and sets exactly their permissions; returns the count per group."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    counts = {}
    for name, wanted in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for app_label, codename in wanted:
            found = Permission.objects.filter(content_type__app_label=app_label)
            if codename == "*":
                permissions += [p for p in found if p.codename.startswith(CONTENT_ACTIONS)]
            else:
                permissions += list(found.filter(codename=codename))
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts

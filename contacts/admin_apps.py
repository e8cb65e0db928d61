"""The admin application with the back office's site (contacts/admin_site.py) as `admin.site`, so
that every app's `@admin.register` lands on the site that requires two-factor authentication.

Kept apart from admin_site.py: INSTALLED_APPS imports this module before the models are ready.
"""

from django.contrib.admin.apps import AdminConfig


class BackOfficeAdminConfig(AdminConfig):
    default_site = "contacts.admin_site.BackOfficeSite"

"""/admin/prospects/: the prospects of the back office (contacts/prospects_views.py), behind the
admin site's login and two-factor check."""

from django.contrib import admin
from django.urls import path

from contacts import prospects_views

app_name = "prospects"

urlpatterns = [
    path("", admin.site.admin_view(prospects_views.prospect_list), name="list"),
    path(
        "export/<str:fmt>/",
        admin.site.admin_view(prospects_views.prospect_export),
        name="export",
    ),
]

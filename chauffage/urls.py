from django.contrib import admin
from django.urls import include, path

from chauffage import views
from eligibility import views as eligibility_views

admin.site.site_header = "France Chaleur Urbaine — administration"
admin.site.site_title = "France Chaleur Urbaine"
admin.site.index_title = "Espace gestionnaire"

# An unknown address under /api/v1/ (or of the tiles, the exports…) gets a JSON 404.
handler404 = "chauffage.views.page_not_found"

urlpatterns = [
    path("", eligibility_views.home, name="home"),
    path("", include("eligibility.urls")),
    path("", include("contacts.urls")),
    path("", include("ambassadors.urls")),
    path("", include("library.urls")),
    path("", include("stats.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    path("accessibilite/", views.information_page, {"page": "accessibility"}, name="accessibility"),
    path(
        "mentions-legales/", views.information_page, {"page": "legal_notice"}, name="legal_notice"
    ),
    path(
        "donnees-personnelles/",
        views.information_page,
        {"page": "personal_data"},
        name="personal_data",
    ),
    path("gestion-des-cookies/", views.information_page, {"page": "cookies"}, name="cookies"),
    path("admin/prospects/", include("contacts.prospects_urls")),
    path("api/v1/eligibility/", include("contacts.bulk_api_urls")),
    path("admin/test-en-masse/", include("contacts.bulk_urls")),
    path("admin/", admin.site.urls),
]

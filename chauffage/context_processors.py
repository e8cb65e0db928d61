from django.conf import settings


class SiteConfig:
    """What django-dsfr's templates read from SITE_CONFIG, without a database query per page."""

    site_title = "France Chaleur Urbaine"
    site_tagline = "Raccorder sa copropriété à un réseau de chaleur"
    beta_tag = True
    accessibility_status = "NOT"
    footer_brand = "République française"
    header_brand_html = "République<br>française"
    footer_brand_html = "République<br>française"
    mourning = False
    notice_title = ""
    notice_description = ""

    def get_accessibility_status_display(self):
        return "non"


_SITE_CONFIG = SiteConfig()


def site(request):
    return {
        "SITE_CONFIG": _SITE_CONFIG,
        "FEEDBACK_URL": settings.FEEDBACK_URL,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
        "MATOMO_URL": settings.MATOMO_URL,
        "MATOMO_SITE_ID": settings.MATOMO_SITE_ID,
    }


# The main navigation: (label, URL name). Entries whose URL does not exist are left out.
MAIN_MENU = [
    ("Accueil", "home"),
    ("Carte des réseaux", "eligibility:map"),
    ("Réseaux", "eligibility:network_list"),
    ("Ambassadeurs", "ambassadors:list"),
    ("Ressources", "library:list"),
    ("Statistiques", "stats:index"),
]


def main_menu(request):
    from django.urls import NoReverseMatch, reverse

    items = []
    for label, name in MAIN_MENU:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return {"MAIN_MENU": items}

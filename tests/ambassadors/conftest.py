import io

import pytest
from PIL import Image

from tests.ambassadors.factories import sarcelles_network
from tests.eligibility.factories import SARCELLES, AddressFactory

BROKEN = "tests.contacts.email_backends.BrokenEmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded photos land in a temporary directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AMBASSADOR_MODERATION_EMAIL = "moderation@fcu.example.fr"
    return settings.MEDIA_ROOT


@pytest.fixture
def network(db):
    AddressFactory()  # 15 allée Paul Dukas, known to the local geocoder
    return sarcelles_network()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A context manager: what runs inside it has its on-commit callbacks (emails, file
    deletions) run as after a real commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def jpeg_bytes(size=(800, 600), color=(200, 60, 40), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG", **save)
    return buffer.getvalue()


def sign_up_data(**overrides) -> dict:
    """What step 2 of the sign-up posts for 15 allée Paul Dukas, with the autocomplete's point."""
    label = "15 Allée Paul Dukas 95200 Sarcelles"
    data = {
        "adresse": label,
        "label": label,
        "lat": str(SARCELLES[0]),
        "lon": str(SARCELLES[1]),
        "citycode": "95585",
        "connection_year": "2019",
        "dwellings": "48",
        "works": "Sous-station en chaufferie.",
        "cost_eur": "85000",
        "savings_percent": "20",
        "savings_public": "on",
        "testimony": "Le raccordement a été voté en 2018 ; nos charges ont baissé.",
        "contact_role": "council",
        "contact_name": "Dominique Lefèvre",
        "contact_email": "conseil.syndical@residence-dukas.example.fr",
        "consent": "on",
        "site_web": "",
    }
    data.update(overrides)
    return data

"""Fixtures of the geocoding tests: real BAN addresses in the local index, and a loopback HTTP
server that answers as the national address API, from canned files (tests/fixtures/ban/)."""

import csv
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import transaction

from eligibility import geocoding
from eligibility.models import Address
from eligibility.text import normalize
from tests.geocoding.fake_ban import FakeBAN, start_server
from tests.geocoding.silent_server import SilentServer

ROOT = Path(__file__).resolve().parents[2]
DEMO_ADDRESSES = ROOT / "data" / "demo" / "addresses" / "adresses-95-extrait.csv"


@pytest.fixture(autouse=True)
def empty_cache():
    """Geocoding answers are cached: every test starts and ends with an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def _demo_addresses_in_a_transaction(django_db_setup, django_db_blocker):
    """Loaded once per module, inside a transaction that is rolled back after its last test
    (each test runs in a savepoint of it): nothing is ever committed to the test database."""
    with DEMO_ADDRESSES.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file, delimiter=";"))
    addresses = []
    for row in rows:
        address = Address(
            ban_id=row["id"],
            numero=int(row["numero"]) if row["numero"] else None,
            rep=row["rep"],
            nom_voie=row["nom_voie"],
            code_postal=row["code_postal"],
            code_insee=row["code_insee"],
            nom_commune=row["nom_commune"],
            location=Point(float(row["lon"]), float(row["lat"]), srid=4326),
        )
        address.search_label = normalize(address.label)
        addresses.append(address)
    with django_db_blocker.unblock(), transaction.atomic():
        Address.objects.bulk_create(addresses)
        yield addresses
        transaction.set_rollback(True)


@pytest.fixture
def demo_addresses(_demo_addresses_in_a_transaction, db):
    """The 530 real Val-d'Oise addresses of the demo extract of the BAN, as an import stores
    them: search_label is the normalised label, location the BAN position."""
    return _demo_addresses_in_a_transaction


@pytest.fixture
def ban_server(settings, monkeypatch):
    """A real HTTP server on 127.0.0.1 (any free port) standing for the address API, with the
    geocoder pointed at it and short backoffs (0.05 s, 0.1 s)."""
    fake = FakeBAN()
    server, thread = start_server(fake)
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    settings.GEOCODER = "ban"
    settings.GEOCODER_BAN_SCHEME = "http"
    settings.GEOCODER_BAN_DOMAIN = f"127.0.0.1:{server.server_address[1]}"
    settings.GEOCODER_TIMEOUT = 2.0
    settings.GEOCODER_RETRIES = 2
    settings.GEOCODER_MIN_SCORE = 0.5
    settings.GEOCODER_DEADLINE = 5.0
    monkeypatch.setattr(geocoding, "BACKOFF_SECONDS", 0.05)
    monkeypatch.setattr(geocoding, "MAX_RETRY_AFTER_SECONDS", 0.2)
    geocoding.breaker.reset()
    yield fake
    geocoding.breaker.reset()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def silent_server(ban_server, settings):
    """The geocoder pointed at a loopback server that accepts connections and never answers,
    with short timeouts (0.2 s a try, 0.2 s a call)."""
    server = SilentServer()
    settings.GEOCODER_BAN_DOMAIN = f"127.0.0.1:{server.port}"
    settings.GEOCODER_TIMEOUT = 0.2
    settings.GEOCODER_DEADLINE = 0.2
    yield server
    server.close()

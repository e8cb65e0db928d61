"""The API does what /api/v1/openapi.json says, checked by Schemathesis: every operation of the
description, requests generated from it (valid ones and invalid ones, NUL bytes included, wrong
methods, missing keys), every check Schemathesis has (no server error, documented status codes,
content types, headers and bodies, valid data accepted, invalid data rejected, authentication
enforced, 405 with Allow…), against the application in this process with the demo networks and
addresses of data/demo/ in the database and an organisation's valid key for the bulk test.

Deterministic (fixed seed, no example database) and bounded (a few examples per operation).
"""

from io import StringIO

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections, transaction

from contacts.models import ApiToken
from tests.contacts.factories import OrganisationFactory

EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def _demo_data_in_a_transaction(django_db_setup, django_db_blocker):
    """data/demo/ loaded once for the module, in a transaction rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo_data", stdout=StringIO())
        yield
        transaction.set_rollback(True)


# An operator's key, created by the `bulk_key` fixture: its digest is what the database keeps.
BULK_KEY = "fcu_conformite-openapi-de-l-api-en-masse"


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request, which would end the
    test's transaction: Django's test client disconnects that handler the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def bulk_key(_demo_data_in_a_transaction, db, settings, tmp_path):
    """A valid API key of an operator (the bulk test's operations need one); no rate limit
    (429) in the way of the checks; uploaded files in a temporary directory."""
    settings.RATELIMIT_API = settings.RATELIMIT_BULK_API = settings.RATELIMIT_TILES = "0/60"
    settings.MEDIA_ROOT = tmp_path / "media"
    organisation = OrganisationFactory(name="Dalkia Île-de-France")
    ApiToken.objects.create(
        organisation=organisation,
        name="Conformité OpenAPI",
        key_prefix=BULK_KEY[:12],
        key_hash=ApiToken.digest(BULK_KEY),
    )
    return BULK_KEY


CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20261205,
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES_PER_OPERATION,
            "deterministic": True,
            "database": "none",
        },
        "checks": {"enabled": True},
        "phases": {"stateful": {"enabled": False}},
        "auth": {"openapi": {"bulkToken": {"bearer": BULK_KEY}}},
        "operations": [
            {
                # What OpenAPI cannot say of separate parameters or of a file's content, the
                # description says in words, with the 400 that answers it: `lat` and `lon`
                # together or `address`; a tile's x and y below 2^z; a file with a header
                # and a usable column; an existing région, and a département inside it. Valid
                # data may meet these documented 400s.
                "include-operation-id": [
                    "getEligibility",
                    "getTile",
                    "createBulkEligibility",
                    "getStatistics",
                    "getStatisticsCsv",
                ],
                "checks": {
                    "positive_data_acceptance": {
                        "expected-statuses": ["2XX", "400", "401", "404", "409", "413", "429"]
                    }
                },
            }
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


@schema.parametrize()
def test_the_api_conforms_to_its_openapi_description(case):
    case.call_and_validate()

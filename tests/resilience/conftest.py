"""The database server stops answering, without touching the shared server: the test's thread
gets a connection pointed at a closed port of the loopback (refused at once), while the test's
own transaction waits on the real connection and is rolled back as usual."""

import socket

import pytest
from django.db import connections

from chauffage import ratelimit
from eligibility import index, recording


@pytest.fixture
def closed_port():
    """A loopback port bound but not listening: connections to it are refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@pytest.fixture
def database_down(db, settings, closed_port):
    """Turn the database off for the code under test; returns a function turning it back on.

    The rate limiter uses the database cache, as the default CACHE_URL does. The tests recorded
    meanwhile wait in memory (as in production, ELIGIBILITY_RECORD_DELAY_SECONDS > 0) and are
    dropped at the end: they must never reach the test database from the writing thread."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    settings.ELIGIBILITY_RECORD_DELAY_SECONDS = 3600
    real = connections["default"]
    down_settings = {**real.settings_dict, "HOST": "127.0.0.1", "PORT": str(closed_port)}
    down = type(real)(down_settings, "default")
    connections["default"] = down
    ratelimit._local.clear()  # the per-process counts of the rate limits
    yield
    connections["default"] = real
    down.close()
    ratelimit._local.clear()
    with recording._batches.lock:
        recording._batches.pending.clear()


@pytest.fixture
def fresh_index():
    """The in-memory index is loaded by the test (data of its own transaction), and forgotten
    after it."""
    index._current = None
    yield
    index._current = None

"""The database server stops answering, without touching the shared server: the test's thread
gets a connection pointed at a loopback port that drops every connection at once, while the test's
own transaction waits on the real connection and is rolled back as usual."""

import contextlib
import socket
import threading

import pytest
from django.db import connections

from chauffage import ratelimit
from eligibility import index, recording


class DownDatabase:
    """A loopback port where PostgreSQL would be: each connection is accepted and closed at
    once (the client fails at once), and counted."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.attempts = 0
        self.thread = threading.Thread(target=self._refuse, daemon=True)
        self.thread.start()

    def _refuse(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:  # closed
                return
            with self.lock:
                self.attempts += 1
            conn.close()

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self.thread.join(timeout=5)


@pytest.fixture
def database_down(db, settings):
    """Turn the database off for the code under test; returns the DownDatabase.

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
    server = DownDatabase()
    real = connections["default"]
    down_settings = {**real.settings_dict, "HOST": "127.0.0.1", "PORT": str(server.port)}
    down = type(real)(down_settings, "default")
    connections["default"] = down
    ratelimit.forget_failures()  # the per-process counts of the rate limits
    yield server
    connections["default"] = real
    down.close()
    server.close()
    ratelimit.forget_failures()
    with recording._batches.lock:
        recording._batches.pending.clear()


@pytest.fixture
def fresh_index():
    """The in-memory index is loaded by the test (data of its own transaction), and forgotten
    after it."""
    index._current = None
    yield
    index._current = None

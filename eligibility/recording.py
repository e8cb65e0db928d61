"""The eligibility tests recorded for /stats, written in batches.

A test of the page or of the API is one row of EligibilityCheck (no personal data: the commune,
never the address or the coordinates). Writing it in the request would cost a round trip to
PostgreSQL in every answer; the rows are instead kept in the process and written together, in one
statement, by a background thread every ELIGIBILITY_RECORD_DELAY_SECONDS, and when the process
stops (gunicorn's worker_exit hook, atexit). The commune of a test located by its coordinates
only is looked up in that statement (the nearest address, as the rules do), set-based.

What this trades: the rows of the last seconds of a process killed without warning (SIGKILL, a
crash) are lost, a few counts in the statistics; a failed write is retried, the rows kept in the
meantime (at most MAX_PENDING, the oldest dropped beyond, with a log line). With a delay of 0
(the tests' settings) each row is written at once, in the caller's transaction.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time

from django.conf import settings
from django.db import connection
from django.utils import timezone

from eligibility.index import NEAREST_COMMUNE_SQL

logger = logging.getLogger(__name__)

MAX_PENDING = 100_000

# The answers need not wait for the disk: a few statistics lost in a crash of the database server
# cost nothing (synchronous_commit off for this statement's transaction only, as SET LOCAL).
_INSERT_SQL = f"""
WITH quick AS (SELECT set_config('synchronous_commit', 'off', true))
INSERT INTO eligibility_eligibilitycheck
       (created_at, channel, code_insee, category, eligible, distance_m, network_id)
SELECT u.created_at, u.channel,
       CASE WHEN u.code <> '' OR u.lon IS NULL THEN u.code
            ELSE COALESCE({NEAREST_COMMUNE_SQL.format(point="p.g")}, '') END,
       u.category, u.eligible, u.distance_m, u.network_id
  FROM unnest(%s::timestamptz[], %s::text[], %s::text[], %s::text[], %s::boolean[], %s::int[],
              %s::text[], %s::float8[], %s::float8[])
       AS u(created_at, channel, code, category, eligible, distance_m, network_id, lon, lat)
  CROSS JOIN LATERAL (
    SELECT ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326)::geography AS g) p
  CROSS JOIN quick
"""  # noqa: S608 - fragments of this package only


def write(rows: list[tuple]) -> None:
    """Inserts rows (created_at, channel, INSEE code or "", category, eligible, distance,
    network id, lon, lat) with the current thread's connection, in one statement."""
    if not rows:
        return
    columns = [list(column) for column in zip(*rows, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL, columns)


class _Batches:
    """The rows waiting in this process, and the thread that writes them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.write_lock = threading.Lock()
        self.pending: list[tuple] = []
        self.thread: threading.Thread | None = None
        self.pid = None

    def add(self, row: tuple) -> None:
        with self.lock:
            self.pending.append(row)
            if self.thread is None or not self.thread.is_alive() or self.pid != os.getpid():
                self.pid = os.getpid()
                self.thread = threading.Thread(
                    target=self._run, name="eligibility-recording", daemon=True
                )
                self.thread.start()

    def _run(self) -> None:
        # Until the delay is set to 0 (which writes in the request). A change of the delay (the
        # tests make some) takes effect within a second.
        written = time.monotonic()
        while (delay := settings.ELIGIBILITY_RECORD_DELAY_SECONDS) > 0:
            time.sleep(min(delay, 1.0))
            if time.monotonic() - written >= settings.ELIGIBILITY_RECORD_DELAY_SECONDS:
                self.flush()
                written = time.monotonic()
        self.flush()

    def flush(self) -> int:
        """Writes the pending rows now; returns how many were written."""
        with self.write_lock:
            with self.lock:
                rows, self.pending = self.pending, []
            if not rows:
                return 0
            try:
                write(rows)
            except Exception:
                logger.exception("Eligibility tests not recorded yet (%d), will retry", len(rows))
                connection.close()  # a new connection next time
                with self.lock:
                    self.pending = rows + self.pending
                    if len(self.pending) > MAX_PENDING:
                        dropped = len(self.pending) - MAX_PENDING
                        del self.pending[:dropped]
                        logger.error("%d eligibility tests dropped: database unavailable", dropped)
                return 0
            return len(rows)


_batches = _Batches()


def record(
    verdict,
    *,
    channel: str,
    lat: float | None = None,
    lon: float | None = None,
) -> None:
    """Records one test. Its commune is the verdict's, else that of the coordinates (looked up
    when the row is written); the coordinates themselves are not stored."""
    row = (
        timezone.now(),
        channel,
        verdict.citycode or "",
        verdict.category,
        verdict.eligible,
        verdict.distance_m,
        verdict.network.id if verdict.network else "",
        lon,
        lat,
    )
    if settings.ELIGIBILITY_RECORD_DELAY_SECONDS <= 0:
        write([row])
    else:
        _batches.add(row)


def flush() -> int:
    """Writes the tests waiting in this process (at its end, or where a test needs them)."""
    return _batches.flush()


atexit.register(flush)

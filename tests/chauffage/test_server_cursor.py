"""chauffage.db.server_cursor: prepared statements, with Django's care for broken connections."""

import psycopg
import pytest
from django.db import OperationalError, connection

from chauffage.db import server_cursor


def _terminate(pid: int) -> None:
    """What a database restart does to the application's connection."""
    settings = connection.settings_dict
    with psycopg.connect(dbname=settings["NAME"], autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def _backend_pid() -> int:
    with server_cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_broken_connection_fails_as_django_error_and_is_closed_at_the_end_of_the_request():
    connection.health_check_done = True  # in the middle of a request: no new health check
    _terminate(_backend_pid())

    with pytest.raises(OperationalError), server_cursor() as cursor:
        cursor.execute("SELECT 1", prepare=True)

    assert connection.errors_occurred
    connection.close_if_unusable_or_obsolete()  # what Django does when the request ends
    assert connection.connection is None
    with server_cursor() as cursor:
        cursor.execute("SELECT 1", prepare=True)
        assert cursor.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
def test_a_new_request_replaces_a_connection_broken_in_between(settings):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    old_pid = _backend_pid()
    _terminate(old_pid)
    connection.health_check_done = False  # a new request starts (request_started)

    assert _backend_pid() != old_pid

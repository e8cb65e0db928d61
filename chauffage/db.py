"""A psycopg cursor that binds parameters on the server, for statements prepared once per
connection (Django's own cursors bind on the client side and never prepare).

It goes through what Django's cursors go through: the connection's health check at the start of
a request, and errors translated to Django's, which marks the connection unusable so that Django
closes it at the end of the request (a database restart costs one failed request, not every
request until the connection's maximum age).
"""

from contextlib import contextmanager

import psycopg
from django.db import connection


@contextmanager
def server_cursor():
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        yield cursor

"""gunicorn configuration: `gunicorn -c gunicorn.conf.py chauffage.wsgi`.

Workers default to 2 × CPU + 1 (sync workers: the work is in PostgreSQL, not in Python).
Every value can be overridden by its GUNICORN_* environment variable.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Workers are recycled now and then, as a guard against a slow leak, not every few seconds under
# load: each restart costs a fork, a database connection and a first request. 0 disables it.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# The application is loaded once, in the master, before the workers are forked: they share its
# memory, the networks of the eligibility test included (see pre_fork).
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server):
    """Imports the URL configuration and the views, reads the translations and compiles the
    templates once in the master, before the first fork (chauffage/warmup.py): no worker, first
    or restarted, pays for them on its first request."""
    from chauffage import warmup

    warmup.warm()


def worker_exit(server, worker):
    """Writes the eligibility tests this worker still holds (eligibility/recording.py), then, when
    the worker ends normally (recycled, or the server stopping), ends the process at once: Python
    would otherwise free every object of its heap one by one, the in-memory networks included
    (about 0.5 s on the national data), and gunicorn starts the replacement only once the process
    is gone. A worker ending on an error keeps its exit status (gunicorn stops on a boot error)."""
    import logging
    import sys

    from django.db import connections

    from eligibility import recording

    recording.flush()
    ending = sys.exc_info()[1]  # called while gunicorn's sys.exit() unwinds
    if isinstance(ending, SystemExit) and ending.code in (0, None):
        connections.close_all()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def pre_fork(server, worker):
    """Loads (or refreshes, when the data changed) the in-memory networks of the eligibility test
    (eligibility/index.py) in the master, so that every worker, restarted every max_requests,
    starts with them instead of reading them again; the master's database connection is closed
    before the fork, never shared with a worker."""
    from django.db import connections

    from eligibility import index

    try:
        index.current()
    except Exception:
        server.log.exception("Eligibility index not loaded in the master; workers load their own")
    finally:
        connections.close_all()

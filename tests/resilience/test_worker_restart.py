"""The background task worker of `make run` (scripts/worker.sh) survives a database restart:
a task queued after PostgreSQL came back is run. The worker runs for real, in its own process,
against the test database through a loopback proxy that the test cuts and restores."""

import os
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from contacts.models import OutgoingEmail
from tests.resilience.tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)  # the worker sees committed rows only


def wait_for(condition, what: str, *, seconds: float = 60) -> None:
    """Waits until `condition()` holds (polling): a bound on a wait, not a measure."""
    limit = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > limit:
            raise AssertionError(f"Still waiting for: {what}")
        time.sleep(0.1)


def queue_email(subject: str) -> OutgoingEmail:
    """An email and its task in the queue of the database backend, as the site queues them."""
    email = OutgoingEmail.objects.create(
        kind=OutgoingEmail.Kind.NOTIFICATION,
        recipient="demandes@exemple.fr",
        subject=subject,
        body="Bonjour",
    )
    DBTaskResult.objects.create(
        args_kwargs={"args": [email.pk], "kwargs": {}},
        task_path="contacts.tasks.send_email",
        queue_name="default",
        backend_name="default",
    )
    return email


def is_sent(email: OutgoingEmail) -> bool:
    email.refresh_from_db()
    return email.status == OutgoingEmail.Status.SENT


@pytest.fixture
def proxy():
    target = connection.settings_dict
    proxy = TcpProxy(("127.0.0.1", int(target["PORT"] or 5432)))
    yield proxy
    proxy.close()


@pytest.fixture
def worker(proxy, tmp_path):
    """scripts/worker.sh as `make run` starts it, on the test database through the proxy."""
    name = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_ENV": "dev",
        "DJANGO_SETTINGS_MODULE": "chauffage.settings",
        "DATABASE_URL": f"postgis://127.0.0.1:{proxy.port}/{name}",
        "CONN_MAX_AGE": "600",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "WORKER_RESTART_DELAY": "0.2",
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        ["scripts/worker.sh", "--no-reload", "--no-startup-delay", "--interval", "0.1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    log.close()


def test_a_task_queued_after_a_database_restart_is_run(proxy, worker):
    before = queue_email("Avant la coupure")
    wait_for(lambda: is_sent(before), "the first email sent")

    proxy.cut()
    # The worker lost its connection, stopped, was started again and tried to reconnect.
    wait_for(lambda: proxy.refused >= 2, "the worker started again while the database is down")
    proxy.restore()
    after = queue_email("Après la coupure")

    wait_for(lambda: is_sent(after), "the email queued after the restart sent")
    assert worker.poll() is None  # the loop still runs


def test_the_worker_loop_stops_with_its_worker_on_term(proxy, worker):
    wait_for(lambda: proxy.port and _connected(proxy), "the worker connected")

    worker.terminate()

    assert worker.wait(timeout=30) == 0


def _connected(proxy: TcpProxy) -> bool:
    with proxy.lock:
        return bool(proxy.open)

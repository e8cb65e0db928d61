"""gunicorn as `make run` and production start it (gunicorn.conf.py)."""

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from eligibility.models import EligibilityCheck
from tests.eligibility.factories import SARCELLES, HeatNetworkFactory, route_east_of

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_warm_up_imports_every_view_and_compiles_every_project_template():
    code = (
        "import sys, django; django.setup(); from chauffage import warmup; "
        "assert 'contacts.views' not in sys.modules; done = warmup.warm(); "
        "print(done['templates'], len(warmup.project_templates()), "
        "all(m in sys.modules for m in ('contacts.views', 'ambassadors.views', "
        "'eligibility.views', 'library.views', 'stats.views')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "chauffage.settings", "DJANGO_ENV": "dev"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    compiled, templates, views_imported = result.stdout.split()
    assert int(compiled) == int(templates) > 50
    assert views_imported == "True"


def test_workers_are_not_restarted_every_few_seconds_under_load():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    # About 300 requests/s per worker at full load: a restart every few minutes at most.
    assert config["max_requests"] == 0 or config["max_requests"] >= 50_000
    assert config["max_requests_jitter"] <= config["max_requests"] // 5


def run_gunicorn(log: Path, paths: list[str], **variables: str) -> list[int]:
    """Starts gunicorn as `make run` does (one worker), GETs `paths` once it answers, stops it
    (SIGTERM, gracefully) and returns the statuses; its log in `log`."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chauffage.settings",
        "DJANGO_ENV": "dev",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESSLOG": "/dev/null",
        **variables,
    }
    statuses = []
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "chauffage.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            for _ in range(150):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ping").close()
                    break
                except OSError:
                    time.sleep(0.2)
            for path in paths:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
                    statuses.append(response.status)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return statuses


def test_gunicorn_warms_django_up_in_its_master_before_forking_the_workers(tmp_path):
    log = tmp_path / "gunicorn.log"
    statuses = run_gunicorn(log, ["/api/v1/ping"])
    text = log.read_text()
    assert statuses == [200], text
    assert "Warmed up in" in text, text
    assert text.index("Warmed up in") < text.index("Booting worker"), text


@pytest.mark.django_db(transaction=True)
def test_recycled_workers_end_at_once_without_losing_the_tests_they_hold(tmp_path):
    """A worker that ends normally ends its process at once (gunicorn.conf.py's worker_exit):
    the eligibility tests it still held are written first, and gunicorn goes on serving."""
    HeatNetworkFactory(network_id="9502C", route=route_east_of(SARCELLES, 48))
    log = tmp_path / "gunicorn.log"
    path = f"/api/v1/eligibility?lat={SARCELLES[0]}&lon={SARCELLES[1]}"
    statuses = run_gunicorn(
        log,
        [path] * 12,
        DATABASE_URL=f"postgis:///{connection.settings_dict['NAME']}",
        GUNICORN_MAX_REQUESTS="5",  # recycled twice during the run, then stopped
        ELIGIBILITY_RECORD_DELAY_SECONDS="3600",  # written only when a worker ends
        RATELIMIT_API="1000/60",
    )
    text = log.read_text()
    assert statuses == [200] * 12, text
    assert text.count("Autorestarting worker") >= 2, text
    assert "Exception during worker exit" not in text and "Traceback" not in text, text
    assert EligibilityCheck.objects.filter(network_id="9502C").count() == 12

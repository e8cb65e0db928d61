"""gunicorn as `make run` and production start it (gunicorn.conf.py)."""

import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


def test_gunicorn_warms_django_up_in_its_master_before_forking_the_workers(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chauffage.settings",
        "DJANGO_ENV": "dev",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESSLOG": "/dev/null",
    }
    with log.open("w") as output:
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "chauffage.wsgi"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            status = None
            for _ in range(150):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/ping") as r:
                        status = r.status
                    break
                except OSError:
                    time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=30)
    text = log.read_text()
    assert status == 200, text
    assert "Warmed up in" in text, text
    assert text.index("Warmed up in") < text.index("Booting worker"), text

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-production-secret-key-of-more-than-fifty-characters-0123456789-abcdef",
    "ALLOWED_HOSTS": "france-chaleur-urbaine.beta.gouv.fr",
    "DEBUG": "false",
}


def run_manage(*args, env):
    inherited = {"DJANGO_ENV", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in inherited}
    base["DJANGO_SETTINGS_MODULE"] = "chauffage.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = run_manage("check", env={**PRODUCTION, "DEBUG": "true"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_database_connections_persist_between_requests():
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


def test_every_environment_variable_of_the_settings_is_documented_in_env_example():
    import re

    read = set(
        re.findall(r'env(?:\.\w+)?\("([A-Z_]+)"', (ROOT / "chauffage/settings.py").read_text())
    )
    read |= set(
        re.findall(r'os\.environ\.get\("([A-Z_]+)"', (ROOT / "gunicorn.conf.py").read_text())
    )
    documented = set(re.findall(r"^#?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read, "the settings read no variable?"
    assert read - documented == set()

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
    inherited = {
        "DJANGO_ENV",
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "SITE_URL",
        "PORT",
        "DATABASE_URL",
    }
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


def print_settings(*names, env):
    code = "from django.conf import settings; " + "; ".join(
        f"print(settings.{name})" for name in names
    )
    result = run_manage("shell", "-v", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.split()


def without(*names):
    return {k: v for k, v in os.environ.items() if k not in names}


def test_a_plain_copy_of_env_example_works_on_a_developer_machine(tmp_path):
    """`cp .env.example .env` leaves SECRET_KEY empty: the development key is used, not a 500."""
    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
    env = {"ENV_FILE": str(tmp_path / ".env")}
    assert run_manage("check", env=env).returncode == 0
    environment, key = print_settings("DJANGO_ENV", "SECRET_KEY", env=env)
    assert environment == "dev"
    assert key == "insecure-dev-key-never-use-in-production"


def test_production_refuses_an_empty_secret_key():
    result = run_manage("check", env={**PRODUCTION, "SECRET_KEY": " "})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_env_written_by_make_run_is_complete_and_kept(tmp_path):
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "dev_env.sh"
    script.write_bytes((ROOT / "scripts/dev_env.sh").read_bytes())
    script.chmod(0o755)
    (tmp_path / ".env.example").write_text((ROOT / ".env.example").read_text())
    run_env = {**without("DATABASE_URL"), "DATABASE_URL": "postgis:///a_developer_database"}

    subprocess.run([str(script)], env=run_env, check=True, capture_output=True, timeout=30)

    written = (tmp_path / ".env").read_text()
    assert "DATABASE_URL=postgis:///a_developer_database\n" in written
    env = {"ENV_FILE": str(tmp_path / ".env")}
    environment, key, database = print_settings(
        "DJANGO_ENV", "SECRET_KEY", "DATABASES['default']['NAME']", env=env
    )
    assert (environment, database) == ("dev", "a_developer_database")
    assert len(key) >= 50 and "insecure" not in key
    # Run again: the developer's file, and its key, are kept.
    subprocess.run([str(script)], env=run_env, check=True, capture_output=True, timeout=30)
    assert (tmp_path / ".env").read_text() == written


def test_make_run_fills_an_empty_secret_key_of_an_existing_env(tmp_path):
    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "dev_env.sh"
    script.write_bytes((ROOT / "scripts/dev_env.sh").read_bytes())
    script.chmod(0o755)
    (tmp_path / ".env").write_text("DJANGO_ENV=dev\nSECRET_KEY=\nGEOCODER=local\n")

    subprocess.run([str(script)], check=True, capture_output=True, timeout=30)

    lines = (tmp_path / ".env").read_text().splitlines()
    assert lines[0] == "DJANGO_ENV=dev" and lines[2] == "GEOCODER=local"
    assert lines[1].startswith("SECRET_KEY=") and len(lines[1]) > len("SECRET_KEY=") + 50


def test_links_in_emails_follow_the_port_served_by_make_run():
    env = {"ENV_FILE": "", "DJANGO_ENV": "dev", "PORT": "8001"}
    assert print_settings("SITE_URL", env=env) == ["http://localhost:8001"]
    assert print_settings("SITE_URL", env={**env, "SITE_URL": "https://fcu.example/"}) == [
        "https://fcu.example"
    ]


def test_the_test_suite_never_reads_a_developers_env():
    from django.conf import settings

    assert settings.ENV_FILE == ""

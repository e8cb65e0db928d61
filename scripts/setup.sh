#!/usr/bin/env bash
# Prepares a Debian/Ubuntu machine to run or test the service, and does nothing that is already done:
# system packages (PostgreSQL, PostGIS, GDAL; Chromium with --browser), a running PostgreSQL,
# the database with its extensions, the virtualenv, migrations and static files.
#
#   scripts/setup.sh            what `make run` needs
#   scripts/setup.sh --browser  also Chromium, for the browser tests of `make test`
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_BROWSER=0
[[ "${1:-}" == "--browser" ]] && WITH_BROWSER=1

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
is_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

APT_UPDATED=0
apt_install() {
  local missing=()
  for pkg in "$@"; do is_installed "$pkg" || missing+=("$pkg"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local runner=()
  if [[ $EUID -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      runner=(sudo)
    else
      echo "Missing system packages: ${missing[*]}" >&2
      echo "Install them as root, then run this command again:" >&2
      echo "  sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  say "Installing system packages: ${missing[*]}"
  if [[ $APT_UPDATED -eq 0 ]]; then
    "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  "${runner[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# 1. System packages ---------------------------------------------------------------------------
if ! command -v pg_ctlcluster >/dev/null && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt_install postgresql postgresql-contrib
fi
PG_VERSION=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
apt_install "postgresql-${PG_VERSION}-postgis-3" "postgresql-${PG_VERSION}-postgis-3-scripts" gdal-bin
python3 -c "import ensurepip, venv" 2>/dev/null || apt_install python3-venv
if [[ $WITH_BROWSER -eq 1 ]]; then
  apt_install chromium fonts-dejavu-core
fi

# 2. PostgreSQL running ------------------------------------------------------------------------
DATABASE_URL=${DATABASE_URL:-postgis:///chaleur_urbaine}
PSQL_URL=${DATABASE_URL/#postgis:/postgresql:}
DB_NAME=${PSQL_URL##*/}; DB_NAME=${DB_NAME%%\?*}
ADMIN_URL=${PSQL_URL%/*}/postgres

if command -v pg_lsclusters >/dev/null; then
  if [[ -z "$(pg_lsclusters -h 2>/dev/null)" ]]; then
    say "Creating a PostgreSQL ${PG_VERSION} cluster"
    as_root pg_createcluster "$PG_VERSION" main
  fi
  while read -r version cluster _port status _rest; do
    if [[ "$status" != online* ]]; then
      say "Starting PostgreSQL ${version}/${cluster}"
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
    fi
  done < <(pg_lsclusters -h)
fi

for _ in $(seq 1 30); do
  psql "$ADMIN_URL" -Atqc "select 1" >/dev/null 2>&1 && break
  # On a fresh server the current user may have no role yet: create it (local default only).
  if [[ "$DATABASE_URL" == "postgis:///chaleur_urbaine" ]] && [[ $EUID -eq 0 ]]; then
    su postgres -c "createuser --superuser $(id -un)" 2>/dev/null || true
  fi
  sleep 1
done
psql "$ADMIN_URL" -Atqc "select 1" >/dev/null || { echo "PostgreSQL does not answer at $ADMIN_URL" >&2; exit 1; }

# 3. Database and extensions -------------------------------------------------------------------
if [[ "$(psql "$ADMIN_URL" -Atqc "select 1 from pg_database where datname = '${DB_NAME}'")" != "1" ]]; then
  say "Creating database ${DB_NAME}"
  psql "$ADMIN_URL" -qc "create database \"${DB_NAME}\""
fi
psql "$PSQL_URL" -qc "create extension if not exists postgis; create extension if not exists pg_trgm; create extension if not exists unaccent;" 2>&1 | grep -v NOTICE || true

# 4. Virtualenv --------------------------------------------------------------------------------
if [[ ! -x .venv/bin/python ]]; then
  say "Creating the virtualenv .venv"
  python3 -m venv .venv
fi
STAMP=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)
if [[ ! -f "$STAMP" ]]; then
  say "Installing the project and its dependencies"
  if ! { .venv/bin/pip install --disable-pip-version-check -U pip \
        && .venv/bin/pip install --disable-pip-version-check -e '.[dev]'; } > .venv/install.log 2>&1; then
    cat .venv/install.log >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$STAMP"
fi

# 5. Schema and static files -------------------------------------------------------------------
export DATABASE_URL
# A developer's `.env` (generated key), for the manage.py commands of the README (not for tests,
# which never read it).
[[ $WITH_BROWSER -eq 1 ]] || scripts/dev_env.sh
export DJANGO_ENV=${DJANGO_ENV:-dev}
say "Applying migrations"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py createcachetable
.venv/bin/python manage.py collectstatic --noinput -v 0

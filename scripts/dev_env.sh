#!/usr/bin/env bash
# Leaves a working `.env` for a developer's machine, so that `.venv/bin/python manage.py …` works
# after `make run` without exporting anything:
# - no `.env`: a copy of `.env.example` for `DJANGO_ENV=dev`, with a generated SECRET_KEY and the
#   database of this setup (DATABASE_URL);
# - a `.env` whose SECRET_KEY is empty (`cp .env.example .env`): the key is generated in place.
# Any other `.env` is left as it is: it is the developer's.
set -euo pipefail
cd "$(dirname "$0")/.."

new_key() { python3 -c 'import secrets; print(secrets.token_urlsafe(50))'; }

if [[ ! -f .env ]]; then
  database_url=${DATABASE_URL:-postgis:///chaleur_urbaine}
  # token_urlsafe and database URLs hold no "|": safe as sed's delimiter.
  sed -e "s|^DJANGO_ENV=.*|DJANGO_ENV=dev|" \
      -e "s|^SECRET_KEY=.*|SECRET_KEY=$(new_key)|" \
      -e "s|^DATABASE_URL=.*|DATABASE_URL=${database_url}|" \
      .env.example > .env.tmp
  chmod 600 .env.tmp
  mv .env.tmp .env
  echo "==> .env created for a developer's machine (DJANGO_ENV=dev, generated SECRET_KEY)"
elif grep -qE '^SECRET_KEY=[[:space:]]*$' .env; then
  sed -i -e "s|^SECRET_KEY=[[:space:]]*$|SECRET_KEY=$(new_key)|" .env
  echo "==> SECRET_KEY generated in .env"
fi

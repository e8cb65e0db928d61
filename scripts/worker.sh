#!/usr/bin/env bash
# Runs the background task worker (`manage.py db_worker`: emails, bulk tests) and starts it again
# whenever it stops, after WORKER_RESTART_DELAY seconds (default 5). db_worker exits on a
# database error (PostgreSQL restarting or unreachable); started again, it waits for the
# database like any new process, and the tasks queued meanwhile are run once it answers.
#
# The arguments are db_worker's (`scripts/worker.sh --no-reload --verbosity 1`). TERM or INT
# stops the worker (after its current task) and this loop. `make run` uses it; in production,
# run db_worker as a service that its supervisor restarts (systemd: Restart=always).
set -u
cd "$(dirname "$0")/.."
python="${VENV:-.venv/bin}/python"
delay="${WORKER_RESTART_DELAY:-5}"
child=""

stop() {
    trap - TERM INT
    if [[ -n "$child" ]]; then
        kill -TERM "$child" 2>/dev/null
        wait "$child" 2>/dev/null
    fi
    exit 0
}
trap stop TERM INT

while true; do
    "$python" manage.py db_worker "$@" &
    child=$!
    wait "$child"
    status=$?
    echo "db_worker stopped (exit status $status): started again in $delay s." >&2
    sleep "$delay" &
    child=$!
    wait "$child"
    child=""
done

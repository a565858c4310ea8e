#!/usr/bin/env bash
# `make demo`: migrate, seed, then run the web server and the worker together; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
PORT="${PORT:-8000}"
BIN=.venv/bin

"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py seed_demo

pids=()
stop() {
    trap - INT TERM EXIT
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$BIN/python" manage.py qcluster &
pids+=($!)
"$BIN/python" manage.py runserver "127.0.0.1:$PORT" --noreload &
pids+=($!)

cat <<MSG

  The back office runs at http://127.0.0.1:$PORT/
    workspace: http://127.0.0.1:$PORT/            (agents and supervisors)
    dashboard: http://127.0.0.1:$PORT/dashboard/  (supervisor)
    admin:     http://127.0.0.1:$PORT/admin/      (supervisor)
    outbox:    http://127.0.0.1:$PORT/outbox/     (customer mail of the demo: open its links)
    API docs:  http://127.0.0.1:$PORT/api/docs/   (log in first)
  Logins are printed above by seed_demo. Ctrl-C stops the server and the worker.

MSG
wait -n "${pids[@]}"

#!/usr/bin/env bash
# `make demo`: write the demo's .env, migrate, seed, then run the web server and the worker
# together. The addresses are printed once the server answers; Ctrl-C stops both, cleanly.
# PORT=8001 make demo serves on another port, and customer links (SITE_URL) follow it.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-8000}"
BIN=.venv/bin
MARK="# Written by \`make demo\`"

# The settings read .env (backoffice/env.py), so `manage.py ingest_email` and the other
# commands see what the demo sees. A .env written by hand is left alone.
if [[ ! -e .env ]] || [[ "$(head -n 1 .env)" == "$MARK"* ]]; then
    secret="$(sed -n 's/^SECRET_KEY=//p' .env 2>/dev/null || true)"
    [[ -n "$secret" ]] || secret="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
    cat > .env <<ENV
$MARK for the demo on this machine; rewritten by the next one.
# Write your own .env (see .env.example) and \`make demo\` leaves it alone.
DEBUG=1
SECRET_KEY=$secret
PORT=$PORT
SITE_URL=http://127.0.0.1:$PORT
ALLOWED_HOSTS=localhost,127.0.0.1
ENV
    echo "Settings: .env (written for the demo, port $PORT)"
else
    echo "Settings: your own .env (not rewritten; its SITE_URL is the base of customer links)"
fi

"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py seed_demo

pids=()
stop() {
    trap - INT TERM EXIT
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
}
# Ctrl-C or a TERM is how a demo ends: stop both and exit 0, so that make reports no error.
trap 'echo; echo "Stopping the web server and the worker…"; stop; exit 0' INT TERM
trap stop EXIT

# The worker in a session of its own: a terminal's Ctrl-C reaches only this script, whose trap
# stops the worker with TERM (django-q2's processes, each hit by SIGINT, print tracebacks).
setsid "$BIN/python" manage.py qcluster &
pids+=($!)
"$BIN/python" manage.py runserver "127.0.0.1:$PORT" --noreload &
server=$!
pids+=("$server")

# Say where it is only once it listens (runserver binds after its checks).
until (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do
    if ! kill -0 "$server" 2>/dev/null; then
        echo "The web server did not start (is port $PORT in use? Try PORT=8001 make demo)." >&2
        exit 1
    fi
    sleep 0.2
done

cat <<MSG

  The back office runs at http://127.0.0.1:$PORT/
    workspace: http://127.0.0.1:$PORT/            (agents and supervisors)
    dashboard: http://127.0.0.1:$PORT/dashboard/  (supervisor)
    admin:     http://127.0.0.1:$PORT/admin/      (supervisor)
    outbox:    http://127.0.0.1:$PORT/outbox/     (customer mail of the demo: open its links)
    API docs:  http://127.0.0.1:$PORT/api/docs/   (log in first)
  Logins are printed above by seed_demo. Ctrl-C stops the server and the worker.
  In another terminal, the commands use the same settings (.env), e.g.
    .venv/bin/python manage.py ingest_email < message.eml

MSG
wait -n "${pids[@]}"

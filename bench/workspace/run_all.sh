#!/usr/bin/env bash
# The whole workspace benchmark: a fresh bench_workspace database, then for every size grow the
# data (COPY), count queries (and EXPLAIN at the largest size), load-test with gunicorn + wrk.
# Usage: bench/workspace/run_all.sh [SIZES...]        (default: 10000 100000 1000000)
#   OUT=dir     results (default var/bench-workspace, git-ignored)
#   FRESH=0     keep the existing bench_workspace database (it only grows)
#   DURATION=s  seconds per 4-connection wrk run (default 10; 1-connection runs get half)
#   REPS=n      repetitions of every run (default 2)
# Touches only the database bench_workspace on 127.0.0.1:5432 (user postgres).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT="${OUT:-var/bench-workspace}"
SIZES=("${@:-10000 100000 1000000}")
read -r -a SIZES <<<"${SIZES[*]}"
PY=.venv/bin/python
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_workspace
export DJANGO_SETTINGS_MODULE=bench.workspace.settings PYTHONPATH="$PWD"
export DEBUG=0 SECRET_KEY="${SECRET_KEY:-bench-only-secret-key-not-for-production-0123456789}"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0
export DB_CONN_MAX_AGE=600 LOG_LEVEL=WARNING
PSQL=(psql -X -q -h 127.0.0.1 -U postgres)
mkdir -p "$OUT"

{
  echo "date: $(date -u)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ':!bench' ':!docs' || echo ' (+ uncommitted changes)')"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "ram: $(grep MemTotal /proc/meminfo)"
  echo "uptime: $(uptime)"
  echo "postgres: $("${PSQL[@]}" -d postgres -tAc 'show server_version') shared_buffers=$("${PSQL[@]}" -d postgres -tAc 'show shared_buffers') work_mem=$("${PSQL[@]}" -d postgres -tAc 'show work_mem') jit=$("${PSQL[@]}" -d postgres -tAc 'show jit')"
  echo "wrk: $(wrk --version 2>&1 | head -1)"
  echo "gunicorn: $(.venv/bin/gunicorn --version)"
  echo "uncommitted product changes measured along (other engineers' work in progress):"
  git status --short -- . ':!bench' ':!docs' | sed 's/^/  /'
} | tee "$OUT/machine.txt"

if [ "${FRESH:-1}" = 1 ]; then
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS bench_workspace" -c "CREATE DATABASE bench_workspace"
  "$PY" -m bench.workspace.fill prepare
fi
"$PY" manage.py collectstatic --noinput -v0

last="${SIZES[${#SIZES[@]}-1]}"
for n in "${SIZES[@]}"; do
  echo "=== $n cases ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$PY" -m bench.workspace.fill grow "$n" | tee "$OUT/fill-$n.txt"
  explain=()
  [ "$n" = "$last" ] && explain=(--explain)
  "$PY" -m bench.workspace.queries --out "$OUT" "${explain[@]}" | tee "$OUT/queries-$n.txt"
  "$PY" -m bench.workspace.loadtest --out "$OUT" --duration "${DURATION:-10}" --reps "${REPS:-2}" \
    | tee "$OUT/loadtest-$n.txt"
  echo "uptime after $n: $(uptime)" | tee -a "$OUT/machine.txt"
done
"$PY" -m bench.workspace.summarize "$OUT" | tee "$OUT/summary.md"

#!/usr/bin/env bash
# `make serve`: the production topology on one machine, for trying it out locally.
# gunicorn (WEB_WORKERS processes, DEBUG off, collected static files), one task worker
# (db_worker, or rqworker with TASKS_BACKEND=rq) and the outbox sweep loop, stopped
# together with Ctrl+C. Production runs each of these as its own service, on as many
# machines as needed (README: Production topology).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

export DEBUG=false
# Plain HTTP on this machine: no redirect to HTTPS, cookies without the Secure flag.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}" SECURE_COOKIES="${SECURE_COOKIES:-false}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
if [ -z "${SECRET_KEY:-}" ]; then
  # A key of this checkout's own, kept so that sessions survive a restart.
  [ -s .serve-secret-key ] || $PY -c 'import secrets; print(secrets.token_urlsafe(50))' > .serve-secret-key
  SECRET_KEY="$(cat .serve-secret-key)"
  export SECRET_KEY
fi
PORT="${PORT:-8000}"
# /metrics sums every process of this host (core/metrics.py); the directory starts empty.
if [ -z "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  export PROMETHEUS_MULTIPROC_DIR="$PWD/.metrics"
fi
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
WEB_WORKERS="${WEB_WORKERS:-2}"

$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
if [ "${TASKS_BACKEND:-db}" = "rq" ]; then
  worker=($PY manage.py rqworker default --with-scheduler)
else
  worker=($PY manage.py db_worker --interval 1)
fi

pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
"${worker[@]}" & pids+=($!)
$PY manage.py outbox_sweep --loop 60 & pids+=($!)
echo "Serving on http://127.0.0.1:$PORT ($WEB_WORKERS gunicorn workers, a task worker, the sweep)"
.venv/bin/gunicorn returns_backoffice.wsgi -c returns_backoffice/gunicorn_conf.py \
  --workers "$WEB_WORKERS" --bind "127.0.0.1:$PORT" \
  --access-logfile - & pids+=($!)
wait -n

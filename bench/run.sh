#!/usr/bin/env bash
# `make bench`: build a large shop in PostgreSQL, time the pages, then a load run.
# Sizes and the database can be set from the environment, e.g. for a quick smoke run:
#   BENCH_ORDERS=5000 BENCH_RETURNS=10000 BENCH_LOAD_SECONDS=10 make bench
# BENCH_ONLY=build builds the shop and stops; BENCH_ONLY=measure measures a shop built before
# (the build takes minutes, the measurement can then be repeated on the same data).
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/returns_bench}"
CUSTOMERS="${BENCH_CUSTOMERS:-200000}"
ORDERS="${BENCH_ORDERS:-400000}"
RETURNS="${BENCH_RETURNS:-1000000}"
PRODUCTS="${BENCH_PRODUCTS:-300}"
REQUESTS="${BENCH_REQUESTS:-200}"
HTTP_REQUESTS="${BENCH_HTTP_REQUESTS:-100}"
LOAD_SECONDS="${BENCH_LOAD_SECONDS:-60}"
THROUGHPUT_SECONDS="${BENCH_THROUGHPUT_SECONDS:-15}"
CLUSTER_SECONDS="${BENCH_CLUSTER_SECONDS:-300}"
PY=.venv/bin/python
mkdir -p bench-results

ONLY="${BENCH_ONLY:-}"
case "$ONLY" in ""|build|measure) ;; *) echo "BENCH_ONLY must be build or measure" >&2; exit 2;; esac

[ "$ONLY" = build ] || command -v wrk >/dev/null || { echo "Installing wrk (Debian package)"; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

db="${DATABASE_URL##*/}"
if [ "${BENCH_KEEP_DATA:-0}" != "1" ] && [ "$ONLY" != measure ]; then
  psql "${DATABASE_URL%/*}/postgres" -qc "DROP DATABASE IF EXISTS \"$db\"" -c "CREATE DATABASE \"$db\""
fi

echo "=== machine"
{ nproc; free -g | awk '/Mem:/ {print $2 " GiB"}'; psql "$DATABASE_URL" -tAc "SHOW server_version"; } | paste -sd ' ' | \
  awk '{print "cores: " $1 ", memory: " $2 " " $3 ", PostgreSQL " $4}' | tee bench-results/machine.txt

if [ "$ONLY" != measure ]; then
echo "=== build the shop: $ORDERS orders, $RETURNS returns (already there with BENCH_KEEP_DATA=1)"
DEBUG=true $PY manage.py migrate -v0
start=$(date +%s)
DEBUG=true $PY manage.py seed_demo --products "$PRODUCTS" --customers "$CUSTOMERS" --orders "$ORDERS" --returns "$RETURNS" | tee bench-results/seed.txt
echo "build: $(( $(date +%s) - start ))s" | tee -a bench-results/seed.txt
psql "$DATABASE_URL" -qc "VACUUM ANALYZE"
fi
[ "$ONLY" != build ] || exit 0

# A running shop's tables and indexes sit in the operating system's cache; right after a
# build (or a reboot) they are on disk, and the first pages timed would read them from it.
# Read them all once (pg_prewarm, PostgreSQL's contrib), for our pages and the admin alike.
echo "=== warm the cache (pg_prewarm: every table and index of the shop, into the OS cache)"
psql "$DATABASE_URL" -qtAc "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
  -c "SELECT pg_size_pretty(sum(pg_prewarm(c.oid::regclass, 'read')) * current_setting('block_size')::bigint) || ' read' FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'i', 't', 'm')" \
  || echo "(pg_prewarm is not available: the first requests will read from disk)"

SECRET_KEY="${SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}"
# Warnings only: the measured clients' logins would otherwise print between the figures.
export DEBUG=false SECRET_KEY ALLOWED_HOSTS=127.0.0.1,localhost LOG_LEVEL="${LOG_LEVEL:-WARNING}"
export SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
# No page timed here is a static file: their compressed copies would only cost each
# collectstatic (this one and bench_cluster's) a minute and a half of CPU.
export STATIC_COMPRESSED="${STATIC_COMPRESSED:-false}"
$PY manage.py collectstatic --noinput -v0

# Both runs interleave our pages with a plain Django admin changelist of the same returns
# (returns_backoffice.bench_admin) and print admin p50 ÷ ours for every row.
echo "=== pages in-process ($REQUESTS requests each, the admin's fewer), against the plain admin"
$PY manage.py bench_pages --requests "$REQUESTS" --json bench-results/pages.json

echo "=== pages over HTTP (gunicorn, 2 workers; $HTTP_REQUESTS requests each), then wrk"
$PY manage.py bench_load --requests "$HTTP_REQUESTS" --seconds "$LOAD_SECONDS" \
  --throughput-seconds "$THROUGHPUT_SECONDS" --json bench-results/load.json

echo "=== the multi-process proof (${CLUSTER_SECONDS}s): 2 gunicorn, 3 RQ workers, the sweep; kills; audit"
$PY manage.py bench_cluster --seconds "$CLUSTER_SECONDS" --json bench-results/cluster.json

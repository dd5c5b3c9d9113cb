#!/bin/bash
# Writes the operator-managed keys of sites/common_site_config.json (and sites/apps.txt) on the
# bench's sites volume; run by the init Job `<bench>-init-<hash>` from the bench directory.
# Every value arrives in the environment, never in this text, so the script is the same for every
# bench:
#   BENCH_ID                 bench_id (RQ queue names are <bench_id>:<queue>)
#   REDIS_CACHE, REDIS_QUEUE host:port of the cache and queue Redis, or unset when...
#   REDIS_HOST, REDIS_PORT   ...an external Redis is one host:port (REDIS_PORT default 6379)
#   REDIS_PASSWORD           optional password of an external Redis (from its Secret)
set -eu

ls -1 apps > sites/apps.txt

if [ -n "${REDIS_HOST:-}" ]; then
  REDIS_CACHE="${REDIS_HOST}:${REDIS_PORT:-6379}"
  REDIS_QUEUE="${REDIS_CACHE}"
fi

credentials=""
if [ -n "${REDIS_PASSWORD:-}" ]; then
  # Percent-encode the password, so any character is safe inside the redis:// URL.
  credentials=":$(env/bin/python -c 'import os, urllib.parse; print(urllib.parse.quote(os.environ["REDIS_PASSWORD"], safe=""))')@"
fi

bench set-config -g redis_cache "redis://${credentials}${REDIS_CACHE}"
bench set-config -g redis_queue "redis://${credentials}${REDIS_QUEUE}"
bench set-config -g redis_socketio "redis://${credentials}${REDIS_QUEUE}"
bench set-config -gp socketio_port 9000
bench set-config -g bench_id "${BENCH_ID}"

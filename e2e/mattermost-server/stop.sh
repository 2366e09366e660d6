#!/usr/bin/env bash
# Stops the Mattermost server started by start.sh (PostgreSQL keeps running). Idempotent.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

t0=$(mm_now)
if ! pid=$(mm_pid); then
  rm -f "$MM_PIDFILE"
  mm_log "stop: not running"
  exit 0
fi
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then
  mm_log "stop: pid $pid ignored SIGTERM for 30s; killing"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
rm -f "$MM_PIDFILE"
mm_log "stop: stopped pid $pid in $(mm_since "$t0")"

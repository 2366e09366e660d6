#!/usr/bin/env bash
# Starts a real Mattermost server on 127.0.0.1:8065 against the local Debian PostgreSQL.
# Idempotent: if it already answers, exits 0. Needs build.sh to have run (it runs it if the
# binary is missing). Installs PostgreSQL with apt-get when missing (root required then).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

t0=$(mm_now)
WAIT=${CONSENTBOT_E2E_MATTERMOST_START_TIMEOUT:-60}

if pid=$(mm_pid) && mm_ping; then
  mm_log "start: already running (pid $pid) at $MM_URL"
  exit 0
fi
if ! mm_pid >/dev/null && mm_ping; then
  mm_log "start: something not started by this script already answers at $MM_URL; using it"
  exit 0
fi

as_postgres() ( # subshell: cd / so psql does not complain about our cwd
  cd / && if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres -- "$@"; fi
)

# --- PostgreSQL -------------------------------------------------------------------------
if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  mm_log "start: installing PostgreSQL with apt-get ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q postgresql >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null; }
fi
clusters=$(pg_lsclusters -h 2>/dev/null || true)
if [ -z "$clusters" ]; then
  ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
  mm_log "start: creating PostgreSQL cluster $ver/main"
  pg_createcluster "$ver" main >/dev/null
  clusters=$(pg_lsclusters -h)
fi
read -r PG_VER PG_CLUSTER PG_PORT PG_STATUS _ <<<"$(head -1 <<<"$clusters")"
if [ "$PG_STATUS" != online ]; then
  # Debian's policy-rc.d keeps the cluster down after install: start it ourselves.
  pg_ctlcluster "$PG_VER" "$PG_CLUSTER" start
fi
for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.2; done
pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { mm_log "start: PostgreSQL not ready on port $PG_PORT"; exit 1; }

# Role and database, idempotently, in one psql call.
as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -tA >/dev/null <<'SQL'
SELECT 'CREATE ROLE mattermost LOGIN PASSWORD ''mattermost'''
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mattermost')\gexec
SELECT 'CREATE DATABASE mattermost OWNER mattermost'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'mattermost')\gexec
SQL
tpg=$(mm_since "$t0")

# --- Binary ---------------------------------------------------------------------------
if [ ! -x "$MM_BIN" ] || [ ! -e "$MM_RUN/i18n" ]; then
  bash "$MM_HERE/build.sh" >/dev/null
fi

# --- Config (rewritten at each start; the server may rewrite it too) ------------------
mkdir -p "$MM_RUN/data" "$MM_RUN/plugins" "$MM_RUN/client/plugins"
cat >"$MM_CONFIG" <<JSON
{
  "ServiceSettings": {
    "SiteURL": "$MM_URL",
    "ListenAddress": "$MM_LISTEN",
    "EnableCommands": true,
    "EnableBotAccountCreation": true,
    "EnableUserAccessTokens": true,
    "EnablePostUsernameOverride": true,
    "EnablePostIconOverride": true,
    "EnableIncomingWebhooks": true,
    "AllowedUntrustedInternalConnections": "127.0.0.0/8 localhost",
    "OutgoingIntegrationRequestsTimeout": 30,
    "EnableLinkPreviews": false,
    "EnableSecurityFixAlert": false,
    "EnableLocalMode": false
  },
  "TeamSettings": { "EnableUserCreation": true, "MaxUsersPerTeam": 1000 },
  "SqlSettings": {
    "DriverName": "postgres",
    "DataSource": "postgres://mattermost:mattermost@127.0.0.1:$PG_PORT/mattermost?sslmode=disable&connect_timeout=10"
  },
  "RateLimitSettings": { "Enable": false },
  "EmailSettings": { "RequireEmailVerification": false, "SendEmailNotifications": false, "EnableSignUpWithEmail": true },
  "LogSettings": {
    "EnableConsole": true, "ConsoleLevel": "INFO", "ConsoleJson": false,
    "EnableFile": false, "EnableDiagnostics": false
  },
  "NotificationLogSettings": { "EnableConsole": false, "EnableFile": false },
  "PluginSettings": {
    "Enable": false, "EnableUploads": false,
    "Directory": "$MM_RUN/plugins", "ClientDirectory": "$MM_RUN/client/plugins"
  },
  "FileSettings": { "Directory": "$MM_RUN/data/" },
  "AnnouncementSettings": { "AdminNoticesEnabled": false, "UserNoticesEnabled": false },
  "MetricsSettings": { "Enable": false }
}
JSON

# --- Server ---------------------------------------------------------------------------
[ -f "$MM_LOG" ] && mv -f "$MM_LOG" "$MM_LOG.1"
cd "$MM_RUN"
# All three std streams redirected: a caller that reads our output (exec.Command in a Go
# test) must not wait for the server. setsid: out of the caller's process group.
setsid "$MM_BIN" server --config "$MM_CONFIG" </dev/null >>"$MM_LOG" 2>&1 &
pid=$!
echo "$pid" >"$MM_PIDFILE"

deadline=$(( $(date +%s) + WAIT ))
until mm_ping; do
  if ! kill -0 "$pid" 2>/dev/null; then
    mm_log "start: mattermost (pid $pid) exited; last log lines:"; tail -n 40 "$MM_LOG" >&2
    rm -f "$MM_PIDFILE"; exit 1
  fi
  if [ "$(date +%s)" -ge "$deadline" ]; then
    mm_log "start: no ping OK from $MM_URL after ${WAIT}s; last log lines:"; tail -n 40 "$MM_LOG" >&2
    exit 1
  fi
  sleep 0.1
done
mm_log "start: mattermost running (pid $pid) at $MM_URL; postgres ready in $tpg, total $(mm_since "$t0"); log $MM_LOG"

# Shared settings for build.sh / start.sh / stop.sh. Sourced, not executed.
# Everything built, downloaded or written at run time lives OUTSIDE the repo, under $MM_CACHE.

MM_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MM_CACHE=${CONSENTBOT_E2E_CACHE:-$HOME/.cache/consentbot-e2e}
MM_LISTEN=${CONSENTBOT_E2E_MATTERMOST_LISTEN:-127.0.0.1:8065}
MM_URL="http://$MM_LISTEN"

# Private Go caches for the Mattermost build (~1.2 GB of modules): kept with the binary so
# that the i18n/templates/fonts symlinks stay valid as long as the binary does.
MM_GOMODCACHE="$MM_CACHE/gomod"
MM_GOCACHE="$MM_CACHE/gobuild"

MM_BIN_DIR="$MM_CACHE/bin"
MM_BIN="$MM_BIN_DIR/mattermost"          # symlink to the binary of the current key
MM_RUN="$MM_CACHE/server"                # working directory of the running server
MM_CONFIG="$MM_RUN/config.json"
MM_PIDFILE="$MM_RUN/mattermost.pid"
MM_LOG="$MM_RUN/mattermost.log"

MM_MODULE=github.com/mattermost/mattermost/server/v8

mm_now() { date +%s.%N; }
mm_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1fs", b-a}'; }
mm_log() { echo "[mattermost-e2e] $*" >&2; }

# Go environment for the Mattermost build module. GOFLAGS is overridden on purpose: no
# -trimpath (the binary falls back to its compiled-in source dir for i18n/templates/fonts),
# -modcacherw so the cache dir can be removed with rm -rf.
mm_goenv() {
  export GOMODCACHE="$MM_GOMODCACHE" GOCACHE="$MM_GOCACHE"
  export GONOSUMDB=github.com/mattermost/mattermost GOFLAGS="-buildvcs=false -modcacherw"
  export GOTOOLCHAIN=local GOWORK=off
}

# The cache key: the requirement set and the Go toolchain.
mm_key() {
  { cat "$MM_HERE/go.mod" "$MM_HERE/go.sum"; go version; } | sha256sum | cut -c1-16
}

mm_ping() {
  curl -fsS --max-time 2 "$MM_URL/api/v4/system/ping" 2>/dev/null | grep -q '"status":"OK"'
}

mm_pid() {
  local pid
  [ -f "$MM_PIDFILE" ] || return 1
  pid=$(cat "$MM_PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # Guard against pid reuse.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q mattermost || return 1
  echo "$pid"
}

#!/usr/bin/env bash
# Builds (or reuses the cached) Mattermost server and starts it on 127.0.0.1:8065.
# Exports nothing: the caller sets CONSENTBOT_E2E_MATTERMOST_URL=http://127.0.0.1:8065.
# Cache: ${CONSENTBOT_E2E_CACHE:-$HOME/.cache/consentbot-e2e} (outside the repo).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
t0=$(date +%s.%N)
bash "$root/e2e/mattermost-server/build.sh" >/dev/null
t1=$(date +%s.%N)
bash "$root/e2e/mattermost-server/start.sh"
t2=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" \
  'BEGIN{printf "[mattermost-e2e] timings: build %.1fs, start %.1fs, total %.1fs\n", b-a, c-b, c-a}' >&2

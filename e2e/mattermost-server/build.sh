#!/usr/bin/env bash
# Builds the Mattermost server (Team Edition) from the Go module proxy into the cache dir,
# unless a binary for the same go.mod/go.sum/go version is already there.
# Prints the binary path on stdout.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

t0=$(mm_now)
key=$(mm_key)
target="$MM_BIN_DIR/mattermost-$key"
mkdir -p "$MM_BIN_DIR" "$MM_RUN"
mm_goenv

if [ -x "$target" ]; then
  mm_log "build: cached binary $target ($(mm_since "$t0"))"
else
  mm_log "build: building $MM_MODULE/cmd/mattermost (key $key; ~8 min on 2 cores from empty caches, seconds when cached) ..."
  ( cd "$MM_HERE" && go build -o "$target.tmp" "$MM_MODULE/cmd/mattermost" )
  mv -f "$target.tmp" "$target"
  # Drop binaries of older keys (they are ~200 MB each).
  find "$MM_BIN_DIR" -maxdepth 1 -type f -name 'mattermost-*' ! -name "mattermost-$key" -delete
  mm_log "build: built $target in $(mm_since "$t0")"
fi
ln -sfn "$target" "$MM_BIN"

# Server resources: symlink i18n/, templates/, fonts/ from the module source into the
# server's working directory (the binary looks next to itself, then in its working dir).
srcdir=$(cd "$MM_HERE" && go list -m -f '{{.Dir}}' "$MM_MODULE")
for d in i18n templates fonts; do
  [ -d "$srcdir/$d" ] || { mm_log "build: missing $srcdir/$d"; exit 1; }
  ln -sfn "$srcdir/$d" "$MM_RUN/$d"
done
echo "$MM_BIN"

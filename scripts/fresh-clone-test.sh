#!/usr/bin/env bash
# What a new user sees: the repository alone in a new temp folder (so no ../shared beside it), then
# `npm ci && npm test`. Prints the test summary last and exits with npm test's status; the folder is removed after.
#
#   scripts/fresh-clone-test.sh                  # a clone of the committed HEAD
#   scripts/fresh-clone-test.sh --working-tree   # a copy of the tracked and untracked-not-ignored files as they are
set -euo pipefail

mode=head
case "${1:-}" in
  '') ;;
  --working-tree) mode=tree ;;
  -h | --help)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "fresh-clone-test: unknown argument '$1' (use --working-tree or nothing)" >&2
    exit 2
    ;;
esac

repo="$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)"
work="$(mktemp -d "${TMPDIR:-/tmp}/coreview-fresh-XXXXXX")"
trap 'rm -rf "$work"' EXIT
dest="$work/coreview"

if [ "$mode" = head ]; then
  head="$(git -C "$repo" rev-parse HEAD)"
  echo "== cloning HEAD ${head:0:12} of $repo into $dest"
  git clone --quiet --no-checkout "$repo" "$dest"
  git -C "$dest" checkout --quiet --detach "$head"
else
  echo "== copying the working tree of $repo (tracked and untracked-not-ignored files) into $dest"
  mkdir -p "$dest"
  # A tracked file deleted in the working tree is listed but absent: only what exists is copied.
  (
    cd "$repo"
    git ls-files -co --exclude-standard -z --deduplicate |
      while IFS= read -r -d '' f; do
        if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
      done |
      tar --null -T - -cf -
  ) | tar -xf - -C "$dest"
fi

cd "$dest"
# Nothing from this shell may point the tests back at the corpus or at another run's server.
unset COREVIEW_CORPUS COREVIEW_E2E_PORT
log="$work/npm-test.log"
echo "== npm ci"
npm ci
echo "== npm test"
set +e
npm test 2>&1 | tee "$log"
status="${PIPESTATUS[0]}"
set -e

# The summary again, last: the skipped line (when there is one) and `N passed, N failed`.
echo
echo "== fresh clone ($([ "$mode" = head ] && echo "HEAD" || echo "working tree")), npm test exit $status:"
final="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
skipped="$(grep -E '^skipped: ' "$log" | tail -n 1 || true)"
if [ -n "$skipped" ]; then echo "$skipped"; fi
echo "${final:-no summary line: npm test did not finish}"
exit "$status"

#!/usr/bin/env bash
# Fails when package-lock.json is not what npm writes for the workspace as it is: a dependency added to a package.json
# without the lock, a workspace missing from it, or optional platform packages left out (what made `npm ci` refuse
# the lock before). npm resolves the lock again (--package-lock-only: no install, no install scripts) in a scratch
# copy of the manifests, so neither the checkout nor its node_modules is touched, and the result is compared with the
# committed file. `make test` runs it (target lock-check); `make deps` installs with `npm ci`, which installs exactly
# the lock.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cd "$ROOT"

# The manifests npm reads: the root's and those of the workspaces its "workspaces" globs name.
manifests=(package.json package-lock.json)
shopt -s nullglob
for pattern in $(node -p 'require("./package.json").workspaces.join(" ")'); do
  for dir in $pattern; do
    [[ -f "$dir/package.json" ]] && manifests+=("$dir/package.json")
  done
done
for manifest in "${manifests[@]}"; do
  mkdir -p "$scratch/$(dirname "$manifest")"
  cp "$manifest" "$scratch/$manifest"
done

if ! (cd "$scratch" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error >npm.log 2>&1); then
  cat "$scratch/npm.log" >&2
  echo "lock-check: npm could not resolve the workspace (see above)" >&2
  exit 1
fi
if ! diff -u package-lock.json "$scratch/package-lock.json" >"$scratch/lock.diff"; then
  head -n 60 "$scratch/lock.diff" >&2
  echo "lock-check: package-lock.json differs from what npm resolves for the workspace ($(grep -c '^[-+][^-+]' "$scratch/lock.diff") lines, first 60 above)." >&2
  echo "lock-check: run 'npm install' and commit package-lock.json with the package.json change." >&2
  exit 1
fi
echo "lock-check: package-lock.json matches the workspace (${#manifests[@]} manifests)"

#!/usr/bin/env bash
# Third-party clients the end-to-end tests drive against Vigil, installed once into a cache directory:
#   $VIGIL_TOOLS_DIR/python/   a Python venv with sentry-sdk (pinned)
#   $VIGIL_TOOLS_DIR/schemathesis/  a Python venv with schemathesis (pinned), the API fuzzer
#   $VIGIL_TOOLS_DIR/bin/runitor  runitor (pinned), where the Go module proxy serves it (see below)
# @sentry/node and sentry-cli come from npm (devDependencies of e2e/package.json), curl from the system.
# Idempotent: a tool already at its pinned version is left alone, so a second run takes well under a second.
# The tests look for the tools in the same directory and fail (never skip) when one is missing.
set -euo pipefail

SENTRY_SDK_VERSION=2.75.0
SCHEMATHESIS_VERSION=4.32.5
RUNITOR_VERSION=v1.4.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${VIGIL_TOOLS_DIR:-$HOME/.cache/vigil/tools}"

log() { echo "tools: $*" >&2; }
die() { echo "tools: ERROR: $*" >&2; exit 1; }

mkdir -p "$TOOLS/bin"
# Two runs at once (two checkouts, make test beside make up) must not build into the same directory together.
exec 9>"$TOOLS/.lock"
flock 9

# pip_venv <dir> <package> <version> <check> <why>: a venv in $TOOLS/<dir> holding <package>==<version>, made again
# unless its marker is there and <check> (a command run with the venv's bin/ first on PATH) passes.
pip_venv() {
  local venv="$TOOLS/$1" package="$2" version="$3" check="$4" why="$5"
  local marker="$venv/.$package-$version"
  if [[ -f "$marker" ]] && PATH="$venv/bin:$PATH" bash -c "$check" >/dev/null 2>&1; then
    return
  fi
  command -v python3 >/dev/null || die "python3 is not installed (needed for $why)"
  log "installing a Python venv with $package==$version into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$package==$version" \
    || die "pip could not install $package==$version"
  PATH="$venv/bin:$PATH" bash -c "$check" || die "$package in $venv is not at $version"
  touch "$marker"
}

python_sdk() {
  pip_venv python sentry-sdk "$SENTRY_SDK_VERSION" \
    "python -c \"import sentry_sdk, sys; sys.exit(sentry_sdk.VERSION != '$SENTRY_SDK_VERSION')\"" "the sentry-sdk client tests"
}

schemathesis() {
  pip_venv schemathesis schemathesis "$SCHEMATHESIS_VERSION" "schemathesis --version | grep -q '$SCHEMATHESIS_VERSION'" "the schemathesis API fuzz run"
}

# runitor is not part of `make test`: the Go module proxy these machines reach refuses its module
# (bdd.fi/x/runitor, and github.com/bdd/runitor, answer 403), and no other registry carries it. Where the proxy
# serves it, this installs it for `make test-compat`; elsewhere it says so and carries on.
runitor() {
  local bin="$TOOLS/bin/runitor"
  if [[ -x "$bin" ]] && [[ "$("$bin" -version 2>/dev/null)" == "runitor $RUNITOR_VERSION" ]]; then
    return
  fi
  command -v go >/dev/null || { log "runitor: go is not installed; skipping (only make test-compat needs it)"; return; }
  if GOBIN="$TOOLS/bin" GOTOOLCHAIN=local GOFLAGS= timeout 300 go install "bdd.fi/x/runitor@$RUNITOR_VERSION" 2>"$TOOLS/go-install.log"; then
    log "runitor: installed $RUNITOR_VERSION from the Go module proxy"
  else
    log "runitor: the Go module proxy did not serve bdd.fi/x/runitor@$RUNITOR_VERSION ($(tail -n 1 "$TOOLS/go-install.log")); make test-compat needs it at $bin"
  fi
}

start=$SECONDS
# Side by side: pip waits on the network, the Go build on the CPU.
python_sdk & python_pid=$!
schemathesis & schemathesis_pid=$!
runitor & runitor_pid=$!
failed=0
wait "$python_pid" || failed=1
wait "$schemathesis_pid" || failed=1
wait "$runitor_pid" || failed=1
[[ $failed == 0 ]] || die "a tool did not install (see above)"
log "ready in $TOOLS ($((SECONDS - start)) s): sentry-sdk $SENTRY_SDK_VERSION, schemathesis $SCHEMATHESIS_VERSION$([[ -x "$TOOLS/bin/runitor" ]] && echo ", runitor $RUNITOR_VERSION")"

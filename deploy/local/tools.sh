#!/usr/bin/env bash
# Third-party clients the end-to-end tests drive against Vigil, installed once into a cache directory:
#   $VIGIL_TOOLS_DIR/python/   a Python venv with sentry-sdk (pinned)
#   $VIGIL_TOOLS_DIR/schemathesis/  a Python venv with schemathesis (pinned), the API fuzzer
#   $VIGIL_TOOLS_DIR/cronsim/  a Python venv with cronsim and tzdata (pinned), the reference of the crontab differential test
#   $VIGIL_TOOLS_DIR/bin/runitor  runitor (pinned), from the Go module proxy or built from third_party/runitor
#   /usr/bin/chromium          Debian's Chromium, which the dashboard's browser tests drive with playwright-core (npm,
#                              pinned in e2e/package.json; Playwright's own browser download is not reachable here)
# @sentry/node and sentry-cli come from npm (devDependencies of e2e/package.json), curl from the system.
# Idempotent: a tool already at its pinned version is left alone, so a second run takes well under a second.
# The tests look for the tools in the same directory and fail (never skip) when one is missing.
set -euo pipefail

SENTRY_SDK_VERSION=2.75.0
SCHEMATHESIS_VERSION=4.32.5
RUNITOR_VERSION=v1.4.1
CRONSIM_VERSION=2.9
# The IANA release Node's ICU carries (node -p process.versions.tz: 2025c on Node 20.20): cronsim reads its zones
# from this package (the test runs it with PYTHONTZPATH empty), so both sides see the same offsets. The test checks
# that they agree on every transition it uses and names both versions when they do not.
TZDATA_VERSION=2025.3

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${VIGIL_TOOLS_DIR:-$HOME/.cache/vigil/tools}"

log() { echo "tools: $*" >&2; }
die() { echo "tools: ERROR: $*" >&2; exit 1; }

mkdir -p "$TOOLS/bin"
# Two runs at once (two checkouts, make test beside make up) must not build into the same directory together.
exec 9>"$TOOLS/.lock"
flock 9

# pip_venv <dir> <package> <version> <check> <why> [<more requirements>...]: a venv in $TOOLS/<dir> holding
# <package>==<version> (and the further pinned requirements), made again unless its marker is there and <check>
# (a command run with the venv's bin/ first on PATH) passes.
pip_venv() {
  local venv="$TOOLS/$1" package="$2" version="$3" check="$4" why="$5"
  shift 5
  local marker="$venv/.$package-$version${1:+-${*// /-}}"
  if [[ -f "$marker" ]] && PATH="$venv/bin:$PATH" bash -c "$check" >/dev/null 2>&1; then
    return
  fi
  command -v python3 >/dev/null || die "python3 is not installed (needed for $why)"
  log "installing a Python venv with $package==$version into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv" || die "python3 -m venv failed (on Debian: apt-get install python3-venv)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "$package==$version" "$@" \
    || die "pip could not install $package==$version $*"
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

cronsim() {
  pip_venv cronsim cronsim "$CRONSIM_VERSION" \
    "PYTHONTZPATH= python -c \"import importlib.metadata as m, sys, zoneinfo; zoneinfo.ZoneInfo('Australia/Lord_Howe'); sys.exit(m.version('cronsim') != '$CRONSIM_VERSION' or m.version('tzdata') != '$TZDATA_VERSION')\"" \
    "the crontab differential test" "tzdata==$TZDATA_VERSION"
}

# runitor: from the Go module proxy where it serves bdd.fi/x/runitor, else built from the source vendored in
# third_party/runitor (the proxy these machines reach answers 403 for it; see its README and decision 0013). Either
# way `runitor -version` prints the pinned version, and the binary is made again when the pin or the vendored
# source changes (the marker's name is a hash of both). No Go is an error: the e2e tests need runitor.
runitor_source_hash() {
  local src="$ROOT/third_party/runitor"
  [[ -f "$src/go.mod" ]] || die "runitor: $src/go.mod is missing (the vendored source is part of the repository)"
  { echo "$RUNITOR_VERSION"; (cd "$src" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) | LC_ALL=C sort | xargs sha256sum); } \
    | sha256sum | cut -c1-16
}

runitor() {
  local bin="$TOOLS/bin/runitor" marker
  marker="$TOOLS/bin/.runitor-$(runitor_source_hash)"
  if [[ -f "$marker" && -x "$bin" ]] && [[ "$("$bin" -version 2>/dev/null)" == "runitor $RUNITOR_VERSION" ]]; then
    return
  fi
  command -v go >/dev/null || die "runitor: go is not installed; the e2e tests drive runitor, built with Go >= 1.24 (https://go.dev/dl/)"
  rm -f "$TOOLS/bin/.runitor-"* "$bin"
  # The proxy first, with a short timeout for the download; the build is local either way.
  if (cd "$TOOLS" && GOFLAGS= GOTOOLCHAIN=local timeout 30 go mod download "bdd.fi/x/runitor@$RUNITOR_VERSION" \
    && GOBIN="$TOOLS/bin" GOPROXY=off GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0 timeout 600 go install "bdd.fi/x/runitor@$RUNITOR_VERSION") >"$TOOLS/go-install.log" 2>&1; then
    log "runitor: installed $RUNITOR_VERSION from the Go module proxy"
  else
    log "runitor: the Go module proxy did not serve bdd.fi/x/runitor@$RUNITOR_VERSION ($(tail -n 1 "$TOOLS/go-install.log")); building third_party/runitor"
    # Its README's title names the tag vendored: never stamp the pin on the source of another release.
    grep -qxF "# runitor $RUNITOR_VERSION (vendored source)" "$ROOT/third_party/runitor/README.md" \
      || die "runitor: third_party/runitor is not $RUNITOR_VERSION (its README says: $(head -n 1 "$ROOT/third_party/runitor/README.md")); vendor that tag or change the pin"
    # As upstream's release build (scripts/build dist): the version stamped into main.Version, reproducible flags.
    # Offline (GOPROXY=off): the source imports the standard library only. -mod=readonly: never rewrites go.mod.
    (cd "$ROOT/third_party/runitor" && GOPROXY=off GOFLAGS=-mod=readonly GOTOOLCHAIN=local CGO_ENABLED=0 timeout 600 \
      go build -trimpath -buildvcs=false -ldflags "-s -X main.Version=$RUNITOR_VERSION" -o "$bin" ./cmd/runitor) \
      || die "runitor: building third_party/runitor failed (see above)"
  fi
  local version
  version="$("$bin" -version 2>&1)" || die "runitor: $bin does not run: $version"
  [[ "$version" == "runitor $RUNITOR_VERSION" ]] || die "runitor: $bin says '$version', not 'runitor $RUNITOR_VERSION'"
  touch "$marker"
}

# chromium: from the distribution (apt), once; the browser tests name /usr/bin/chromium.
chromium() {
  [[ -x /usr/bin/chromium ]] && return
  command -v apt-get >/dev/null || die "chromium: /usr/bin/chromium is missing and there is no apt-get to install it (install Chromium there)"
  log "chromium: installing Debian's chromium (apt; about 270 MB)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 chromium >"$TOOLS/chromium-install.log" 2>&1 \
    || die "chromium: apt-get install chromium failed (see $TOOLS/chromium-install.log)"
}

chromium
start=$SECONDS
# Side by side: pip waits on the network, the Go build on the CPU.
python_sdk & python_pid=$!
schemathesis & schemathesis_pid=$!
cronsim & cronsim_pid=$!
runitor & runitor_pid=$!
failed=0
wait "$python_pid" || failed=1
wait "$schemathesis_pid" || failed=1
wait "$cronsim_pid" || failed=1
wait "$runitor_pid" || failed=1
[[ $failed == 0 ]] || die "a tool did not install (see above)"
log "ready in $TOOLS ($((SECONDS - start)) s): chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), sentry-sdk $SENTRY_SDK_VERSION, schemathesis $SCHEMATHESIS_VERSION, cronsim $CRONSIM_VERSION (tzdata $TZDATA_VERSION), runitor $RUNITOR_VERSION"

#!/usr/bin/env bash
# Third-party clients the end-to-end tests drive against Vigil, installed once into a cache directory:
#   $VIGIL_TOOLS_DIR/python/   a Python venv with sentry-sdk (pinned)
#   $VIGIL_TOOLS_DIR/schemathesis/  a Python venv with schemathesis (pinned), the API fuzzer
#   $VIGIL_TOOLS_DIR/cronsim/  a Python venv with cronsim and tzdata (pinned), the reference of the crontab differential test
#   $VIGIL_TOOLS_DIR/bin/runitor  runitor (pinned), from the Go module proxy or built from third_party/runitor
#   $VIGIL_TOOLS_DIR/bin/sentry-go-job  a cron job instrumented with sentry-go (pinned in its go.mod), built from
#                              e2e/src/clients/fixtures/sentry-go-job with modules from the Go module proxy
#   $VIGIL_TOOLS_DIR/chdb/     a Python venv with chdb-core (pinned): current ClickHouse in-process, on which the
#                              integration tier runs the ClickHouse specs a second time (docs/clickhouse.md)
#   $VIGIL_TOOLS_DIR/bin/helm, helm-unittest  (pinned) built from the Go module proxy, for deploy/helm/check.sh
#   $VIGIL_TOOLS_DIR/kubernetes-validate/  a Python venv with kubernetes-validate (pinned), the chart's schema check
#   $VIGIL_TOOLS_DIR/bin/prometheus, bin/promtool  Prometheus (pinned), built from the Go module proxy: the e2e tests
#                              scrape every service with it, and `make test` checks and unit-tests the alerting rules
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
# github.com/prometheus/prometheus tags its Go module v0.<minor * 100 + ...>: v0.316.0 is Prometheus 3.16.0.
PROMETHEUS_MODULE_VERSION=v0.316.0
PROMETHEUS_VERSION=3.16.0
# The IANA release Node's ICU carries (node -p process.versions.tz: 2025c on Node 20.20): cronsim reads its zones
# from this package (the test runs it with PYTHONTZPATH empty), so both sides see the same offsets. The test checks
# that they agree on every transition it uses and names both versions when they do not.
TZDATA_VERSION=2025.3
# chdb-core 26.9.0 is ClickHouse 26.9 (SELECT version() says 26.9.2.1), the newest pip served in December 2026.
CHDB_CORE_VERSION=26.9.0

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

chdb() {
  pip_venv chdb chdb-core "$CHDB_CORE_VERSION" \
    "python -c \"import importlib.metadata as m, sys; import chdb; sys.exit(m.version('chdb-core') != '$CHDB_CORE_VERSION')\"" \
    "the ClickHouse specs on current ClickHouse"
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

# The sentry-go job of the e2e tests: the SDK at the version its go.mod pins (go.sum checks the modules), built again
# when the fixture's sources change (the marker's name is a hash of them).
sentry_go_job() {
  local src="$ROOT/e2e/src/clients/fixtures/sentry-go-job" bin="$TOOLS/bin/sentry-go-job" marker
  marker="$TOOLS/bin/.sentry-go-job-$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)"
  if [[ -f "$marker" && -x "$bin" ]]; then
    return
  fi
  command -v go >/dev/null || die "sentry-go-job: go is not installed; the e2e tests drive sentry-go, built with Go >= 1.25"
  rm -f "$TOOLS/bin/.sentry-go-job-"* "$bin"
  (cd "$src" && GOFLAGS=-mod=readonly GOTOOLCHAIN=local CGO_ENABLED=0 timeout 600 go build -trimpath -buildvcs=false -o "$bin" .) \
    || die "sentry-go-job: building $src failed (see above)"
  log "sentry-go-job: built with sentry-go $(awk '/getsentry\/sentry-go /{print $NF; exit}' "$src/go.mod")"
  touch "$marker"
}

# --- Helm chart checks (deploy/helm/check.sh): helm and helm-unittest built from the Go module proxy, kubernetes-validate
# from PyPI. Cached in $TOOLS/bin with a marker per version; a second run does nothing.
HELM_VERSION=v3.22.1
HELM_UNITTEST_VERSION=v1.1.2
# The Kubernetes version helm assumes without a cluster (lint, template): its client-go's (v0.37 -> 1.37), as helm's
# release build stamps it; without the stamp it is 1.20, below the chart's kubeVersion.
HELM_K8S_VERSION=1.37
KUBERNETES_VALIDATE_VERSION=1.37.0

helm_tools() {
  local marker="$TOOLS/bin/.helm-$HELM_VERSION-k8s$HELM_K8S_VERSION-unittest-$HELM_UNITTEST_VERSION"
  if [[ -f "$marker" && -x "$TOOLS/bin/helm" && -x "$TOOLS/bin/helm-unittest" ]]; then
    return
  fi
  command -v go >/dev/null || die "helm: go is not installed; helm and helm-unittest are built from the Go module proxy (https://go.dev/dl/)"
  rm -f "$TOOLS/bin/.helm-"*
  # Versions stamped as helm's own release build does (its Makefile's LDFLAGS): helm's, and the Kubernetes one.
  local k8s="-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${HELM_K8S_VERSION%.*} -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${HELM_K8S_VERSION#*.}"
  k8s+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${HELM_K8S_VERSION%.*} -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${HELM_K8S_VERSION#*.}"
  (cd "$TOOLS" && GOBIN="$TOOLS/bin" GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0 timeout 900 go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION $k8s" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION") >"$TOOLS/helm-install.log" 2>&1 \
    || die "helm: go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION failed: $(tail -n 3 "$TOOLS/helm-install.log")"
  # helm-unittest's go.mod has a replace directive, which `go install pkg@version` refuses: build it inside a copy of
  # the module the proxy served (its go.mod and go.sum pin every dependency).
  local src
  src="$(cd "$TOOLS" && GOFLAGS= GOTOOLCHAIN=local go mod download -json "github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')" \
    || die "helm-unittest: the Go module proxy did not serve github.com/helm-unittest/helm-unittest@$HELM_UNITTEST_VERSION"
  [[ -d "$src" ]] || die "helm-unittest: no module directory for $HELM_UNITTEST_VERSION"
  rm -rf "$TOOLS/helm-unittest-src" && cp -r "$src" "$TOOLS/helm-unittest-src" && chmod -R u+w "$TOOLS/helm-unittest-src"
  (cd "$TOOLS/helm-unittest-src" && GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0 timeout 900 go build -trimpath -ldflags "-s -w" \
    -o "$TOOLS/bin/helm-unittest" ./cmd/helm-unittest) >>"$TOOLS/helm-install.log" 2>&1 \
    || die "helm-unittest: build failed: $(tail -n 3 "$TOOLS/helm-install.log")"
  rm -rf "$TOOLS/helm-unittest-src"
  "$TOOLS/bin/helm" version --short | grep -qxF "$HELM_VERSION" || die "helm: $TOOLS/bin/helm says $("$TOOLS/bin/helm" version --short), not $HELM_VERSION"
  touch "$marker"
}

kubernetes_validate() {
  pip_venv kubernetes-validate kubernetes-validate "$KUBERNETES_VALIDATE_VERSION" \
    "kubernetes-validate --version | grep -q '$KUBERNETES_VALIDATE_VERSION'" "the Helm chart's schema validation"
}
# --- end of the Helm chart checks block

# prometheus and promtool from the Go module proxy, built once per pin (about 10 minutes of CPU on 2 cores, most of it
# the first time the modules are compiled; GOCACHE keeps the rest). Only the two commands, -trimpath, and without
# the cloud service discoveries (tag remove_all_sd: the tests scrape static targets), which roughly halves the build.
prometheus() {
  local marker="$TOOLS/bin/.prometheus-$PROMETHEUS_MODULE_VERSION"
  if [[ -f "$marker" && -x "$TOOLS/bin/prometheus" && -x "$TOOLS/bin/promtool" ]] \
    && "$TOOLS/bin/promtool" --version 2>&1 | grep -q "version $PROMETHEUS_VERSION"; then
    return
  fi
  command -v go >/dev/null || die "prometheus: go is not installed; the e2e tests and the rules tests need Prometheus, built with Go >= 1.26 (https://go.dev/dl/)"
  rm -f "$TOOLS/bin/.prometheus-"* "$TOOLS/bin/prometheus" "$TOOLS/bin/promtool"
  log "prometheus: building prometheus and promtool $PROMETHEUS_VERSION ($PROMETHEUS_MODULE_VERSION) from the Go module proxy (once; several minutes)"
  (cd "$TOOLS" && GOBIN="$TOOLS/bin" GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=0 timeout 3600 go install -trimpath -tags remove_all_sd,netgo \
    -ldflags "-s -w -X github.com/prometheus/common/version.Version=$PROMETHEUS_VERSION" \
    "github.com/prometheus/prometheus/cmd/prometheus@$PROMETHEUS_MODULE_VERSION" \
    "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE_VERSION") >"$TOOLS/prometheus-build.log" 2>&1 \
    || die "prometheus: the build failed: $(tail -n 5 "$TOOLS/prometheus-build.log")"
  "$TOOLS/bin/promtool" --version 2>&1 | grep -q "version $PROMETHEUS_VERSION" \
    || die "prometheus: $TOOLS/bin/promtool does not say version $PROMETHEUS_VERSION"
  touch "$marker"
}

# chromium: from the distribution (apt), once; the browser tests name /usr/bin/chromium.
chromium() {
  [[ -x /usr/bin/chromium ]] && return
  command -v apt-get >/dev/null || die "chromium: /usr/bin/chromium is missing and there is no apt-get to install it (install Chromium there)"
  log "chromium: installing Debian's chromium (apt; about 270 MB)"
  # A fresh machine may have no package lists yet: read them once when the first attempt cannot find the package.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 chromium >"$TOOLS/chromium-install.log" 2>&1 \
    || { apt-get update -q -o DPkg::Lock::Timeout=600 >>"$TOOLS/chromium-install.log" 2>&1 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 chromium >>"$TOOLS/chromium-install.log" 2>&1; } \
    || die "chromium: apt-get install chromium failed (see $TOOLS/chromium-install.log)"
}

chromium
start=$SECONDS
# Side by side: pip waits on the network, the Go build on the CPU.
python_sdk & python_pid=$!
schemathesis & schemathesis_pid=$!
cronsim & cronsim_pid=$!
runitor & runitor_pid=$!
sentry_go_job & sentry_go_pid=$!
chdb & chdb_pid=$!
helm_tools & helm_pid=$!
kubernetes_validate & kubernetes_validate_pid=$!
prometheus & prometheus_pid=$!
failed=0
wait "$python_pid" || failed=1
wait "$schemathesis_pid" || failed=1
wait "$cronsim_pid" || failed=1
wait "$runitor_pid" || failed=1
wait "$sentry_go_pid" || failed=1
wait "$chdb_pid" || failed=1
wait "$helm_pid" || failed=1
wait "$kubernetes_validate_pid" || failed=1
wait "$prometheus_pid" || failed=1
[[ $failed == 0 ]] || die "a tool did not install (see above)"
log "ready in $TOOLS ($((SECONDS - start)) s): chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'), sentry-sdk $SENTRY_SDK_VERSION, schemathesis $SCHEMATHESIS_VERSION, cronsim $CRONSIM_VERSION (tzdata $TZDATA_VERSION), runitor $RUNITOR_VERSION, chdb-core $CHDB_CORE_VERSION, sentry-go-job, helm $HELM_VERSION, helm-unittest $HELM_UNITTEST_VERSION, kubernetes-validate $KUBERNETES_VALIDATE_VERSION, prometheus $PROMETHEUS_VERSION"

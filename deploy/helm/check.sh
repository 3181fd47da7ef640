#!/usr/bin/env bash
# `make helm-test`: the chart helm/vigil checked offline, with no cluster (docs/deploy.md says what this does not prove):
#   1. helm lint --strict with each values file in helm/vigil/ci (default: external stores; all-in-one; high availability)
#   2. helm template of each, validated resource by resource with kubernetes-validate --strict (unknown fields refused)
#      against Kubernetes 1.30 (the chart's floor) and 1.37 (the newest schemas the package ships)
#   3. the helm-unittest suites in helm/vigil/tests
#   4. values the schema or the chart's rules must refuse, each with the error expected
#   5. deploy/helm/env-check.mjs: every variable a Vigil container gets is libs/config's, valid, and none required is
#      missing; and it catches a render with an unknown variable and one without a required variable
#   6. once deploy/prometheus/vigil-rules.yaml exists: the chart's files/vigil-rules.yaml is a copy of it and renders
# Tools come from `make tools` (deploy/local/tools.sh). Needs `make build` (env-check reads libs/config's build output).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
TOOLS="${VIGIL_TOOLS_DIR:-$HOME/.cache/vigil/tools}"
CHART="$ROOT/helm/vigil"
HELM="$TOOLS/bin/helm"
UNITTEST="$TOOLS/bin/helm-unittest"
VALIDATE="$TOOLS/kubernetes-validate/bin/kubernetes-validate"
KUBE_VERSIONS=(1.30.0 1.37.0)
for tool in "$HELM" "$UNITTEST" "$VALIDATE"; do
  [[ -x $tool ]] || { echo "helm-test: $tool is missing: run make tools" >&2; exit 1; }
done
[[ -f $ROOT/libs/config/dist/index.js ]] || { echo "helm-test: libs/config is not built: run make build" >&2; exit 1; }
export HELM_CACHE_HOME="$TOOLS/helm/cache" HELM_CONFIG_HOME="$TOOLS/helm/config" HELM_DATA_HOME="$TOOLS/helm/data"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "helm-test: FAIL $*" >&2; }

# 1 and 2
renders=()
for values in "$CHART"/ci/*-values.yaml; do
  name="$(basename "$values" -values.yaml)"
  if "$HELM" lint --strict --quiet "$CHART" -f "$values" >"$scratch/lint-$name.log" 2>&1; then ok; else fail "helm lint --strict ($name): $(cat "$scratch/lint-$name.log")"; fi
  if "$HELM" template vigil "$CHART" --namespace vigil -f "$values" --kube-version "${KUBE_VERSIONS[0]}" >"$scratch/$name.yaml" 2>"$scratch/template-$name.log"; then
    ok
    renders+=("$scratch/$name.yaml")
  else
    fail "helm template ($name): $(cat "$scratch/template-$name.log")"
    continue
  fi
  for version in "${KUBE_VERSIONS[@]}"; do
    # CRDs (ServiceMonitor, PrometheusRule) have no schema in the package: a warning, not a pass.
    if "$VALIDATE" --kubernetes-version "$version" --strict --quiet "$scratch/$name.yaml" >"$scratch/validate-$name-$version.log" 2>&1; then
      ok
    else
      fail "kubernetes-validate --strict $version ($name): $(grep -v '^WARN' "$scratch/validate-$name-$version.log" | head -n 20)"
    fi
  done
  echo "helm-test: $name: $(grep -c '^kind:' "$scratch/$name.yaml") resources, lint and schemas for Kubernetes ${KUBE_VERSIONS[*]} checked" >&2
done

# 3
if "$UNITTEST" --strict --color=false "$CHART" >"$scratch/unittest.log" 2>&1; then
  ok
  echo "helm-test: helm-unittest: $(grep -E '^Tests:' "$scratch/unittest.log")" >&2
else
  fail "helm-unittest: $(cat "$scratch/unittest.log")"
fi

# 4: <description> | <expected error (extended regex)> | helm arguments...
refused() {
  local description="$1" expected="$2"
  shift 2
  if "$HELM" template vigil "$CHART" -f "$CHART/ci/default-values.yaml" --kube-version "${KUBE_VERSIONS[0]}" "$@" >"$scratch/bad.yaml" 2>"$scratch/bad.log"; then
    fail "bad values accepted: $description ($*)"
  elif ! grep -qE -- "$expected" "$scratch/bad.log"; then
    fail "bad values ($description) refused, but not with /$expected/: $(cat "$scratch/bad.log")"
  else
    ok
  fi
}
refused 'an unknown top-level key' "additional properties 'replicas' not allowed" --set replicas=3
refused 'an unknown key in a service' "additional properties 'replcas' not allowed" --set services.ingest.replcas=3
refused 'a service the image has no command for' "invalid propertyName 'dashboard'" --set-json 'services.dashboard={"enabled":true}'
refused 'a variable libs/config does not know' "invalid propertyName 'VIGIL_NOPE'" --set env.VIGIL_NOPE=1
refused 'a secret as a plain variable' "invalid propertyName 'VIGIL_POSTGRES_URL'" --set env.VIGIL_POSTGRES_URL=postgres://x
refused 'replicas as a string' "got string, want integer" --set-string services.api.replicas=2
refused 'negative replicas' "minimum: got -1, want 0" --set services.api.replicas=-1
refused 'a log level pino does not have' "value must be one of 'trace', 'debug'" --set logLevel=verbose
refused 'brokers without a port' "brokers" --set kafka.brokers=kafka
refused 'a replication factor of 0' "minimum: got 0, want 1" --set kafka.replicationFactor=0
refused 'a Postgres URL of another scheme' "url" --set postgres.url=mysql://x
refused 'an unknown pull policy' "value must be one of 'Always', 'IfNotPresent', 'Never'" --set image.pullPolicy=Sometimes
refused 'root as the pod user' "runAsNonRoot" --set podSecurityContext.runAsNonRoot=false
refused 'privilege escalation' "allowPrivilegeEscalation" --set securityContext.allowPrivilegeEscalation=true
refused 'an SMTP security mode that does not exist' "value must be one of 'none', 'starttls', 'implicit'" --set smtp.tls=ssl
refused 'maxReplicas below minReplicas' "maxReplicas \(2\) is below minReplicas \(3\)" --set services.ingest.autoscaling.enabled=true --set services.ingest.autoscaling.minReplicas=3 --set services.ingest.autoscaling.maxReplicas=2
refused 'an autoscaled consumer' "only HTTP services" --set services.history.autoscaling.enabled=true
refused 'no Postgres at all' "postgres.url is required" --set postgres.url=
refused 'an Ingress without hosts' "set ingress.ingestHost, ingress.apiHost or both" --set ingress.enabled=true
refused 'credentials beside an existing Secret' "existingSecret is set" --set existingSecret=vigil-credentials
refused 'a cluster older than 1.30' "chart requires kubeVersion: >=1.30.0-0 which is incompatible with Kubernetes v1.29.0" --kube-version 1.29.0

# 5
if ((${#renders[@]} > 0)) && node "$ROOT/deploy/helm/env-check.mjs" "${renders[@]}" >"$scratch/env.log" 2>&1; then
  ok
  echo "helm-test: $(tail -n 1 "$scratch/env.log")" >&2
else
  fail "env-check: $(cat "$scratch/env.log")"
fi
# The check itself must catch both faults: a variable libs/config does not know, and a required one missing.
default_render="$scratch/default.yaml"
sed 's/- name: VIGIL_LOG_LEVEL$/- name: VIGIL_LOGLEVEL/' "$default_render" >"$scratch/unknown.yaml"
sed '/- name: VIGIL_PUBLIC_INGEST_URL$/,+1d' "$default_render" >"$scratch/missing.yaml"
for broken in unknown:'VIGIL_LOGLEVEL is not a libs/config variable' missing:'lacks VIGIL_PUBLIC_INGEST_URL'; do
  if node "$ROOT/deploy/helm/env-check.mjs" "$scratch/${broken%%:*}.yaml" >"$scratch/env-broken.log" 2>&1; then
    fail "env-check passed a render with ${broken%%:*} variables"
  elif grep -qF "${broken#*:}" "$scratch/env-broken.log"; then
    ok
  else
    fail "env-check failed the ${broken%%:*} render without saying '${broken#*:}': $(head -n 5 "$scratch/env-broken.log")"
  fi
done

# The chart ships the operator alerts of deploy/prometheus/vigil-rules.yaml (a chart cannot read outside its
# directory): once that file exists, the chart's copy must be identical, and must render into the PrometheusRule.
rules="$ROOT/deploy/prometheus/vigil-rules.yaml"
if [[ ! -f $rules ]]; then
  refused 'a PrometheusRule with no rules to put in it' "give metrics.prometheusRule.groups" --set metrics.prometheusRule.enabled=true
elif [[ -f $rules ]]; then
  if ! cmp -s "$rules" "$CHART/files/vigil-rules.yaml"; then
    fail "helm/vigil/files/vigil-rules.yaml is not a copy of deploy/prometheus/vigil-rules.yaml (cp it)"
  elif "$HELM" template vigil "$CHART" -f "$CHART/ci/default-values.yaml" --set metrics.prometheusRule.enabled=true \
    --show-only templates/prometheusrule.yaml >"$scratch/rules.yaml" 2>&1 && grep -q '^  groups:' "$scratch/rules.yaml"; then
    ok
  else
    fail "the PrometheusRule does not render from files/vigil-rules.yaml: $(head -n 5 "$scratch/rules.yaml")"
  fi
fi

echo "helm-test: $passed passed, $failed failed"
((failed == 0))

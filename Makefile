# The two commands of the README. Both work on a fresh machine: they install what is missing.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
STACK := deploy/local/stack.sh
CREDENTIALS := .stack/credentials.env

.PHONY: up down test deps build lint format format-check migrate topics seed test-unit test-integration test-e2e test-e2e-shard-1 test-e2e-shard-2 test-e2e-realtime test-rules status tools lock-check helm-test image

## up: install, start Kafka/Postgres/ClickHouse and every service, seed, print URLs and credentials
up: deps build
	bash $(STACK) up
	$(MAKE) --no-print-directory migrate topics
	bash deploy/local/services.sh up
	$(MAKE) --no-print-directory seed
	@echo
	@echo "Vigil is up. Credentials (also in $(CREDENTIALS)):"
	@sed 's/^/  /' $(CREDENTIALS)

## down: stop the services and the stack
down:
	-bash deploy/local/services.sh down
	bash $(STACK) down

status:
	-bash deploy/local/services.sh status
	bash $(STACK) status

## test: formatting and lint first (they fail fast), then every tier on the real stack: unit, integration, end-to-end
test: deps lock-check format-check build lint tools
	bash $(STACK) up
	$(MAKE) --no-print-directory test-rules test-unit
	$(MAKE) --no-print-directory -j2 --output-sync=target test-integration test-e2e-realtime
	$(MAKE) --no-print-directory -j2 --output-sync=target test-e2e-shard-1 test-e2e-shard-2
	$(MAKE) --no-print-directory helm-test

## test-rules: the operators' alerting rules (deploy/prometheus) are valid and fire as their unit tests say
PROMTOOL := $${VIGIL_TOOLS_DIR:-$$HOME/.cache/vigil/tools}/bin/promtool
test-rules:
	$(PROMTOOL) check rules deploy/prometheus/vigil-rules.yaml
	$(PROMTOOL) test rules deploy/prometheus/vigil-rules.test.yaml

test-unit:
	npx jest --config jest.config.js --selectProjects unit --ci

# integration-clickhouse-current: the ClickHouse specs again, on current ClickHouse (chdb-core, 26.x; docs/clickhouse.md)
test-integration:
	npx jest --config jest.config.js --selectProjects integration integration-clickhouse-current --ci --runInBand --forceExit

test-e2e:
	npx jest --config jest.config.js --selectProjects e2e --ci --runInBand --forceExit

## test-e2e-shard-N: half of the end-to-end tier (e2e/shard-sequencer.js deals the specs out by duration), shard 1 on
## test slot 0 and shard 2 on slot 7 (the benchmarks take 9): make test runs both at once, each with its own ports, topics and databases
E2E_SHARD = npx jest --config jest.config.js --selectProjects e2e --ci --runInBand --forceExit --shard
test-e2e-shard-1:
	VIGIL_TEST_SLOT=0 $(E2E_SHARD)=1/2
test-e2e-shard-2:
	VIGIL_TEST_SLOT=7 $(E2E_SHARD)=2/2

## test-e2e-realtime: end-to-end specs that mostly wait on the wall clock (*.realtime-spec.ts), on test slot 8 so
## that they run beside the integration tier without sharing its ports, topics or databases
test-e2e-realtime:
	VIGIL_TEST_SLOT=8 npx jest --config jest.config.js --selectProjects e2e-realtime --ci --runInBand --forceExit

## tools: the third-party clients the end-to-end tests drive (Python sentry-sdk, schemathesis, runitor), cached in ~/.cache/vigil/tools;
## runitor is built from third_party/runitor (needs Go) where the Go module proxy does not serve it
tools:
	bash deploy/local/tools.sh

deps: node_modules/.package-lock.json

## deps: exactly what package-lock.json records (npm ci refuses a lock that disagrees with a package.json);
## after changing a dependency, run npm install and commit the lock with it. lock-check (run by make test) fails when
## the committed lock is not what npm resolves for the workspace.
node_modules/.package-lock.json: package.json package-lock.json $(wildcard libs/*/package.json services/*/package.json e2e/package.json bench/package.json)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lock-check:
	bash deploy/local/lock-check.sh

## build: type-check everything (tests included) and compile every project
build:
	npx tsc -b tsconfig.json
	npx tsc -p tsconfig.spec.json

## lint: ESLint (typescript-eslint, type-aware, over sources and tests) and Nx module boundaries. bench reads the
## scheduler's compiled output, so the libraries and services are compiled first (nothing to do after make build)
lint: deps
	npx tsc -b tsconfig.json
	npx eslint --max-warnings 0 .

## format-check: every file Prettier formats is formatted (.prettierrc.json, .prettierignore); format: make it so
format-check: deps
	npx prettier --check --log-level warn .

format: deps
	npx prettier --write --log-level warn .

migrate:
	node libs/db/dist/cli/migrate.js
	node libs/clickhouse/dist/cli/migrate.js

topics:
	node libs/kafka/dist/cli/create-topics.js

seed:
	@mkdir -p .stack
	@( [ -f $(CREDENTIALS) ] && set -a && . ./$(CREDENTIALS) && set +a; node services/api/dist/cli/seed-default.js ) > $(CREDENTIALS).new
	@{ echo "VIGIL_INGEST_URL=$${VIGIL_PUBLIC_INGEST_URL:-http://127.0.0.1:8080}"; echo "VIGIL_API_URL=http://127.0.0.1:$${VIGIL_API_PORT:-8081}"; echo "VIGIL_WEB_URL=http://127.0.0.1:$${VIGIL_API_PORT:-8081}/"; \
	  echo "VIGIL_METRICS_URLS=\"http://127.0.0.1:$${VIGIL_INGEST_METRICS_PORT:-8090}/metrics http://127.0.0.1:$${VIGIL_API_PORT:-8081}/metrics http://127.0.0.1:$${VIGIL_SCHEDULER_PORT:-8082}/metrics http://127.0.0.1:$${VIGIL_ISSUES_PORT:-8083}/metrics http://127.0.0.1:$${VIGIL_NOTIFIER_PORT:-8084}/metrics http://127.0.0.1:$${VIGIL_HISTORY_PORT:-8085}/metrics\""; \
	  cat $(CREDENTIALS).new; } > $(CREDENTIALS)
	@rm -f $(CREDENTIALS).new

## --- Kubernetes and the container image (docs/deploy.md)
## helm-test: the chart helm/vigil offline: helm lint --strict, helm template (default, all-in-one, HA values),
## kubernetes-validate --strict (1.30 and 1.37), helm-unittest, refused bad values, and every container variable
## checked against libs/config. Tools from make tools; libs/config from make build.
helm-test:
	bash deploy/helm/check.sh

## image: the Containerfile built with buildah (root, vfs, chroot isolation) on a Debian-built Node base, then proved:
## its vigil migrate, migrate --check and ingest (/readyz 200, SIGTERM) against the local stack. Not part of make
## test (8 min here on a loaded machine, most of it npm ci and tsc inside the build): docs/decisions/0022-container-image.md
image: build
	bash deploy/image/build.sh

# The two commands of the README. Both work on a fresh machine: they install what is missing.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
STACK := deploy/local/stack.sh
CREDENTIALS := .stack/credentials.env

.PHONY: up down test deps build lint format format-check migrate topics seed test-unit test-integration test-e2e status tools

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
test: deps format-check build lint tools
	bash $(STACK) up
	$(MAKE) --no-print-directory test-unit test-integration test-e2e

test-unit:
	npx jest --config jest.config.js --selectProjects unit --ci

test-integration:
	npx jest --config jest.config.js --selectProjects integration --ci --runInBand --forceExit

test-e2e:
	npx jest --config jest.config.js --selectProjects e2e --ci --runInBand --forceExit

## tools: the third-party clients the end-to-end tests drive (Python sentry-sdk, schemathesis, runitor), cached in ~/.cache/vigil/tools;
## runitor is built from third_party/runitor (needs Go) where the Go module proxy does not serve it
tools:
	bash deploy/local/tools.sh

deps: node_modules/.package-lock.json

node_modules/.package-lock.json: package.json package-lock.json $(wildcard libs/*/package.json services/*/package.json e2e/package.json)
	@# npm 11 ci rejects this lock file for optional platform packages of @swc/core it did record; install from the lock instead
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

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
	@{ echo "VIGIL_INGEST_URL=$${VIGIL_PUBLIC_INGEST_URL:-http://127.0.0.1:8080}"; echo "VIGIL_API_URL=http://127.0.0.1:$${VIGIL_API_PORT:-8081}"; echo "VIGIL_WEB_URL=http://127.0.0.1:$${VIGIL_API_PORT:-8081}/"; cat $(CREDENTIALS).new; } > $(CREDENTIALS)
	@rm -f $(CREDENTIALS).new

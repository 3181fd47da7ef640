#!/usr/bin/env bash
# Runs Vigil's services as background processes on this machine, from their build output.
#   services.sh up      start every service not yet running, wait for /readyz
#   services.sh down    SIGTERM each (graceful: drain, flush, commit), wait for exit
#   services.sh status  one line per service
# Logs: .stack/logs/<service>.log   Pids: .stack/run/<service>.pid
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_DIR="${VIGIL_STACK_DIR:-$ROOT/.stack}"
LOGS="$STACK_DIR/logs"
RUN="$STACK_DIR/run"
SERVICES=(ingest api history scheduler issues notifier)

port_of() {
  case "$1" in
    ingest) echo "${VIGIL_INGEST_PORT:-8080}" ;;
    api) echo "${VIGIL_API_PORT:-8081}" ;;
    scheduler) echo "${VIGIL_SCHEDULER_PORT:-8082}" ;;
    issues) echo "${VIGIL_ISSUES_PORT:-8083}" ;;
    notifier) echo "${VIGIL_NOTIFIER_PORT:-8084}" ;;
    history) echo "${VIGIL_HISTORY_PORT:-8085}" ;;
  esac
}

running() {
  local pidfile="$RUN/$1.pid"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

up() {
  mkdir -p "$LOGS" "$RUN"
  for service in "${SERVICES[@]}"; do
    if running "$service"; then continue; fi
    local main="$ROOT/services/$service/dist/main.js"
    [[ -f "$main" ]] || { echo "[services] $main is missing: run 'npm run build'" >&2; exit 1; }
    setsid nohup node "$main" >>"$LOGS/$service.log" 2>&1 </dev/null &
    echo $! >"$RUN/$service.pid"
  done
  for service in "${SERVICES[@]}"; do
    local port deadline
    port="$(port_of "$service")"
    deadline=$((SECONDS + 60))
    until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
      if ! running "$service" || ((SECONDS > deadline)); then
        echo "[services] $service did not become ready on port $port; last log lines:" >&2
        tail -n 30 "$LOGS/$service.log" >&2 || true
        exit 1
      fi
      sleep 0.3
    done
    echo "[services] $service ready on http://127.0.0.1:$port"
  done
}

down() {
  for service in "${SERVICES[@]}"; do
    if running "$service"; then
      local pid
      pid="$(cat "$RUN/$service.pid")"
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
      echo "[services] $service stopped"
    fi
    rm -f "$RUN/$service.pid"
  done
}

status() {
  local ok=0
  for service in "${SERVICES[@]}"; do
    if running "$service"; then echo "$service: running (pid $(cat "$RUN/$service.pid"), http://127.0.0.1:$(port_of "$service"))"; else echo "$service: stopped"; ok=1; fi
  done
  return $ok
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac

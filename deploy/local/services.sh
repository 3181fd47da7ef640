#!/usr/bin/env bash
# Runs Vigil's services as background processes on this machine, from their build output, each under a
# supervisor that restarts it when it exits (backoff 1 s doubling to 30 s) and writes its output to a rotated log.
#   services.sh up     [service...]   start every service (or those named) not yet running, wait for /readyz
#   services.sh down   [service...]   SIGTERM each supervisor, which stops its service gracefully (drain, flush,
#                                      commit) and exits; whatever is left of its process group is killed
#   services.sh status [service...]   one line per service: pids, restarts, last exit
# Logs: $VIGIL_STACK_DIR/logs/<service>.log (+ .1 ... rotated) and supervisor.log (every restart)
# Pids and supervisor state: $VIGIL_STACK_DIR/run/<service>.pid, <service>.state
# VIGIL_STACK_DIR (default <repo>/.stack) only places logs and pids: services.sh never starts or stops Kafka,
# Postgres or ClickHouse. Ports, stores and everything else come from the VIGIL_* environment (libs/config).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STACK_DIR="${VIGIL_STACK_DIR:-$ROOT/.stack}"
LOGS="$STACK_DIR/logs"
RUN="$STACK_DIR/run"
ALL_SERVICES=(ingest api history scheduler issues notifier)
SUPERVISOR="$ROOT/libs/bootstrap/dist/supervisor/cli.js"
READY_TIMEOUT="${VIGIL_SERVICES_READY_TIMEOUT:-60}"

port_of() {
  case "$1" in
    ingest) echo "${VIGIL_INGEST_PORT:-8080}" ;;
    api) echo "${VIGIL_API_PORT:-8081}" ;;
    scheduler) echo "${VIGIL_SCHEDULER_PORT:-8082}" ;;
    issues) echo "${VIGIL_ISSUES_PORT:-8083}" ;;
    notifier) echo "${VIGIL_NOTIFIER_PORT:-8084}" ;;
    history) echo "${VIGIL_HISTORY_PORT:-8085}" ;;
    *) echo "[services] unknown service '$1' (expected: ${ALL_SERVICES[*]})" >&2; exit 2 ;;
  esac
}

# proc_matches PID PATTERN: PID is a live process (not a zombie, not gone) whose command line contains PATTERN.
# A pid file alone proves nothing: the process may be dying after a kill -9, a zombie nobody reaped, or the pid
# may have been reused by another program.
proc_matches() {
  local pid=$1 pat=$2 state cmd
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *"$pat"* ]]
}

supervisor_pattern() { echo "$SUPERVISOR --name $1 --log $LOGS/$1.log"; }
pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }
state_of() { sed -n "s/^$2=//p" "$RUN/$1.state" 2>/dev/null || true; }

running() { proc_matches "$(pid_of "$1")" "$(supervisor_pattern "$1")"; }

# group_members PGID SERVICE: live processes of the supervisor's process group that are this service's supervisor
# or service (a group id alone could name someone else's group once the pid is reused)
group_members() {
  local pgid=$1 service=$2
  [[ $pgid =~ ^[0-9]+$ ]] || return 0
  ps -eo pid=,pgid=,stat=,args= | awk -v g="$pgid" -v a="$(supervisor_pattern "$service")" -v b="$ROOT/services/$service/dist/main.js" \
    '$2 == g && $3 !~ /^Z/ && (index($0, a) || index($0, b)) { print $1 }'
}

# reap_group PGID SERVICE: SIGTERM, then SIGKILL, whatever is left of a supervisor's group (a supervisor killed with
# -9 leaves its service running, still holding the port)
reap_group() {
  local pgid=$1 service=$2 left
  left=$(group_members "$pgid" "$service")
  [[ -z $left ]] && return 0
  echo "[services] $service: stopping leftover processes of group $pgid: $(echo $left)" >&2
  # shellcheck disable=SC2086
  kill -TERM $left 2>/dev/null || true
  for _ in $(seq 1 100); do
    [[ -z $(group_members "$pgid" "$service") ]] && return 0
    sleep 0.1
  done
  left=$(group_members "$pgid" "$service")
  # shellcheck disable=SC2086
  [[ -n $left ]] && kill -KILL $left 2>/dev/null || true
}

# ready SERVICE: the supervisor runs, its current service process is alive, and /readyz answers 200. A service
# killed with -9 answers nothing, so a 200 comes from the process the supervisor started after it.
ready() {
  local child
  child=$(state_of "$1" service_pid)
  [[ $(state_of "$1" state) == running ]] && proc_matches "$child" "$ROOT/services/$1/dist/main.js" &&
    curl -fsS --max-time 2 "http://127.0.0.1:$(port_of "$1")/readyz" >/dev/null 2>&1
}

up() {
  mkdir -p "$LOGS" "$RUN"
  [[ -f $SUPERVISOR ]] || { echo "[services] $SUPERVISOR is missing: run 'make build'" >&2; exit 1; }
  local service
  for service in "$@"; do
    port_of "$service" >/dev/null
    if running "$service"; then continue; fi
    local main="$ROOT/services/$service/dist/main.js"
    [[ -f "$main" ]] || { echo "[services] $main is missing: run 'make build'" >&2; exit 1; }
    reap_group "$(pid_of "$service")" "$service"
    rm -f "$RUN/$service.pid" "$RUN/$service.state"
    # The inner bash writes its own pid, then becomes the supervisor: the pid file is exact, and the supervisor
    # leads its own session and process group (setsid), which its service joins.
    # shellcheck disable=SC2016
    nohup setsid bash -c 'echo $$ >"$0"; exec "$@"' "$RUN/$service.pid" \
      node "$SUPERVISOR" --name "$service" --log "$LOGS/$service.log" --supervisor-log "$LOGS/supervisor.log" --state "$RUN/$service.state" \
      -- node "$main" >>"$LOGS/supervisor.out.log" 2>&1 </dev/null &
    for _ in $(seq 1 50); do [[ -s $RUN/$service.pid ]] && break; sleep 0.1; done
  done
  for service in "$@"; do
    local port deadline
    port="$(port_of "$service")"
    deadline=$((SECONDS + READY_TIMEOUT))
    until ready "$service"; do
      if ! running "$service" || ((SECONDS > deadline)); then
        echo "[services] $service did not become ready on port $port; last log lines:" >&2
        tail -n 30 "$LOGS/$service.log" >&2 || true
        tail -n 5 "$LOGS/supervisor.out.log" >&2 2>/dev/null || true
        exit 1
      fi
      sleep 0.3
    done
    echo "[services] $service ready on http://127.0.0.1:$port"
  done
}

down() {
  local service
  for service in "$@"; do
    port_of "$service" >/dev/null
    local pid
    pid="$(pid_of "$service")"
    if running "$service"; then
      kill -TERM "$pid" 2>/dev/null || true
      # the supervisor waits for its service's graceful stop (VIGIL_SHUTDOWN_TIMEOUT_MS, 10 s) and then exits
      for _ in $(seq 1 300); do proc_matches "$pid" "$(supervisor_pattern "$service")" || break; sleep 0.1; done
      echo "[services] $service stopped"
    fi
    reap_group "$pid" "$service"
    rm -f "$RUN/$service.pid"
  done
}

status() {
  local ok=0 service
  for service in "$@"; do
    if running "$service"; then
      local line="$service: $(state_of "$service" state) (supervisor pid $(pid_of "$service"), service pid $(state_of "$service" service_pid), http://127.0.0.1:$(port_of "$service")), restarts $(state_of "$service" restarts)"
      local last
      last=$(state_of "$service" last_exit)
      [[ -n $last ]] && line+=", last exit: $last at $(state_of "$service" last_exit_at)"
      [[ $(state_of "$service" state) == backoff ]] && line+=", next start at $(state_of "$service" next_restart_at)"
      echo "$line"
    else
      echo "$service: stopped"
      ok=1
    fi
  done
  return $ok
}

command="${1:-}"
(($#)) && shift
(($#)) || set -- "${ALL_SERVICES[@]}"
case "$command" in
  up) up "$@" ;;
  down) down "$@" ;;
  status) status "$@" ;;
  *) echo "usage: $0 up|down|status [service...]" >&2; exit 2 ;;
esac

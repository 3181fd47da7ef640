#!/usr/bin/env bash
# Proves a built image serves, with no container runtime: mounts the image with buildah and runs its entry point, as
# its user, with its environment, in a chroot inside fresh PID and mount namespaces (so tini is PID 1, as in a pod),
# against the local stack with the test slot's stores (VIGIL_TEST_SLOT, default 0):
#   1. `vigil migrate` then `vigil migrate --check` (exit 0: all three stores current),
#   2. `vigil ingest` answers /readyz 200 and a ping URL of no check 404 (the ingest route, not a stub),
#   3. SIGTERM to PID 1 (tini) stops it with exit status 0 within VIGIL_SHUTDOWN_TIMEOUT_MS.
# Usage: prove.sh <image>. Needs the repository built (the slot's settings come from libs/testing's build output).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
IMAGE="${1:?usage: prove.sh <image>}"
# buildah's storage driver: its default (overlay where the kernel allows, as here), or VIGIL_BUILDAH_STORAGE_DRIVER=vfs.
BUILDAH_STORAGE=(${VIGIL_BUILDAH_STORAGE_DRIVER:+--storage-driver "$VIGIL_BUILDAH_STORAGE_DRIVER"})

log() { echo "image proof: $*" >&2; }
die() { echo "image proof: FAILED: $*" >&2; exit 1; }

[[ -f $ROOT/libs/testing/dist/index.js ]] || die "libs/testing is not built (make build)"
# The slot's stores and a port of its own for the image's ingest (the slot's ingest port + 50: tests may hold the other).
mapfile -t slot_env < <(cd "$ROOT" && node -e '
  const { testEnv } = require("./libs/testing/dist");
  const env = testEnv();
  env.VIGIL_INGEST_PORT = String(Number(env.VIGIL_INGEST_PORT) + 50);
  env.VIGIL_LOG_LEVEL = "info";
  for (const [name, value] of Object.entries(env)) console.log(`${name}=${value}`);
')
port="$(printf '%s\n' "${slot_env[@]}" | sed -n 's/^VIGIL_INGEST_PORT=//p')"

# The image's own configuration: entry point, user, working directory and environment, as a runtime would use them.
config="$(buildah "${BUILDAH_STORAGE[@]}" inspect --type image "$IMAGE")" || die "no image $IMAGE"
field() { node -e 'const c = JSON.parse(process.argv[1]).OCIv1.config; const v = c[process.argv[2]]; console.log(Array.isArray(v) ? v.join("\n") : v ?? "")' "$config" "$1"; }
mapfile -t entrypoint < <(field Entrypoint)
mapfile -t image_env < <(field Env)
user="$(field User)"
workdir="$(field WorkingDir)"
[[ $user =~ ^[1-9][0-9]*:[0-9]+$ ]] || die "the image's user is '$user', not a numeric non-root uid:gid"
log "$IMAGE: entrypoint ${entrypoint[*]}, user $user, workdir $workdir"

container="$(buildah "${BUILDAH_STORAGE[@]}" from --pull=never "$IMAGE")"
mnt="$(buildah "${BUILDAH_STORAGE[@]}" mount "$container")"
pid=''
cleanup() {
  [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null || true
  buildah "${BUILDAH_STORAGE[@]}" umount "$container" >/dev/null 2>&1 || true
  buildah "${BUILDAH_STORAGE[@]}" rm "$container" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# run <command...>: the image's entry point with these arguments, in the background; sets $pid (the namespace's PID 1
# as the host sees it, after unshare forked it) and leaves its output in $out.
out="$(mktemp)"
run() {
  unshare --pid --fork --mount --mount-proc="$mnt/proc" \
    chroot --userspec="$user" "$mnt" /usr/bin/env -i "${image_env[@]}" "${slot_env[@]}" sh -c 'cd "$0" && exec "$@"' "$workdir" "${entrypoint[@]}" "$@" >"$out" 2>&1 &
  local unshare_pid=$!
  for _ in $(seq 50); do
    pid="$(pgrep -P "$unshare_pid" || true)"
    [[ -n $pid ]] && break
    sleep 0.1
  done
  [[ -n $pid ]] || die "the entry point did not start: $(cat "$out")"
}
# run_to_end <command...>: as run, and waits for its exit status.
run_to_end() {
  run "$@"
  local status=0
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  wait || status=$?
  pid=''
  return "$status"
}

run_to_end migrate || die "vigil migrate exited non-zero: $(cat "$out")"
log "vigil migrate: $(tr '\n' ';' <"$out")"
run_to_end migrate --check || die "vigil migrate --check says not current: $(cat "$out")"
log "vigil migrate --check: $(tr '\n' ';' <"$out")"

start=$SECONDS
run ingest
until [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true) == 200 ]]; do
  kill -0 "$pid" 2>/dev/null || die "vigil ingest exited: $(tail -n 20 "$out")"
  ((SECONDS - start < 90)) || die "vigil ingest did not answer /readyz 200 on port $port within 90 s: $(tail -n 20 "$out")"
  sleep 0.5
done
log "vigil ingest: /readyz 200 on port $port after $((SECONDS - start)) s"
status="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/ping/00000000-0000-4000-8000-000000000000")"
[[ $status == 404 ]] || die "a ping to an unknown check answered $status, not 404"
# The process tree: tini as PID 1 of its namespace, node under it, both as the image's user.
tree="$(ps -o uid=,comm= --ppid "$pid" --pid "$pid" | tr -s ' ' | tr '\n' ';')"
log "processes (uid command): $tree"
[[ $tree == *"${user%%:*} tini"* && $tree == *"${user%%:*} node"* ]] || die "expected tini and node as uid ${user%%:*}, found: $tree"

kill -TERM "$pid"
stop=$SECONDS
status=0
while kill -0 "$pid" 2>/dev/null; do
  ((SECONDS - stop < 30)) || die "vigil ingest did not stop within 30 s of SIGTERM"
  sleep 0.2
done
wait || status=$?
pid=''
[[ $status == 0 ]] || die "vigil ingest exited $status after SIGTERM: $(tail -n 5 "$out")"
grep -q '"msg":"stopped"' "$out" || die "no 'stopped' line in ingest's log: $(tail -n 5 "$out")"
log "vigil ingest: SIGTERM to tini (PID 1) stopped it gracefully, exit 0, in $((SECONDS - stop)) s"
log "OK: $IMAGE migrates, checks, serves and stops"

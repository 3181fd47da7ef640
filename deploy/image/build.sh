#!/usr/bin/env bash
# `make image`: builds the Containerfile with buildah, as root, with chroot isolation (no
# Docker engine, no container runtime, no registry for base images on these machines), then proves the image serves
# (deploy/image/prove.sh). The Containerfile's NODE_IMAGE is replaced by a base assembled here from Debian packages:
#   mmdebstrap (trixie, minbase) + nodejs (Debian's, >= 20.19) + tini + ca-certificates, and npm from the npm registry
# (`npm pack`), imported into buildah's store as localhost/vigil-node:<hash of those inputs>. The root filesystem is
# cached in $VIGIL_IMAGE_CACHE (default ~/.cache/vigil/image), the base image in buildah's store; both are made again
# only when the inputs change. See docs/decisions/0022-container-image.md.
#   VIGIL_IMAGE       the tag built (default localhost/vigil:dev)
#   VIGIL_IMAGE_PROVE 0 skips the proof
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${VIGIL_IMAGE_CACHE:-$HOME/.cache/vigil/image}"
IMAGE="${VIGIL_IMAGE:-localhost/vigil:dev}"
SUITE=trixie
PACKAGES=nodejs,tini,ca-certificates
NPM_VERSION=11.19.1
# buildah's storage driver: its default (overlay where the kernel allows, as on these machines), or
# VIGIL_BUILDAH_STORAGE_DRIVER=vfs where overlay is refused (slower: every layer a full copy). Isolation is chroot:
# no runc or crun is needed.
export BUILDAH_ISOLATION=chroot
buildah() { command buildah ${VIGIL_BUILDAH_STORAGE_DRIVER:+--storage-driver "$VIGIL_BUILDAH_STORAGE_DRIVER"} "$@"; }

log() { echo "image: $*" >&2; }
die() { echo "image: ERROR: $*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "buildah with chroot isolation runs as root here (run make image as root)"
missing=()
type -P buildah >/dev/null || missing+=(buildah)
type -P mmdebstrap >/dev/null || missing+=(mmdebstrap)
if ((${#missing[@]})); then
  log "installing ${missing[*]} (Debian packages)"
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; } ||
    die "could not install ${missing[*]}"
fi
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

start=$SECONDS
rootfs_key="$(echo "$SUITE $PACKAGES" | sha256sum | cut -c1-12)"
key="$(echo "$rootfs_key npm-$NPM_VERSION $(sha256sum "${BASH_SOURCE[0]}" | cut -c1-16)" | sha256sum | cut -c1-12)"
BASE="localhost/vigil-node:$key"
if buildah inspect --type image "$BASE" >/dev/null 2>&1; then
  log "base $BASE is in buildah's store"
else
  rootfs="$CACHE/rootfs-$SUITE-$rootfs_key.tar"
  if [[ ! -s $rootfs ]]; then
    log "assembling a Debian $SUITE root filesystem with $PACKAGES (mmdebstrap, a few minutes once)"
    rm -f "$CACHE"/rootfs-*.tar
    # minbase: apt, dpkg, coreutils, passwd (useradd), bash; mmdebstrap leaves no apt cache or lists behind.
    mmdebstrap --quiet --variant=minbase --include="$PACKAGES" --mode=root --format=tar "$SUITE" "$rootfs.part" || die "mmdebstrap failed"
    mv "$rootfs.part" "$rootfs"
  fi
  npm_tgz="$CACHE/npm-$NPM_VERSION.tgz"
  if [[ ! -s $npm_tgz ]]; then
    (cd "$CACHE" && npm pack --silent "npm@$NPM_VERSION" >/dev/null) || die "npm pack npm@$NPM_VERSION failed"
  fi
  container="$(buildah from scratch)"
  trap 'buildah rm "$container" >/dev/null 2>&1 || true' EXIT
  mnt="$(buildah mount "$container")"
  tar -xf "$rootfs" -C "$mnt"
  mkdir -p "$mnt/usr/local/lib/node_modules/npm"
  tar -xzf "$npm_tgz" -C "$mnt/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$mnt/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$mnt/usr/local/bin/npx"
  node_version="$(chroot "$mnt" node --version)" || die "node does not run in the base"
  buildah umount "$container" >/dev/null
  buildah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd '["node"]' \
    --label "org.opencontainers.image.description=Debian $SUITE, Node $node_version, npm $NPM_VERSION, tini (vigil make image)" "$container"
  buildah commit --quiet --rm "$container" "$BASE" >/dev/null
  trap - EXIT
  log "base $BASE: Debian $SUITE, node $node_version, npm $NPM_VERSION, tini"
  # Bases made from older inputs are of no further use.
  buildah images --format '{{.Name}}:{{.Tag}}' | grep -xE 'localhost/vigil-node:[0-9a-f]{12}' | grep -vxF "$BASE" | xargs -r buildah rmi >/dev/null 2>&1 || true
fi

# npm inside the build trusts what npm here trusts (a TLS-inspecting proxy's CA, where there is one): the bundle is a
# build secret, mounted for the npm steps only and never part of a layer.
ca_bundle="${NODE_EXTRA_CA_CERTS:-$(npm config get cafile 2>/dev/null || true)}"
secret=()
[[ -n $ca_bundle && $ca_bundle != null && -f $ca_bundle ]] && secret=(--secret "id=ca_bundle,src=$ca_bundle")
log "building $IMAGE from Containerfile (NODE_IMAGE=$BASE${secret:+, CA bundle $ca_bundle as a build secret})"
buildah build --quiet --pull=never --layers=false "${secret[@]}" --build-arg "NODE_IMAGE=$BASE" -f "$ROOT/Containerfile" -t "$IMAGE" "$ROOT" ||
  die "buildah build failed"
log "built $IMAGE in $((SECONDS - start)) s: $(buildah images --format '{{.Size}}' "$IMAGE" 2>/dev/null | head -n 1)"
# Untagged images of earlier builds of the tag would fill the store.
buildah rmi --prune >/dev/null 2>&1 || true

if [[ ${VIGIL_IMAGE_PROVE:-1} != 0 ]]; then
  bash "$ROOT/deploy/image/prove.sh" "$IMAGE"
fi

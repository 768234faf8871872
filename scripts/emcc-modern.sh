#!/usr/bin/env bash
# emcc 6.x (Debian sid's emscripten package) in a chroot, for the modern-
# toolchain test matrix. Idempotent: `setup` is fast once done.
#   scripts/emcc-modern.sh setup          create the chroot and install emscripten
#   scripts/emcc-modern.sh emcc ARGS...   run emcc inside, paths unchanged
#   scripts/emcc-modern.sh version        print emcc's version line
set -euo pipefail

ROOT="${RAWSOCK_SID_ROOT:-/var/cache/rawsock/sid-root}"
STAMP="$ROOT/.rawsock-ready"
PROJECT="$(cd "$(dirname "$0")/.." && pwd)"

log() { echo "[rawsock] $*" >&2; }

# The mirror the host already uses (deb822 or one-line sources), so no host
# is hard-coded here; Debian's default only if none is configured.
mirror() {
  local m
  m=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  [ -n "$m" ] || m=$(grep -hs '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  echo "${m:-http://deb.debian.org/debian}"
}

mounts=()
mount_all() {
  for d in proc dev tmp; do mkdir -p "$ROOT/$d"; done
  mountpoint -q "$ROOT/proc" || { mount -t proc proc "$ROOT/proc"; mounts+=("$ROOT/proc"); }
  mountpoint -q "$ROOT/dev" || { mount --bind /dev "$ROOT/dev"; mounts+=("$ROOT/dev"); }
  mountpoint -q "$ROOT/tmp" || { mount --bind /tmp "$ROOT/tmp"; mounts+=("$ROOT/tmp"); }
  mkdir -p "$ROOT$PROJECT"
  mountpoint -q "$ROOT$PROJECT" || { mount --bind "$PROJECT" "$ROOT$PROJECT"; mounts+=("$ROOT$PROJECT"); }
}
unmount_all() {
  local i
  for ((i=${#mounts[@]}-1; i>=0; i--)); do umount -l "${mounts[$i]}" 2>/dev/null || true; done
  mounts=()
}
trap unmount_all EXIT

setup() {
  [ -f "$STAMP" ] && return 0
  [ "$(id -u)" = 0 ] || { log "emcc 6.x setup needs root (debootstrap, mounts)"; exit 1; }
  command -v debootstrap >/dev/null || { log "installing debootstrap"; apt-get update -qq; apt-get install -y -qq debootstrap; }
  if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    log "creating a Debian sid chroot at $ROOT (minbase)"
    mkdir -p "$ROOT"
    debootstrap --variant=minbase sid "$ROOT" "$(mirror)" >&2
  fi
  mount_all
  log "installing emscripten inside the chroot"
  chroot "$ROOT" apt-get -o Acquire::Check-Valid-Until=false update -qq >&2
  DEBIAN_FRONTEND=noninteractive chroot "$ROOT" apt-get install -y -qq --no-install-recommends emscripten >&2
  touch "$STAMP"
  log "emcc ready: $(chroot "$ROOT" emcc --version | head -n1)"
}

case "${1:-}" in
  setup) setup ;;
  version) setup; mount_all; chroot "$ROOT" emcc --version | head -n1 ;;
  emcc)
    shift
    setup
    mount_all
    # Same absolute paths inside, same working directory, the emcc cache kept in the chroot.
    chroot "$ROOT" /bin/sh -c 'cd "$1" && shift && exec emcc "$@"' sh "$PWD" "$@"
    ;;
  *) echo "usage: $0 setup | version | emcc ARGS..." >&2; exit 2 ;;
esac

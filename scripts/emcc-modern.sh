#!/usr/bin/env bash
# emcc 6.x (Debian sid's `emscripten` package, 6.0.5 today) in a chroot, for
# the modern-toolchain test matrix. The host keeps Debian 12's emcc 3.1.6;
# sid's emscripten needs a newer clang/lld/binaryen/python than bookworm has,
# so it lives in its own minbase sid tree instead of being mixed into the host.
#
#   scripts/emcc-modern.sh setup          create the chroot, install emscripten
#   scripts/emcc-modern.sh emcc ARGS...   run emcc 6.x; paths and cwd unchanged
#   scripts/emcc-modern.sh version        print emcc's version line
#   scripts/emcc-modern ARGS...           the same as `emcc ARGS...`, for EMCC=
#
# Environment:
#   RAWSOCK_SID_ROOT    where the chroot lives (default /var/cache/rawsock/sid-root)
#   RAWSOCK_SID_MIRROR  Debian mirror for debootstrap (default: the host's apt sources)
#
# Idempotent and safe to rerun: a stamp marks a finished setup, so later calls
# cost a stat; an interrupted debootstrap is redone from scratch; a failed
# package install is simply retried. Needs root (debootstrap, chroot, mount).
set -euo pipefail

SELF="$(readlink -f "${BASH_SOURCE[0]}")"
PROJECT="$(cd "$(dirname "$SELF")/.." && pwd -P)"
ROOT="$(realpath -m "${RAWSOCK_SID_ROOT:-/var/cache/rawsock/sid-root}")"
STAMP="$ROOT/.rawsock-ready"
LOCK="$ROOT.lock"
# What a finished setup contains. The stamp stores this line, so changing the
# package list here makes the next run install the difference (no rebuild).
# emscripten's Depends already pull in everything emcc runs: clang-21, lld-21,
# llvm-21, binaryen, nodejs (NODE_JS in its config), python3, node-acorn.
PACKAGES="emscripten"
RECIPE="rawsock-sid-root v1: $PACKAGES"

log() { echo "[rawsock] $*" >&2; }
die() { log "$*"; exit 1; }

# ---------------------------------------------------------------- mirror --

# The Debian mirror the host's apt already uses, so no host is hard-coded
# here (a mirror or snapshot set up for this machine keeps working). Reads
# one-line sources (sources.list, sources.list.d/*.list) and deb822
# (sources.list.d/*.sources); keeps enabled `deb` entries whose suite is a
# Debian release (not -security, not a third-party suite) with `main`.
host_mirror() {
  local files=() f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || return 0
  awk '
    function debian(s) {
      return s ~ /^(sid|unstable|testing|stable|oldstable|oldoldstable|buster|bullseye|bookworm|trixie|forky|duke)(-updates|-backports|-proposed-updates)?$/
    }
    function usable(uri) { return uri ~ /^(https?|file):/ }
    function flush(   n, u, s, i, j, ok) {
      if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no" && comps ~ /(^| )main( |$)/) {
        ok = 0; n = split(suites, s, " ")
        for (i = 1; i <= n; i++) if (debian(s[i])) ok = 1
        if (ok) { n = split(uris, u, " "); for (j = 1; j <= n; j++) if (usable(u[j])) print u[j] }
      }
      types = uris = suites = comps = enabled = key = ""
    }
    FNR == 1 { flush() }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[ \t]*#/) next
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^[ \t]/) next                      # continuation (e.g. an inline key)
      key = tolower(substr($0, 1, index($0, ":") - 1)); val = substr($0, index($0, ":") + 1)
      gsub(/^[ \t]+|[ \t]+$/, "", val)
      if (key == "types") types = val; else if (key == "uris") uris = val
      else if (key == "suites") suites = val; else if (key == "components") comps = val
      else if (key == "enabled") enabled = val
      next
    }
    $1 == "deb" {
      i = 2
      if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }   # [options]
      if (usable($i) && debian($(i + 1))) {
        for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i; break }
      }
    }
    END { flush() }
  ' "${files[@]}" 2>/dev/null | head -n 1
}

mirror() {
  local m="${RAWSOCK_SID_MIRROR:-}"
  [ -n "$m" ] || m="$(host_mirror || true)"
  echo "${m:-http://deb.debian.org/debian}"   # Debian's default, only if nothing is configured
}

# ---------------------------------------------------------------- mounts --
#
# Commands inside the chroot need /proc, /dev, /tmp and the project. They are
# mounted only for the duration of one command and never left behind:
#  - normally the command runs in a private mount namespace (unshare -m): the
#    mounts exist only there and vanish with it, even on SIGKILL, and
#    parallel runs (vitest builds several programs at once) cannot unmount
#    each other's /proc or project;
#  - where unshare is unavailable, they are mounted in the host namespace
#    under a shared lock, and the EXIT trap unmounts them once no other run
#    holds the lock.

mounted=()
is_mounted() { mountpoint -q "$1" 2>/dev/null; }

# Bind host path $1 at the same path inside the chroot ($2 = --bind|--rbind).
bind_same() {
  local src="$1" how="${2:---bind}" dst="$ROOT$1"
  mkdir -p "$dst"
  is_mounted "$dst" && return 0
  mount "$how" "$src" "$dst"
  mounted+=("$dst")
}

covered() {  # is host path $1 already visible at the same path inside?
  local p="$1" s
  for s in "${shared[@]}"; do
    case "$p/" in "$s"/*) return 0 ;; esac
  done
  return 1
}

# Share a host directory (cwd, $TMPDIR) at the same path, unless that would
# hide a non-empty directory of the chroot itself (e.g. a cwd of /usr/lib).
shared=()
share_dir() {
  local p="$1"
  [ -d "$p" ] || return 0
  covered "$p" && return 0
  if [ -d "$ROOT$p" ] && [ -n "$(ls -A "$ROOT$p" 2>/dev/null)" ] && ! is_mounted "$ROOT$p"; then
    log "warning: $p is not shared with the chroot (it would hide the chroot's own $p)"
    return 0
  fi
  bind_same "$p"
  shared+=("$p")
}

mount_all() {
  bind_same /proc
  bind_same /dev --rbind        # with /dev/pts and /dev/shm
  shared=(/tmp)                 # temp outputs (e.g. vitest's mkdtemp dirs) are shared
  bind_same /tmp
  share_dir "$PROJECT"          # the project at its own absolute path
  share_dir "$(pwd -P)"         # the caller's cwd, if it is elsewhere
  [ -z "${TMPDIR:-}" ] || share_dir "$(realpath -m "$TMPDIR")"
}

unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount -R "${mounted[$i]}" 2>/dev/null || umount -Rl "${mounted[$i]}" 2>/dev/null || true
  done
  mounted=()
}

# Fallback without unshare: any run may have mounted; the last one out (the
# one that can turn its shared lock into an exclusive one) unmounts all.
unmount_if_last() {
  if flock -xn 9; then
    local m
    mounted=()
    while read -r m; do mounted+=("$m"); done < <(findmnt -rn -o TARGET | awk -v r="$ROOT/" 'index($0 "/", r) == 1' | sort)
    unmount_all
  fi
}

# Run "$@" inside the chroot with the mounts, a clean environment and the
# caller's cwd. The host's EM_* variables (EM_CONFIG, EM_CACHE...) belong to
# its emcc 3.1.6 and are dropped; EMCC_* (EMCC_CFLAGS, EMCC_DEBUG...) pass.
in_chroot() {
  if [ -z "${RAWSOCK_SID_NS:-}" ] && unshare --mount --propagation private true 2>/dev/null; then
    RAWSOCK_SID_NS=1 exec unshare --mount --propagation private -- "$SELF" __in_chroot "$@"
  fi
  in_chroot_here "$@"
}

in_chroot_here() {
  if [ -z "${RAWSOCK_SID_NS:-}" ]; then
    exec 9>"$LOCK.mounts"; flock -s 9
    trap unmount_if_last EXIT
  else
    trap unmount_all EXIT       # also gone with the namespace; unmount anyway
  fi
  trap 'exit 130' INT; trap 'exit 143' TERM
  mount_all
  local env=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
    LANG=C.UTF-8 LC_ALL=C.UTF-8 TMPDIR=/tmp TERM="${TERM:-dumb}" DEBIAN_FRONTEND=noninteractive) v
  for v in $(compgen -e); do
    case "$v" in EMCC_*|NO_COLOR|FORCE_COLOR) env+=("$v=${!v}") ;; esac
  done
  local cwd; cwd="$(pwd -P)"
  covered "$cwd" || cwd=/
  local rc=0
  # shellcheck disable=SC2016  # $1/$@ are the inner sh's, not ours
  chroot "$ROOT" /usr/bin/env -i "${env[@]}" /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$cwd" "$@" || rc=$?
  exit "$rc"
}

# ----------------------------------------------------------------- setup --

ready() { [ -f "$STAMP" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$RECIPE" ]; }

setup() {
  local quiet="${1:-}"
  if ready; then
    [ -n "$quiet" ] || log "emcc 6.x chroot ready at $ROOT"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "setting up emcc 6.x needs root (debootstrap, chroot, mount)"
  mkdir -p "$(dirname "$ROOT")"
  # One setup at a time: parallel first builds wait here, then find it done.
  exec 8>"$LOCK"
  flock 8
  if ready; then exec 8>&-; return 0; fi
  local t0=$SECONDS

  if ! command -v debootstrap >/dev/null; then
    log "installing debootstrap on the host (apt-get)"
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends debootstrap >/dev/null
  fi

  # debootstrap into ROOT.partial and rename when it has finished, so ROOT
  # existing means the base system is complete; a half-made tree from an
  # interrupted run is removed (after making sure nothing is mounted in it:
  # rm must never walk into a bind-mounted /dev or project).
  if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
    local part="$ROOT.partial"
    if [ -e "$part" ]; then
      local m
      for m in $(findmnt -rn -o TARGET | awk -v r="$part/" 'index($0 "/", r) == 1' | sort -r); do
        umount -R "$m" 2>/dev/null || umount -Rl "$m"
      done
      log "removing an unfinished chroot at $part"
      rm -rf --one-file-system "$part"
    fi
    [ ! -e "$ROOT" ] || [ -z "$(ls -A "$ROOT")" ] || die "$ROOT exists but has no apt-get: remove it and rerun"
    local url; url="$(mirror)"
    log "creating a Debian sid chroot (debootstrap --variant=minbase) at $ROOT from $url"
    debootstrap --variant=minbase sid "$part" "$url" > "$part.log" 2>&1 || {
      tail -n 20 "$part.log" >&2; die "debootstrap failed (full log: $part.log)"; }
    rm -f "$part.log"
    rmdir "$ROOT" 2>/dev/null || true
    mv "$part" "$ROOT"
  fi

  # A snapshot mirror's Release files are past their Valid-Until: accept them.
  log "installing $PACKAGES inside the chroot (apt-get)"
  in_chroot_sub dpkg --configure -a >&2      # finishes an install cut short by a previous run
  in_chroot_sub apt-get -q -o Acquire::Check-Valid-Until=false update >&2
  in_chroot_sub apt-get -q -y --no-install-recommends install $PACKAGES >&2
  in_chroot_sub apt-get clean                  # drop the downloaded .debs: only the tree is kept
  local v; v="$(in_chroot_sub emcc --version | head -n 1)" || die "emcc does not run inside the chroot"
  echo "$RECIPE" > "$STAMP"
  exec 8>&-                                     # builds that follow need no lock
  log "emcc 6.x ready in $((SECONDS - t0))s: $v"
}

# A chroot command from within this script, in its own process (so setup can
# go on after it); its mounts come and go with it.
in_chroot_sub() { RAWSOCK_SID_NS='' "$SELF" __in_chroot "$@"; }

# ------------------------------------------------------------------ main --

cmd="${1:-}"
[ $# -eq 0 ] || shift
case "$cmd" in
  setup) setup ;;
  version)
    setup quiet
    in_chroot_sub emcc --version | head -n 1
    ;;
  emcc)
    setup quiet
    # The first build compiles Emscripten's system libraries into the
    # chroot's cache (/var/cache/emscripten there), kept for later builds.
    in_chroot emcc "$@"
    ;;
  __in_chroot)   # internal: the chroot side of in_chroot
    [ -d "$ROOT" ] || die "no chroot at $ROOT: run $0 setup"
    in_chroot "$@"
    ;;
  *)
    echo "usage: $0 setup | version | emcc ARGS...   (chroot: $ROOT)" >&2
    exit 2
    ;;
esac

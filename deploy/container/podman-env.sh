# shellcheck shell=bash
# Sourced by scripts/container-base-images.sh and scripts/container-smoke.sh (not run on its own).
#
#  - installs podman, buildah, runc and debootstrap with apt-get when they are missing (needs root;
#    waits for another apt/dpkg process's lock instead of failing or killing it);
#  - writes a containers.conf for this machine (runc, ulimits within this machine's limits) and
#    exports CONTAINERS_CONF pointing at it; deploy/container/containers.conf is the same file as
#    computed on the CI machines, for use by hand.
#
# Defines: log, die, container_setup.

log() { printf '[%s] %s\n' "${log_tag:-container}" "$*"; }
die() { printf '[%s] FAILED: %s\n' "${log_tag:-container}" "$*" >&2; exit 1; }

# apt-get with a wait for the dpkg lock (another engineer's or CI's apt run may hold it).
_apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -o Acquire::Retries=3 -y -q "$@"
}

_install_packages() {
  local missing="" p
  for p in podman buildah runc debootstrap slirp4netns netcat-openbsd curl python3; do
    case "$p" in
      python3) command -v python3 >/dev/null 2>&1 && continue ;;  # any python3 on PATH will do
    esac
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  [ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root, or apt-get install them)"
  log "apt-get install$missing"
  local apt_log
  apt_log="$(mktemp "${TMPDIR:-/tmp}/container-apt.XXXXXX")"
  # shellcheck disable=SC2086  # word splitting of the package list is intended
  if ! _apt_get install --no-install-recommends $missing >"$apt_log" 2>&1; then
    log "apt-get install failed once; apt-get update and retry"
    _apt_get update >>"$apt_log" 2>&1 || true
    # shellcheck disable=SC2086
    _apt_get install --no-install-recommends $missing >>"$apt_log" 2>&1 \
      || { tail -20 "$apt_log" >&2; rm -f "$apt_log"; die "apt-get install$missing failed"; }
  fi
  rm -f "$apt_log"
}

# Writes the machine's containers.conf and exports CONTAINERS_CONF.
_write_containers_conf() {
  local hard_nofile pid_max nproc_hard nofile nproc
  hard_nofile="$(ulimit -Hn)"
  pid_max="$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 32768)"
  nproc_hard="$(ulimit -Hu)"
  # nofile: at most the hard limit root has here (root may not raise it), and no more than 1048576.
  nofile=1048576
  [ "$hard_nofile" != unlimited ] && [ "$hard_nofile" -lt "$nofile" ] && nofile="$hard_nofile"
  # nproc: at most kernel.pid_max (and the hard nproc limit, if lower).
  nproc="$pid_max"
  [ "$nproc_hard" != unlimited ] && [ "$nproc_hard" -lt "$nproc" ] && nproc="$nproc_hard"
  local dir="${KESTRELUPPER_CONTAINER_STATE:-/var/tmp/kestrelupper-container}"
  mkdir -p "$dir"
  cat >"$dir/containers.conf" <<EOF
# Written by deploy/container/podman-env.sh for this machine: ulimit -Hn=$hard_nofile, kernel.pid_max=$pid_max, ulimit -Hu=$nproc_hard.
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
log_driver = "k8s-file"

[engine]
runtime = "runc"
EOF
  export CONTAINERS_CONF="$dir/containers.conf"
  log "CONTAINERS_CONF=$CONTAINERS_CONF (runtime=runc, nofile=$nofile:$nofile, nproc=$nproc:$nproc)"
}

container_setup() {
  _install_packages
  _write_containers_conf
  podman info >/dev/null 2>&1 || { podman info >&2 || true; die "podman info failed"; }
}

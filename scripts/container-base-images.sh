#!/usr/bin/env bash
# Builds LOCAL STAND-INS for the two base images the Dockerfile names, so that the unmodified
# Dockerfile can be built with `podman build --pull=never` on a machine that cannot pull from
# mcr.microsoft.com:
#
#   mcr.microsoft.com/dotnet/aspnet:10.0  Debian bookworm (debootstrap minbase + ca-certificates,
#                                         libicu72, libssl3, zlib1g, tzdata, user app 1654:1654)
#                                         + the host's .NET runtime: dotnet, host/,
#                                         shared/Microsoft.NETCore.App, shared/Microsoft.AspNetCore.App
#   mcr.microsoft.com/dotnet/sdk:10.0     the same Debian base + the host's whole .NET folder, plus
#                                         what the host uses to reach NuGet (its NuGet.Config, its
#                                         NUGET_* variables, its CA bundle incl. local CAs)
#
# The stand-ins are built once and cached in podman's image store: when both tags exist the
# script does nothing, unless run with --force. Idempotent; prints what it did.
#
#   scripts/container-base-images.sh [--force]
#
# Needs root (debootstrap, rootful podman). Installs podman, buildah, runc and debootstrap when
# missing. Settings: deploy/container/podman-env.sh (CONTAINERS_CONF: runc, ulimits).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
log_tag=base-images
# shellcheck source=SCRIPTDIR/../deploy/container/podman-env.sh
. deploy/container/podman-env.sh

force=false
case "${1:-}" in
  --force) force=true ;;
  "") ;;
  -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
  *) die "unknown argument: $1 (usage: $0 [--force])" ;;
esac

sdk_tag=mcr.microsoft.com/dotnet/sdk:10.0
aspnet_tag=mcr.microsoft.com/dotnet/aspnet:10.0
base_tag=localhost/kestrelupper-standin/debian:bookworm
suite=bookworm
standin_label=io.kestrelupper.standin

[ "$(id -u)" = 0 ] || die "run as root (debootstrap and rootful podman need it)"
container_setup

if ! $force && podman image exists "$sdk_tag" && podman image exists "$aspnet_tag"; then
  log "cached: $sdk_tag and $aspnet_tag already exist ($(podman image inspect --format '{{index .Labels "'"$standin_label"'"}}' "$aspnet_tag" 2>/dev/null || echo '?')); nothing to do (--force rebuilds)"
  exit 0
fi

start=$SECONDS
# With --force: the images being replaced, removed at the end (unless a container still uses them).
old_ids="$(for t in "$sdk_tag" "$aspnet_tag" "$base_tag"; do podman image inspect --format '{{.Id}}' "$t" 2>/dev/null || true; done)"
work="$(mktemp -d /var/tmp/kestrelupper-base-images.XXXXXX)"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

# --- the host's .NET installation ------------------------------------------------------------------
dotnet_bin="$(command -v dotnet)" || die "dotnet not found on PATH"
dotnet_root="${DOTNET_ROOT:-$(dirname "$(readlink -f "$dotnet_bin")")}"
[ -x "$dotnet_root/dotnet" ] || die "no dotnet host in $dotnet_root"
runtime_version="$(find "$dotnet_root/shared/Microsoft.NETCore.App" -mindepth 1 -maxdepth 1 -name '10.0.*' -printf '%f\n' | sort -V | tail -1)"
aspnet_version="$(find "$dotnet_root/shared/Microsoft.AspNetCore.App" -mindepth 1 -maxdepth 1 -name '10.0.*' -printf '%f\n' 2>/dev/null | sort -V | tail -1)"
sdk_version="$(find "$dotnet_root/sdk" -mindepth 1 -maxdepth 1 -name '10.0.*' -printf '%f\n' | sort -V | tail -1)"
[ -n "$runtime_version" ] || die "no .NET 10 runtime in $dotnet_root/shared/Microsoft.NETCore.App"
[ -n "$aspnet_version" ] || die "no ASP.NET Core 10 runtime in $dotnet_root/shared/Microsoft.AspNetCore.App"
[ -n "$sdk_version" ] || die "no .NET 10 SDK in $dotnet_root/sdk"
log "host .NET in $dotnet_root: SDK $sdk_version, runtime $runtime_version, ASP.NET Core $aspnet_version"

# --- the Debian mirror the host's apt uses ---------------------------------------------------------
find_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822 stanzas: the first URI of a "Types: deb" stanza whose Suites include the suite.
    awk -v suite="$suite" '
      function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uri != "") { print uri; found = 1; exit } types = suites = uri = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/  { sub(/^Types:[[:space:]]*/, "");  types = $0 }
      /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
      /^URIs:/   { sub(/^URIs:[[:space:]]*/, "");   split($0, u, /[[:space:]]+/); uri = u[1] }
      END { if (!found) flush() }' "$f" | head -1
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == suite) { print $i; exit } }' "$f"
  done
}
mirror="$(find_mirror | grep -v -- '-security' | head -1 || true)"
[ -n "$mirror" ] || mirror="http://deb.debian.org/debian"
log "Debian mirror (from the host's apt sources): $mirror"

# --- Debian base: debootstrap minbase --------------------------------------------------------------
rootfs="$work/rootfs"
log "debootstrap --variant=minbase $suite (this takes a few minutes the first time)"
t0=$SECONDS
if ! debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,zlib1g,tzdata \
     "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -30 "$work/debootstrap.log" >&2
  [ -f "$rootfs/debootstrap/debootstrap.log" ] && tail -30 "$rootfs/debootstrap/debootstrap.log" >&2
  die "debootstrap failed (mirror $mirror)"
fi
log "debootstrap done in $((SECONDS - t0)) s"

# The non-root user of the real images: app, uid/gid 1654, home /home/app.
chroot "$rootfs" groupadd --gid 1654 app
chroot "$rootfs" useradd --no-log-init --uid 1654 --gid 1654 --create-home --home-dir /home/app --shell /bin/sh app
# Slim it like an image: no apt caches or lists, no docs, no logs.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
       "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
       "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/debootstrap
: >"$rootfs/etc/resolv.conf"
tar --numeric-owner -C "$rootfs" -cf "$work/rootfs.tar" .
rm -rf "$rootfs"
podman import -q --message "debootstrap --variant=minbase $suite (KestrelUpper stand-in base)" \
  --change 'CMD ["/bin/bash"]' "$work/rootfs.tar" "$base_tag" >/dev/null
rm -f "$work/rootfs.tar"
log "imported $base_tag ($(podman image inspect --format '{{.Size}}' "$base_tag" | awk '{printf "%.1f MB", $1 / 1e6}'))"

# Hard-links when possible (same filesystem), copies otherwise.
copy_tree() { cp -al "$1" "$2" 2>/dev/null || { rm -rf "$2"; cp -a "$1" "$2"; }; }

# --- aspnet stand-in: base + the host's .NET + ASP.NET Core runtimes -------------------------------
ctx="$work/aspnet"
mkdir -p "$ctx/root/usr/share/dotnet/shared" "$ctx/root/usr/bin"
copy_tree "$dotnet_root/dotnet" "$ctx/root/usr/share/dotnet/dotnet"
copy_tree "$dotnet_root/host" "$ctx/root/usr/share/dotnet/host"
copy_tree "$dotnet_root/shared/Microsoft.NETCore.App" "$ctx/root/usr/share/dotnet/shared/Microsoft.NETCore.App"
copy_tree "$dotnet_root/shared/Microsoft.AspNetCore.App" "$ctx/root/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
for f in LICENSE.txt ThirdPartyNotices.txt; do
  if [ -f "$dotnet_root/$f" ]; then cp "$dotnet_root/$f" "$ctx/root/usr/share/dotnet/"; fi
done
ln -s /usr/share/dotnet/dotnet "$ctx/root/usr/bin/dotnet"
cat >"$ctx/Containerfile" <<EOF
FROM $base_tag
# The same environment as the real mcr.microsoft.com/dotnet/aspnet:10.0 image.
ENV APP_UID=1654 \\
    ASPNETCORE_HTTP_PORTS=8080 \\
    DOTNET_RUNNING_IN_CONTAINER=true \\
    DOTNET_VERSION=$runtime_version \\
    ASPNET_VERSION=$aspnet_version
COPY root/ /
LABEL $standin_label="local stand-in for $aspnet_tag: Debian $suite + host .NET $runtime_version / ASP.NET Core $aspnet_version"
EOF
log "building $aspnet_tag stand-in"
podman build --pull=never --network=none -q -t "$aspnet_tag" -f "$ctx/Containerfile" "$ctx" >/dev/null
rm -rf "$ctx"

# --- sdk stand-in: base + the host's whole .NET folder + how the host reaches NuGet ----------------
ctx="$work/sdk"
mkdir -p "$ctx/root/usr/share" "$ctx/root/usr/bin"
copy_tree "$dotnet_root" "$ctx/root/usr/share/dotnet"
ln -s /usr/share/dotnet/dotnet "$ctx/root/usr/bin/dotnet"
nuget_note="no user NuGet.Config on the host"
host_nuget_config=""
for f in "$HOME/.nuget/NuGet/NuGet.Config" "$HOME/.nuget/NuGet/nuget.config" "$HOME/.nuget/NuGet/NuGet.config"; do
  if [ -f "$f" ]; then host_nuget_config="$f"; break; fi
done
if [ -n "$host_nuget_config" ]; then
  mkdir -p "$ctx/root/root/.nuget/NuGet"
  cp "$host_nuget_config" "$ctx/root/root/.nuget/NuGet/NuGet.Config"
  nuget_note="NuGet.Config from $host_nuget_config"
fi
# The host's trust store (it may hold local CAs the NuGet endpoint's certificate chains to).
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$ctx/root/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$ctx/root/etc/ssl/certs/ca-certificates.crt"
fi
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$ctx/root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$ctx/root/usr/local/share/ca-certificates/"
fi
# The host's NUGET_* variables (e.g. NUGET_CERT_REVOCATION_MODE=offline) and proxy settings are
# passed by podman build on its own (--http-proxy); the NUGET_* ones are baked in here.
nuget_env=""
while IFS='=' read -r name value; do
  [ -n "$name" ] || continue
  nuget_env="$nuget_env $name=\"$value\""
done < <(env | grep -E '^NUGET_[A-Z0-9_]+=' | grep -v -E '^NUGET_(PACKAGES|HTTP_CACHE_PATH|PLUGINS_CACHE_PATH|SCRATCH)=' || true)
cat >"$ctx/Containerfile" <<EOF
FROM $base_tag
# The environment of the real mcr.microsoft.com/dotnet/sdk:10.0 image, plus telemetry off.
ENV DOTNET_RUNNING_IN_CONTAINER=true \\
    DOTNET_USE_POLLING_FILE_WATCHER=true \\
    NUGET_XMLDOC_MODE=skip \\
    DOTNET_SDK_VERSION=$sdk_version \\
    DOTNET_VERSION=$runtime_version \\
    ASPNET_VERSION=$aspnet_version \\
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \\
    DOTNET_NOLOGO=1
$( [ -n "$nuget_env" ] && echo "ENV$nuget_env" )
COPY root/ /
LABEL $standin_label="local stand-in for $sdk_tag: Debian $suite + host .NET SDK $sdk_version"
EOF
log "building $sdk_tag stand-in ($nuget_note; host NUGET_* variables:${nuget_env:- none})"
podman build --pull=never --network=none -q -t "$sdk_tag" -f "$ctx/Containerfile" "$ctx" >/dev/null
rm -rf "$ctx"

podman images --format '{{.Repository}}:{{.Tag}}  {{.Size}}' \
  | grep -E "^($base_tag|$sdk_tag|$aspnet_tag) " | sed 's/^/  /'
new_ids=" $(for t in "$sdk_tag" "$aspnet_tag" "$base_tag"; do podman image inspect --format '{{.Id}}' "$t"; done | tr '\n' ' ')"
for id in $old_ids; do
  case "$new_ids" in *" $id "*) ;; *) podman image rm "$id" >/dev/null 2>&1 || true ;; esac
done
log "built the stand-ins in $((SECONDS - start)) s"

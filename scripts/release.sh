#!/usr/bin/env bash
# ./simiot release: the Debian packages of the modem agent, the cloud tarballs and their SHA-256 sums.
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

usage() {
  cat <<'USAGE'
Usage: ./simiot release [--version X] [--arch LIST] [--no-cloud]

Builds into artifacts/release/:
  simiot-edge_X_arm64.deb, simiot-edge_X_amd64.deb   the agent, self-contained, made with dpkg-deb
  simiot-cloud-X-linux-arm64.tar.gz, ...-x64.tar.gz    the cloud, self-contained
  SHA256SUMS                                           sha256sum -c SHA256SUMS checks them

Options:
  --version X   package version (default: 0.1.0+git<commit>); must start with a digit
  --arch LIST   Debian architectures, comma-separated (default: arm64,amd64)
  --no-cloud    packages of the agent only
  -h, --help    show this help
USAGE
}

version="" arches="arm64,amd64" cloud=1
while (($#)); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --version) version="${2:?--version needs a value}"; shift 2 ;;
    --arch) arches="${2:?--arch needs a list}"; shift 2 ;;
    --no-cloud) cloud=0; shift ;;
    *) echo "simiot release: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
cd "$SIMIOT_ROOT"
commit="$(git rev-parse --short=10 HEAD 2>/dev/null || echo unknown)"
[[ -n "$version" ]] || version="0.1.0+git$commit"
[[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || die "version '$version' is not a Debian version (digits first, then [A-Za-z0-9.+~-])"
# Files get the commit's time, so two builds of one commit give the same packages.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"

out="$SIMIOT_ROOT/artifacts/release"
work="$out/build"
rm -rf "$out"; mkdir -p "$work"

rid_of() { case "$1" in arm64) echo linux-arm64 ;; amd64) echo linux-x64 ;; *) die "unsupported architecture '$1' (arm64, amd64)" ;; esac; }

publish() { # project, rid, dir
  local logf="$work/publish-$(basename "$1")-$2.log"
  dotnet publish "$1" -c Release -r "$2" --self-contained -o "$3" -p:DebugType=none -p:DebugSymbols=false \
    --nologo -v quiet >"$logf" 2>&1 || { cat "$logf" >&2; die "publish of $1 for $2 failed"; }
}

edge_deb() { # arch
  local arch="$1" rid root deploy="$SIMIOT_ROOT/edge/deploy"
  rid="$(rid_of "$arch")"; root="$work/simiot-edge_$arch"
  log "simiot-edge $version $arch: publishing $rid"
  publish edge/src/SimIoT.Edge/SimIoT.Edge.csproj "$rid" "$root/usr/lib/simiot-edge"
  local lib="$root/usr/lib/simiot-edge" doc="$root/usr/share/doc/simiot-edge"
  # The configuration is a conffile in /etc; the host reads it through the link next to the binary.
  install -D -m 644 "$lib/appsettings.json" "$root/etc/simiot-edge/appsettings.json"
  ln -sf /etc/simiot-edge/appsettings.json "$lib/appsettings.json"
  mkdir -p "$root/usr/bin"; ln -s ../lib/simiot-edge/simiot-edge "$root/usr/bin/simiot-edge"
  install -D -m 644 "$deploy/simiot-edge.service" "$root/lib/systemd/system/simiot-edge.service"
  install -D -m 644 "$deploy/sysusers.conf" "$root/usr/lib/sysusers.d/simiot-edge.conf"
  install -D -m 644 "$deploy/polkit-pcscd.rules" "$root/usr/share/polkit-1/rules.d/60-simiot-edge.rules"
  install -D -m 644 "$deploy/README.md" "$doc/README.md"
  install -m 644 "$deploy/debian/copyright" "$doc/copyright"
  install -D -m 644 "$deploy/lintian-overrides" "$root/usr/share/lintian/overrides/simiot-edge"
  printf 'simiot-edge (%s) stable; urgency=medium\n\n  * Release built from commit %s.\n\n -- SimIoT maintainers <simiot@example.org>  %s\n' \
    "$version" "$commit" "$(date -u -R -d "@$SOURCE_DATE_EPOCH")" | gzip -9n > "$doc/changelog.gz"
  # Published files come out 0744/0755 depending on the SDK; Debian wants 0644 except executables.
  find "$root" -type d -exec chmod 755 {} +
  find "$root" -type f -exec chmod 644 {} +
  chmod 755 "$lib/simiot-edge" "$lib/createdump" 2>/dev/null || true
  mkdir -p "$root/DEBIAN"
  local size; size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
  sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" "$deploy/debian/control" > "$root/DEBIAN/control"
  install -m 644 "$deploy/debian/conffiles" "$root/DEBIAN/conffiles"
  install -m 755 "$deploy/debian/postinst" "$deploy/debian/prerm" "$deploy/debian/postrm" "$root/DEBIAN/"
  find "$root" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  dpkg-deb --root-owner-group -Zxz --build "$root" "$out/simiot-edge_${version}_$arch.deb" >/dev/null
}

cloud_tarball() { # arch
  local arch="$1" rid name
  rid="$(rid_of "$arch")"; name="simiot-cloud-$version-$rid"
  log "simiot-cloud $version: publishing $rid"
  publish cloud/src/SimIoT.Cloud.Host/SimIoT.Cloud.Host.csproj "$rid" "$work/$name"
  install -m 644 cloud/deploy/README.md "$work/$name/README.md"
  tar -C "$work" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -czf "$out/$name.tar.gz" "$name"
}

IFS=, read -ra arch_list <<<"$arches"
for arch in "${arch_list[@]}"; do
  edge_deb "$arch"
  if ((cloud)); then cloud_tarball "$arch"; fi
done
rm -rf "$work"
(cd "$out" && sha256sum -- *.deb *.tar.gz 2>/dev/null > SHA256SUMS)
log "release $version in artifacts/release:"
(cd "$out" && ls -l)

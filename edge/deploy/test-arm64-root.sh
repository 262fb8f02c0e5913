#!/usr/bin/env bash
# The Pi install path on this machine: a fresh Debian 12 arm64 root (debootstrap, second stage
# under qemu-aarch64-static), the arm64 package installed in it with dpkg -i, and the installed
# agent run there. Usage: test-arm64-root.sh simiot-edge_X_arm64.deb
# Prints 'ok'/'FAIL' lines and one 'N passed, N failed, N skipped' line.
#
# The bootstrapped root (with the package's dependencies) is cached as a tarball in
# /var/cache/simiot (SIMIOT_CACHE), keyed by the mirror; each run unpacks a fresh copy.
# binfmt_misc is mounted and qemu-aarch64 registered (flag F: the interpreter is opened once,
# so the root needs no copy of it) only for the run; everything mounted is unmounted on exit.
set -uo pipefail
deb="$(realpath "${1:?usage: test-arm64-root.sh simiot-edge_X_arm64.deb}")"
cache="${SIMIOT_CACHE:-/var/cache/simiot}"
qemu=/usr/bin/qemu-aarch64-static
binfmt=/proc/sys/fs/binfmt_misc
# What the package depends on, so dpkg -i needs no network inside the root.
include=pcscd,libicu72,libstdc++6,libgcc-s1,init-system-helpers
passed=0 failed=0
check() { # name, command...
  local name="$1"; shift
  if "$@"; then echo "  ok   $name"; passed=$((passed + 1)); else echo "  FAIL $name"; failed=$((failed + 1)); fi
}

# The mirror this machine's apt uses for bookworm (deb822 sources first, then sources.list).
mirror_of_apt() {
  local m
  m="$(awk '/^URIs:/{u=$2} /^Suites:/ && / bookworm( |$)/{print u; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)"
  [[ -n "$m" ]] || m="$(awk '$1=="deb" && $3=="bookworm"{print $2; exit}' /etc/apt/sources.list 2>/dev/null)"
  echo "${m:-http://deb.debian.org/debian}"
}

work="$(mktemp -d /tmp/simiot-arm64-root.XXXXXX)"
mounted_binfmt=0 registered=0
cleanup() {
  umount -l "$work/root/proc" 2>/dev/null
  ((registered)) && echo -1 > "$binfmt/simiot-qemu-aarch64"
  ((mounted_binfmt)) && umount "$binfmt"
  # Never delete through a mount that is still there (the root's /proc).
  if grep -q " $work/" /proc/mounts; then echo "  left $work in place: still mounted" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in debootstrap "$qemu"; do
  command -v "$tool" >/dev/null || { echo "  FAIL $tool is missing (apt-get install debootstrap qemu-user-static)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
done
if [[ ! -e "$binfmt/register" ]]; then mount -t binfmt_misc binfmt_misc "$binfmt" && mounted_binfmt=1; fi
if ! grep -qs "^interpreter $qemu" "$binfmt"/*aarch64* 2>/dev/null || ! grep -qs '^enabled' "$binfmt"/*aarch64*; then
  # The kernel decodes the \x escapes itself: they are written as text (a NUL would cut the mask).
  magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
  mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
  printf '%s' ":simiot-qemu-aarch64:M::$magic:$mask:$qemu:F" > "$binfmt/register" && registered=1
  # A wrong mask would send this machine's own binaries to qemu: prove they still run.
  /bin/true || { echo -1 > "$binfmt/simiot-qemu-aarch64"; registered=0; echo "  FAIL binfmt registration"; exit 1; }
fi

mirror="$(mirror_of_apt)"
tarball="$cache/bookworm-arm64-minbase-$(printf '%s %s' "$mirror" "$include" | sha256sum | cut -c1-12).tar"
bootstrap() {
  local stage="$work/bootstrap"
  debootstrap --arch=arm64 --variant=minbase --include="$include" --foreign bookworm "$stage" "$mirror" >"$work/debootstrap.log" 2>&1 \
    && chroot "$stage" /debootstrap/debootstrap --second-stage >>"$work/debootstrap.log" 2>&1 \
    && mkdir -p "$cache" && tar -C "$stage" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball" \
    || { tail -20 "$work/debootstrap.log"; return 1; }
  rm -rf "$stage"
}
if [[ ! -f "$tarball" ]]; then
  echo "  bootstrapping Debian 12 arm64 from $mirror into $tarball (cached for the next runs)"
  check "debootstrap --arch=arm64 --variant=minbase --foreign bookworm, second stage under qemu" bootstrap
fi
if [[ -f "$tarball" ]]; then
  mkdir -p "$work/root" && tar -C "$work/root" -xf "$tarball" && mount -t proc proc "$work/root/proc"
  cp "$deb" "$work/root/tmp/"
  in_root() { chroot "$work/root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DOTNET_EnableWriteXorExecute=0 "$@"; }
  check "the arm64 root runs AArch64 code (uname -m in the root says aarch64)" bash -c "[[ \"\$(chroot '$work/root' uname -m)\" == aarch64 ]]"
  check "dpkg -i $(basename "$deb") in the fresh root" in_root dpkg -i "/tmp/$(basename "$deb")"
  check "dpkg says simiot-edge is installed and its config a conffile" \
    bash -c "q=\$(chroot '$work/root' dpkg-query -W -f='\${Status}\n\${Conffiles}\n' simiot-edge); grep -qx 'install ok installed' <<<\"\$q\" && grep -q '^ /etc/simiot-edge/appsettings.json [0-9a-f]\{32\}$' <<<\"\$q\""
  check "the package created the system user simiot-edge, member of i2c" \
    bash -c "chroot '$work/root' id simiot-edge | grep -q '(i2c)'"
  check "installed simiot-edge sensors --emulate finds both chips (under qemu-aarch64)" \
    bash -c "$(declare -f in_root); work='$work'; in_root simiot-edge sensors --emulate >'$work/sensors.out' 2>&1; grep -q '2 sensor(s) found' '$work/sensors.out' || { cat '$work/sensors.out'; false; }"
  # The root's own arm64 pcscd (no reader driver there, so nothing touches the shared vpcd): the
  # agent's arm64 PC/SC binding establishes a context and lists readers through the real daemon.
  readers() {
    in_root pcscd || return 1
    local i
    for ((i = 0; i < 300; i++)); do [[ -S "$work/root/run/pcscd/pcscd.comm" ]] && break; sleep 0.1; done
    in_root simiot-edge readers >"$work/readers.out" 2>&1
    local status=$? pid
    pid="$(cat "$work/root/run/pcscd/pcscd.pid" 2>/dev/null)" && [[ -n "$pid" ]] && kill "$pid"
    [[ $status -eq 0 ]] && grep -qx 'no readers' "$work/readers.out" || { cat "$work/readers.out"; return 1; }
  }
  check "installed simiot-edge readers lists the readers through pcscd (the root's arm64 pcscd, none attached)" readers
  check "dpkg --purge removes the agent and keeps pcscd" \
    bash -c "chroot '$work/root' dpkg --purge simiot-edge >/dev/null && [[ ! -e '$work/root/usr/lib/simiot-edge' && -x '$work/root/usr/sbin/pcscd' ]]"
fi
echo "$passed passed, $failed failed, 0 skipped"
((failed == 0))

# Shared shell functions for the simiot subcommands. Sourced, never run.

log() { printf '[simiot] %s\n' "$*" >&2; }
die() { printf 'simiot: %s\n' "$*" >&2; exit 2; }

# Installs the Debian packages listed in scripts/apt-packages.txt that are missing.
# Only as root (CI and fresh machines); otherwise it names what is missing.
ensure_apt_packages() {
  local list="$SIMIOT_ROOT/scripts/apt-packages.txt" missing=() pkg
  [[ -f "$list" ]] || return 0
  while read -r pkg _; do
    [[ -z "$pkg" || "$pkg" == \#* ]] && continue
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" && continue
    # A virtual package counts when an installed one provides it (NodeSource's nodejs provides npm).
    dpkg-query -W -f='${db:Status-Abbrev} ${Provides}\n' 2>/dev/null | grep -E "^ii .*(^| |,)$pkg( |,|$)" >/dev/null || missing+=("$pkg")
  done < "$list"
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
    return 1
  fi
  log "installing Debian packages: ${missing[*]}"
  # The arm64 libraries the HIL rig's arm64 agent runs on under qemu come from Debian's arm64 archive.
  if [[ " ${missing[*]}" == *":arm64"* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then dpkg --add-architecture arm64; fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Builds the solution once in Release; later calls are cheap when nothing changed.
dotnet_build() {
  (cd "$SIMIOT_ROOT" && dotnet build SimIoT.slnx -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary" "$@")
}

# Runs a built .NET program from artifacts/, building it first when its sources are newer.
run_dotnet_tool() {
  local project="$1" dll="$2"; shift 2
  local path="$SIMIOT_ROOT/artifacts/bin/$project/release/$dll"
  if [[ ! -f "$path" ]] || [[ -n "$(find "$SIMIOT_ROOT" -path "$SIMIOT_ROOT/artifacts" -prune -o -newer "$path" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -print -quit 2>/dev/null)" ]]; then
    local buildlog; buildlog="$(mktemp)"
    if ! (cd "$SIMIOT_ROOT" && dotnet build "$(find . -name "$project.csproj" -not -path './artifacts/*' | head -n1)" -c Release --nologo -v quiet >"$buildlog" 2>&1); then
      cat "$buildlog" >&2; rm -f "$buildlog"; die "build of $project failed"
    fi
    rm -f "$buildlog"
  fi
  exec dotnet "$path" "$@"
}

# The linux-arm64 simiot-edge that the HIL rig runs under qemu-aarch64-static (./simiot hil --edge-arch arm64,
# ./simiot test): published once into artifacts/publish/simiot-edge/linux-arm64, again only when the agent's sources
# changed; exports SIMIOT_HIL_EDGE_ARM64, which the arm64 scenarios read (and edge/run-tests reuses).
publish_edge_arm64() {
  local out="$SIMIOT_ROOT/artifacts/publish/simiot-edge/linux-arm64" logf
  local exe="$out/simiot-edge"
  if [[ ! -x "$exe" ]] || [[ -n "$(find "$SIMIOT_ROOT/edge/src" "$SIMIOT_ROOT/protocol/src" "$SIMIOT_ROOT/Directory.Packages.props" "$SIMIOT_ROOT/Directory.Build.props" \
       -newer "$exe" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name 'appsettings.json' \) -print -quit 2>/dev/null)" ]]; then
    log "publishing simiot-edge for linux-arm64 (the HIL rig's arm64 agent)"
    logf="$(mktemp)"
    rm -rf "$out"
    (cd "$SIMIOT_ROOT" && dotnet publish edge/src/SimIoT.Edge/SimIoT.Edge.csproj -c Release -r linux-arm64 --self-contained -o "$out" \
      -p:DebugType=none -p:DebugSymbols=false --nologo -v quiet >"$logf" 2>&1) || { cat "$logf" >&2; rm -f "$logf"; die "publish of simiot-edge for linux-arm64 failed"; }
    rm -f "$logf"
    touch "$exe"
  fi
  export SIMIOT_HIL_EDGE_ARM64="$exe"
}

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

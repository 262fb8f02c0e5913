#!/usr/bin/env bash
# ./simiot rig: pcscd with the vsmartcard vpcd driver plus the applet's card host.
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

usage() {
  cat <<'USAGE'
Usage: ./simiot rig up [--fresh] [--trace] [--timeout SECONDS]
       ./simiot rig down
       ./simiot rig status

Starts pcscd (with the vpcd reader driver from Debian's vsmartcard-vpcd) and
the card host that runs the SimIoT applet as a virtual card, so any PC/SC
client sees a card in the reader "Virtual PCD 00 00". pid and log files and
the card's persistent memory live in .simiot/ at the repository root.

  up        start what is not running, wait until the card is visible to
            PC/SC, then print what runs
  down      stop the card host and pcscd (only a pcscd started by the rig)
  status    show what runs and what PC/SC sees

Options for up:
  --fresh           forget the card's persistent memory (a new, blank card)
  --trace           log every APDU in hex in .simiot/card-host.log
  --timeout N       seconds to wait for the card (default 30)
  -h, --help        show this help

Environment: SIMIOT_VPCD_PORT (default 35963); SIMIOT_RIG_DIR (default .simiot)
holds the pid and log files and the card state, so a second rig directory
gives a separate card (the tests use one in /tmp).
USAGE
}

DIR="${SIMIOT_RIG_DIR:-$SIMIOT_ROOT/.simiot}"
PORT="${SIMIOT_VPCD_PORT:-35963}"
READER="Virtual PCD 00 00"
JAR="$SIMIOT_ROOT/applet/build/card-host.jar"

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

card_visible() {
  opensc-tool -l 2>/dev/null | grep -E "^[0-9]+ +Yes +.*$READER" >/dev/null
}

pcscd_external() { # a pcscd the rig did not start
  local p
  for p in $(pgrep -x pcscd || true); do
    [[ -f "$DIR/pcscd.pid" && "$(cat "$DIR/pcscd.pid")" == "$p" ]] && continue
    [[ "$(ps -o stat= -p "$p" 2>/dev/null)" == Z* ]] && continue
    return 0
  done
  return 1
}

build_jar() {
  local newer
  newer=""
  if [[ -f "$JAR" ]]; then
    newer=$(find "$SIMIOT_ROOT/applet/src" "$SIMIOT_ROOT/applet/jcruntime/src" "$SIMIOT_ROOT/applet/host/src" -name '*.java' -newer "$JAR" -print -quit)
  fi
  if [[ ! -f "$JAR" || -n "$newer" ]]; then
    log "building the card host"
    "$SIMIOT_ROOT/applet/build.sh" --no-tests >/dev/null
  fi
}

stop_pid() { # name pidfile
  local pid
  alive "$2" || { rm -f "$2"; return 0; }
  pid=$(cat "$2")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  rm -f "$2"
  log "stopped $1 (pid $pid)"
}

show() {
  if alive "$DIR/pcscd.pid"; then echo "pcscd:      running, pid $(cat "$DIR/pcscd.pid"), log $DIR/pcscd.log"
  elif pcscd_external; then echo "pcscd:      running outside the rig (pid $(pgrep -x pcscd | head -n1))"
  else echo "pcscd:      not running"; fi
  if alive "$DIR/card-host.pid"; then echo "card host:  running, pid $(cat "$DIR/card-host.pid"), vpcd port $PORT, state $DIR/card-state.bin, log $DIR/card-host.log"
  else echo "card host:  not running"; fi
  if card_visible; then echo "PC/SC:      card present in '$READER'"
  else echo "PC/SC:      no card in '$READER'"; fi
}

up() {
  local fresh=0 trace=0 timeout=30
  while (($#)); do
    case "$1" in
      --fresh) fresh=1; shift ;;
      --trace) trace=1; shift ;;
      --timeout) timeout="${2:?--timeout needs seconds}"; shift 2 ;;
      -h|--help) usage; exit 0 ;;
      *) die "rig up: unknown option '$1'" ;;
    esac
  done
  command -v pcscd >/dev/null || die "pcscd is not installed (apt-get install pcscd vsmartcard-vpcd opensc)"
  [[ -f /usr/lib/pcsc/drivers/serial/libifdvpcd.so ]] || die "the vpcd driver is not installed (apt-get install vsmartcard-vpcd)"
  command -v opensc-tool >/dev/null || die "opensc-tool is not installed (apt-get install opensc)"
  mkdir -p "$DIR"
  build_jar
  if ((fresh)); then
    stop_pid "card host" "$DIR/card-host.pid"
    rm -f "$DIR/card-state.bin"
  fi
  if ! alive "$DIR/pcscd.pid" && ! pcscd_external; then
    log "starting pcscd"
    setsid pcscd --foreground --info >"$DIR/pcscd.log" 2>&1 < /dev/null &
    echo $! >"$DIR/pcscd.pid"
    for _ in $(seq 1 50); do [[ -S /run/pcscd/pcscd.comm ]] && break; sleep 0.1; done
    alive "$DIR/pcscd.pid" || { tail -n 20 "$DIR/pcscd.log" >&2; die "pcscd did not start (log above)"; }
  fi
  if ! alive "$DIR/card-host.pid"; then
    log "starting the card host"
    local args=(--host 127.0.0.1 --port "$PORT" --state "$DIR/card-state.bin")
    ((trace)) && args+=(--trace)
    setsid java -jar "$JAR" "${args[@]}" >>"$DIR/card-host.log" 2>&1 < /dev/null &
    echo $! >"$DIR/card-host.pid"
  fi
  local waited=0
  until card_visible; do
    if ((waited >= timeout * 10)); then
      tail -n 10 "$DIR/card-host.log" >&2 || true
      die "the card did not appear in '$READER' within ${timeout}s"
    fi
    alive "$DIR/card-host.pid" || { tail -n 20 "$DIR/card-host.log" >&2; die "the card host exited (log above)"; }
    sleep 0.1; waited=$((waited + 1))
  done
  show
}

down() {
  [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
  stop_pid "card host" "$DIR/card-host.pid"
  stop_pid "pcscd" "$DIR/pcscd.pid"
  show
}

sub="${1:-}"
[[ $# -gt 0 ]] && shift
case "$sub" in
  up) up "$@" ;;
  down) down "$@" ;;
  status) [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }; show ;;
  ""|-h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac

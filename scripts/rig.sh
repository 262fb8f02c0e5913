#!/usr/bin/env bash
# ./simiot rig: pcscd with the vsmartcard vpcd driver plus the applet's card host; with --full
# also the cloud and the edge agent, the whole chain through the real PC/SC stack.
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

usage() {
  cat <<'USAGE'
Usage: ./simiot rig up [--full [--kafka]] [--fresh] [--trace] [--timeout SECONDS]
                       [--protocol t1|t0] [--apdu-delay-ms N] [--apdu-jitter-ms N]
       ./simiot rig down
       ./simiot rig status

Starts pcscd (with the vpcd reader driver from Debian's vsmartcard-vpcd) and
the card host that runs the SimIoT applet as a virtual card, so any PC/SC
client sees a card in the reader "Virtual PCD 00 00". pid and log files and
the card's persistent memory live in .simiot/ at the repository root.

  up        start what is not running, wait until the card is visible to
            PC/SC, then print what runs. TCP 35963 is in Linux's ephemeral
            range: while a connection holds it (up to 60 s in TIME-WAIT),
            vpcd cannot listen there, so up waits for it first
  down      stop the card host and pcscd (only a pcscd started by the rig)
  status    show what runs and what PC/SC sees

Options for up:
  --full            the whole chain: personalise a blank card with `simiot-edge
                    provision` through PC/SC, start the cloud (embedded profile,
                    UI on http://127.0.0.1:$SIMIOT_RIG_HTTP_PORT, default 8010;
                    UDP $SIMIOT_RIG_UDP_PORT, default 6010), register the modem,
                    and start the edge agent with emulated sensors on the card
                    in the reader
  --kafka           with --full: the cloud on Kafka (librdkafka's mock cluster,
                    or the broker in KAFKA_BOOTSTRAP_SERVERS)
  --fresh           forget the card's persistent memory (a new, blank card)
  --trace           log every APDU in hex in .simiot/card-host.log
  --timeout N       seconds to wait for the card (default 30)
  --protocol t0     the card speaks T=0 only (ATR without T=1; response data
                    through 61xx and GET RESPONSE, a wrong Le gets 6Cxx);
                    default t1
  --apdu-delay-ms N a slow card: every response N ms later
  --apdu-jitter-ms N  plus 0..N ms at random per response
                    (the card options apply when the card host starts: with a
                    running rig, `rig down` first)
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
HTTP_PORT="${SIMIOT_RIG_HTTP_PORT:-8010}"
UDP_PORT="${SIMIOT_RIG_UDP_PORT:-6010}"
# The rig's modem identity (lab use only): the card and the cloud agree on it.
MODEM_ID=00000000000004d3 MASTER_KEY=000102030405060708090a0b0c0d0e0f

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

card_visible() {
  opensc-tool -l 2>/dev/null | grep -E "^[0-9]+ +Yes +.*$READER" >/dev/null
}

pcscd_external() { # a pcscd the rig did not start, serving this mount namespace's /run/pcscd
  local p own_ns
  own_ns=$(readlink /proc/self/ns/mnt)
  for p in $(pgrep -x pcscd || true); do
    [[ -f "$DIR/pcscd.pid" && "$(cat "$DIR/pcscd.pid")" == "$p" ]] && continue
    [[ "$(ps -o stat= -p "$p" 2>/dev/null)" == Z* ]] && continue
    # The edge tests run private pcscd instances in their own mount namespaces (own socket, own
    # vpcd ports); they serve no reader here, so they are not a reason to skip starting ours.
    [[ "$(readlink "/proc/$p/ns/mnt" 2>/dev/null)" == "$own_ns" ]] || continue
    return 0
  done
  return 1
}

vpcd_listening() { # pcscd's vpcd driver accepts the card host on $PORT
  ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .
}

# $PORT is in Linux's ephemeral range (32768-60999), so any outgoing TCP connection may get it as
# its local port, and keeps it for 60 s in TIME-WAIT after closing. vpcd cannot listen on it then,
# and pcscd does not try a reader again: it runs on without the reader.
port_holders() { # the connections (not listeners) on $PORT, one line each: state and peer
  ss -Htan "sport = :$PORT" 2>/dev/null | awk '$1 != "LISTEN" { print $1, "to", $5 }'
}

wait_for_port() { # until no connection holds $PORT; TIME-WAIT ends after 60 s
  local holders waited=0
  holders=$(port_holders)
  [[ -z "$holders" ]] && return 0
  log "TCP $PORT, where pcscd's vpcd driver listens, is held by a connection ($(paste -sd, <<<"$holders")); waiting up to 65 s for it to go"
  while [[ -n "$(port_holders)" ]]; do
    ((waited >= 650)) && die "TCP $PORT is still held after 65 s: $(port_holders | paste -sd,) (ss -tanp 'sport = :$PORT' shows the process)"
    sleep 0.1; waited=$((waited + 1))
  done
}

start_pcscd() {
  wait_for_port
  log "starting pcscd"
  setsid pcscd --foreground --info >"$DIR/pcscd.log" 2>&1 < /dev/null &
  echo $! >"$DIR/pcscd.pid"
  for _ in $(seq 1 50); do [[ -S /run/pcscd/pcscd.comm ]] && break; sleep 0.1; done
  alive "$DIR/pcscd.pid" || { tail -n 20 "$DIR/pcscd.log" >&2; die "pcscd did not start (log above)"; }
}

# pcscd serving the reader "$READER": the machine's, or one the rig starts. A connection can still
# take $PORT between the wait and pcscd's start; a pcscd of the rig's own is then started again.
ensure_pcscd() {
  local restarts=0 waited holders
  while :; do
    if ! alive "$DIR/pcscd.pid" && ! pcscd_external; then start_pcscd; fi
    # A pcscd that is still going away (another run's) does not count: wait for the listener.
    waited=0
    while ((waited < 100)); do
      vpcd_listening && return 0
      vpcd_failed && break
      sleep 0.1; waited=$((waited + 1))
    done
    holders=$(port_holders | paste -sd,)
    if vpcd_failed && ((restarts < 3)); then
      restarts=$((restarts + 1))
      log "pcscd's vpcd driver could not listen on TCP $PORT (taken as pcscd started${holders:+: $holders}); starting pcscd again"
      stop_pid "pcscd" "$DIR/pcscd.pid"
      continue
    fi
    [[ -n "$holders" ]] && die "pcscd's vpcd driver could not listen on TCP $PORT: a connection holds it ($holders); restart pcscd once it is gone"
    die "no pcscd listens for the virtual card on TCP $PORT (is pcscd's vpcd driver configured for that port?)"
  done
}

vpcd_failed() { # the rig's own pcscd logged that vpcd could not listen: pcscd does not try that reader again
  alive "$DIR/pcscd.pid" && grep -q "Could not initialize connection to virtual ICC" "$DIR/pcscd.log" 2>/dev/null
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
  if alive "$DIR/cloud.pid"; then echo "cloud:      running, pid $(cat "$DIR/cloud.pid"), UI http://127.0.0.1:$HTTP_PORT, UDP $UDP_PORT, log $DIR/cloud.log, API token in $DIR/token"; fi
  if alive "$DIR/agent.pid"; then echo "edge agent: running, pid $(cat "$DIR/agent.pid"), modem $MODEM_ID, log $DIR/agent.log"; fi
}

# The cloud and the agent on the card in the reader (up --full).
up_chain() {
  local kafka="$1" edge cloud_args=()
  log "building the cloud and the edge agent"
  (cd "$SIMIOT_ROOT" && dotnet build cloud/src/SimIoT.Cloud.Host -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary" \
    && dotnet build edge/src/SimIoT.Edge -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary") || die "build failed"
  edge=(dotnet "$SIMIOT_ROOT/artifacts/bin/SimIoT.Edge/release/simiot-edge.dll")
  if [[ ! -f "$DIR/card-personalised" ]]; then
    log "personalising the card through PC/SC"
    "${edge[@]}" provision --transport pcsc --reader "$READER" --modem-id "$MODEM_ID" --master-key "$MASTER_KEY" \
      --cloud "127.0.0.1:$UDP_PORT" --carriers "AT&T,Verizon,Disconnect" --carrier "AT&T" >>"$DIR/provision.log" 2>&1 \
      || { tail -n 5 "$DIR/provision.log" >&2; die "personalisation failed (a card personalised elsewhere? use up --full --fresh)"; }
    touch "$DIR/card-personalised"
  fi
  if ! alive "$DIR/cloud.pid"; then
    cloud_args=(--legacy-v1 --http-port "$HTTP_PORT" --udp-port "$UDP_PORT" --data "$DIR/cloud" --init)
    ((kafka)) && cloud_args+=(--kafka "${KAFKA_BOOTSTRAP_SERVERS:-mock}")
    if ((kafka)); then log "starting the cloud on Kafka"; else log "starting the cloud"; fi
    local cloud=(dotnet "$SIMIOT_ROOT/artifacts/bin/SimIoT.Cloud.Host/release/simiot-cloud.dll")
    # An admin token of the default organization (where legacy v1 modems go too), owner-only in the rig's folder.
    if [[ ! -s "$DIR/token" ]]; then
      (umask 077; "${cloud[@]}" token create --org default --role admin --name rig --data "$DIR/cloud" >"$DIR/token") || die "creating the rig's API token failed"
    fi
    setsid "${cloud[@]}" "${cloud_args[@]}" >"$DIR/cloud.log" 2>&1 < /dev/null &
    echo $! >"$DIR/cloud.pid"
    for _ in $(seq 1 150); do curl -fs --max-time 2 "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null 2>&1 && break; alive "$DIR/cloud.pid" || break; sleep 0.2; done
    curl -fs --max-time 5 "http://127.0.0.1:$HTTP_PORT/readyz" >/dev/null || { tail -n 20 "$DIR/cloud.log" >&2; die "the cloud did not start"; }
    curl -s -o /dev/null -X POST "http://127.0.0.1:$HTTP_PORT/api/modems" -H 'content-type: application/json' -H "authorization: Bearer $(cat "$DIR/token")" \
      -d "{\"id\":\"$MODEM_ID\",\"nickname\":\"rig\",\"masterKey\":\"$MASTER_KEY\"}"
  fi
  if ! alive "$DIR/agent.pid"; then
    log "starting the edge agent on '$READER'"
    setsid "${edge[@]}" run --emulate --Edge:Card:Transport=pcsc --Edge:Card:Reader="$READER" --Edge:QueueDirectory="$DIR/queue" \
      --Edge:Mqtt:BindAddress=127.0.0.1 >"$DIR/agent.log" 2>&1 < /dev/null &
    echo $! >"$DIR/agent.pid"
  fi
}

up() {
  local fresh=0 trace=0 timeout=30 full=0 kafka=0 card_opts=()
  while (($#)); do
    case "$1" in
      --fresh) fresh=1; shift ;;
      --full) full=1; shift ;;
      --kafka) kafka=1; shift ;;
      --trace) trace=1; shift ;;
      --timeout) timeout="${2:?--timeout needs seconds}"; shift 2 ;;
      --protocol)
        [[ "${2:-}" == t0 || "${2:-}" == t1 ]] || die "rig up: --protocol is t0 or t1"
        card_opts+=(--protocol "$2"); shift 2 ;;
      --apdu-delay-ms|--apdu-jitter-ms)
        [[ "${2:-}" =~ ^[0-9]+$ ]] || die "rig up: $1 needs milliseconds"
        card_opts+=("$1" "$2"); shift 2 ;;
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
    stop_pid "edge agent" "$DIR/agent.pid"
    stop_pid "card host" "$DIR/card-host.pid"
    rm -rf "$DIR/card-state.bin" "$DIR/card-personalised" "$DIR/queue"
  fi
  ensure_pcscd
  if ! alive "$DIR/card-host.pid"; then
    log "starting the card host"
    local args=(--host 127.0.0.1 --port "$PORT" --state "$DIR/card-state.bin" "${card_opts[@]}")
    ((trace)) && args+=(--trace)
    setsid java -jar "$JAR" "${args[@]}" >>"$DIR/card-host.log" 2>&1 < /dev/null &
    echo $! >"$DIR/card-host.pid"
  fi
  local waited=0
  until card_visible; do
    if ((waited >= timeout * 10)); then
      tail -n 10 "$DIR/card-host.log" >&2 || true
      stop_pid "card host" "$DIR/card-host.pid"
      die "the card did not appear in '$READER' within ${timeout}s"
    fi
    alive "$DIR/card-host.pid" || { tail -n 20 "$DIR/card-host.log" >&2; die "the card host exited (log above)"; }
    sleep 0.1; waited=$((waited + 1))
  done
  ((full)) && up_chain "$kafka"
  show
}

down() {
  [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]] && { usage; exit 0; }
  stop_pid "edge agent" "$DIR/agent.pid"
  stop_pid "cloud" "$DIR/cloud.pid"
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

#!/usr/bin/env bash
# ./simiot demo: the cloud (embedded profile), the SIM applet in its card host, and the edge
# agent with emulated sensors, as one unit; one Ctrl-C stops all of them.
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

http_port=8000 udp_port=6001 vpcd_port=35990 mqtt_port=1883 data="$SIMIOT_ROOT/data/demo"
# Demo identity: a fixed modem id and master key, so the card and the cloud agree across restarts.
modem_id=00000000000004d2 master_key=000102030405060708090a0b0c0d0e0f
card_opts=()
while (($#)); do
  case "$1" in
    -h|--help)
      cat <<'USAGE'
Usage: ./simiot demo [--http-port 8000] [--udp-port 6001] [--data DIR] [--vpcd-port 35990] [--mqtt-port 1883]
                     [--protocol t1|t0] [--apdu-delay-ms N] [--apdu-jitter-ms N]

Runs the whole chain on this machine:
  cloud      embedded profile (in-process bus, SQLite under data/demo), UI on
             http://127.0.0.1:8000, UDP gateway on 127.0.0.1:6001, legacy v1
             accepted; organization 'demo' with login 'demo' (password
             printed) and SIMIOT_TOKEN=<token> printed on a line of its own
  SIM        the SimIoT Java Card applet in its JVM card host (state in
             data/demo/card.bin), personalised on first start with modem
             00000000000004d2, subscribed to AT&T, Verizon and Disconnect
             (so a switch to T-Mobile is refused: a NACK)
  modem      the edge agent with emulated MPU-6050 and BME280, talking to the
             card over vpcd and carrying its frames over UDP; MQTT broker for
             satellite nodes on 1883
--protocol t0 makes the card a T=0 card; --apdu-delay-ms/--apdu-jitter-ms a
slow one (every response N ms, plus 0..N ms at random, later).
Delete data/demo to start from a blank card and an empty cloud.
One Ctrl-C stops everything.
USAGE
      exit 0 ;;
    --http-port) http_port="${2:?}"; shift 2 ;;
    --udp-port) udp_port="${2:?}"; shift 2 ;;
    --vpcd-port) vpcd_port="${2:?}"; shift 2 ;;
    --mqtt-port) mqtt_port="${2:?}"; shift 2 ;;
    --data) data="${2:?}"; shift 2 ;;
    --protocol|--apdu-delay-ms|--apdu-jitter-ms) card_opts+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    *) die "demo: unknown option '$1' (see --help)" ;;
  esac
done

command -v java >/dev/null || die "java not found: the SIM applet runs on the JVM (apt-get install openjdk-17-jdk-headless, or run ./simiot test once as root)"
log "building the cloud, the edge agent and the applet"
(cd "$SIMIOT_ROOT" && dotnet build cloud/src/SimIoT.Cloud.Host -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary" \
  && dotnet build edge/src/SimIoT.Edge -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary") || die "build failed"
bash "$SIMIOT_ROOT/applet/build.sh" --no-tests >/dev/null || die "applet build failed"
bin="$SIMIOT_ROOT/artifacts/bin"
edge=(dotnet "$bin/SimIoT.Edge/release/simiot-edge.dll")
mkdir -p "$data"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  log "demo stopped"
}
trap cleanup INT TERM EXIT

cloud=(dotnet "$bin/SimIoT.Cloud.Host/release/simiot-cloud.dll")
# The demo organization: a web login (its generated password kept in data/demo/demo-login, owner-only)
# and a fresh admin API token each run, made on the store before the cloud starts.
login_file="$data/demo-login"
if [[ ! -f "$login_file" ]]; then
  password=$("${cloud[@]}" user add --org demo --role admin --name demo --data "$data") \
    || die "creating the demo user failed (delete $data to start afresh)"
  (umask 077; printf '%s\n' "$password" >"$login_file")
fi
"${cloud[@]}" token revoke --org demo --name demo --data "$data" >/dev/null 2>&1 || true
token=$("${cloud[@]}" token create --org demo --role admin --name demo --data "$data") || die "creating the demo token failed"

"${cloud[@]}" --legacy-v1 --Gateway:LegacyOrganization demo --http-port "$http_port" --udp-address 127.0.0.1 --udp-port "$udp_port" --data "$data" \
  --Logging:LogLevel:Default Warning --Logging:LogLevel:SimIoT Information &
pids+=($!)
url="http://127.0.0.1:$http_port"
for _ in $(seq 1 100); do
  curl -fs --max-time 2 "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || die "the cloud did not start (is port $http_port or $udp_port in use?)"
  sleep 0.2
done
curl -fs --max-time 5 "$url/healthz" >/dev/null || die "the cloud did not answer on $url"

status=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/api/modems" -H 'content-type: application/json' -H "authorization: Bearer $token" \
  -d "{\"id\":\"$modem_id\",\"nickname\":\"demo-pi\",\"masterKey\":\"$master_key\"}")
case "$status" in
  201|200) log "registered modem $modem_id with the cloud" ;;
  409) log "modem $modem_id already registered" ;;
  *) die "registering the demo modem failed (HTTP $status)" ;;
esac

card="$data/card.bin"
blank=0; [[ -f "$card" ]] || blank=1
java -jar "$SIMIOT_ROOT/applet/build/card-host.jar" --host 127.0.0.1 --port "$vpcd_port" --state "$card" "${card_opts[@]}" >"$data/card-host.log" 2>&1 &
pids+=($!)
if ((blank)); then
  log "personalising a new card"
  "${edge[@]}" provision --transport vpcd --vpcd-port "$vpcd_port" --modem-id "$modem_id" --master-key "$master_key" \
    --cloud "127.0.0.1:$udp_port" --carriers "AT&T,Verizon,Disconnect" --carrier "AT&T" --fallback-seconds 120 \
    || { rm -f "$card"; die "personalising the card failed (see $data/card-host.log)"; }
fi

"${edge[@]}" run --emulate --Edge:Card:Transport=vpcd --Edge:Card:VpcdPort="$vpcd_port" --Edge:QueueDirectory="$data/queue" \
  --Edge:Mqtt:Port="$mqtt_port" --Edge:Mqtt:BindAddress=127.0.0.1 --Logging:LogLevel:Default=Warning --Logging:LogLevel:SimIoT=Information &
pids+=($!)

printf '\nSimIoT demo running. Open %s in a browser (Ctrl-C stops everything).\n' "$url"
printf "Log in as 'demo', password %s (kept in %s).\n" "$(cat "$login_file")" "$login_file"
printf 'For scripts and ./simiot loadgen (an admin token of organization demo, valid until the next demo run):\n'
printf 'SIMIOT_TOKEN=%s\n' "$token"
printf 'Modem %s: emulated sensors -> SIM applet (v2 frames) -> UDP %s -> cloud.\n\n' "$modem_id" "$udp_port"
wait -n "${pids[@]}" || true

#!/usr/bin/env bash
# ./simiot demo: the cloud in the embedded profile plus a demo modem; one Ctrl-C stops both.
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

http_port=8000 udp_port=6001 data="$SIMIOT_ROOT/data/demo"
while (($#)); do
  case "$1" in
    -h|--help)
      cat <<'USAGE'
Usage: ./simiot demo [--http-port 8000] [--udp-port 6001] [--data DIR]

Starts the cloud in the embedded profile (in-process bus, SQLite under
data/demo, legacy v1 accepted) and a demo modem: a simulated v2 SIM that sends
temperature, accelerometer and gyro readings and answers carrier switches
(it refuses T-Mobile, so a NACK can be seen too). Open the printed address.
One Ctrl-C stops everything.
USAGE
      exit 0 ;;
    --http-port) http_port="${2:?}"; shift 2 ;;
    --udp-port) udp_port="${2:?}"; shift 2 ;;
    --data) data="${2:?}"; shift 2 ;;
    *) die "demo: unknown option '$1' (see --help)" ;;
  esac
done

log "building the cloud and the load generator"
(cd "$SIMIOT_ROOT" && dotnet build cloud/src/SimIoT.Cloud.Host -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary" \
  && dotnet build cloud/src/SimIoT.LoadGen -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary") || die "build failed"
bin="$SIMIOT_ROOT/artifacts/bin"
mkdir -p "$data"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  log "demo stopped"
}
trap cleanup INT TERM EXIT

dotnet "$bin/SimIoT.Cloud.Host/release/simiot-cloud.dll" --legacy-v1 --http-port "$http_port" --udp-port "$udp_port" --data "$data" \
  --Logging:LogLevel:Default Warning --Logging:LogLevel:SimIoT Information &
pids+=($!)
url="http://127.0.0.1:$http_port"
for _ in $(seq 1 100); do
  curl -fs --max-time 2 "$url/healthz" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || die "the cloud did not start"
  sleep 0.2
done
curl -fs --max-time 5 "$url/healthz" >/dev/null || die "the cloud did not answer on $url"

dotnet "$bin/SimIoT.LoadGen/release/simiot-loadgen.dll" --modems 1 --rate 5 --duration 0 --nack T-Mobile \
  --gateway "127.0.0.1:$udp_port" --api "$url" --first-id 00000000000004d2 &
pids+=($!)

printf '\nSimIoT demo running. Open %s in a browser (Ctrl-C stops everything).\n\n' "$url"
wait -n "${pids[@]}" || true

#!/usr/bin/env bash
# ./simiot bench: measurement commands whose figures go to docs/performance.md.
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

usage() {
  cat <<'USAGE'
Usage: ./simiot bench ingest [--rate R] [--modems N] [--warmup 30s] [--duration 20s] [--sse]

ingest: CPU per datagram of the embedded cloud against a bare recvmmsg receiver, side by
side in one run. Starts a fresh embedded cloud (SQLite in a temporary folder), a bare
receiver (the gateway's recvmmsg loop counting datagrams and nothing else) and the load
generator, which registers N v2 modems and sends R datagrams/s (one reading each) to the
cloud and a copy of each to the bare receiver. The generator runs on the last core, the
two receivers on the others (where the machine has two or more). Over the measured window
it reads utime+stime of both processes from /proc/<pid>/stat and prints each one's CPU
per datagram and, as the last line, their ratio. The cloud's datagrams are the smaller of
those its gateway accepted and the readings its store made durable in the window (a store
that falls behind leaves accepted datagrams unfinished; its shed count is printed too):
  ratio: <cloud CPU per datagram / bare CPU per datagram>

Options:
  --rate R        datagrams per second in all (default 50000)
  --modems N      simulated modems sharing the rate (default 1000)
  --warmup D      sending before the window (default 30s: the tiered JIT is still at work before)
  --duration D    the measured window (default 20s; the store counts whole batches)
  --sse           keep an /api/events client (latency) reading during the run
USAGE
}

case "${1:-}" in
  ingest) shift ;;
  -h|--help|"") usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
esac
for arg in "$@"; do [[ "$arg" == -h || "$arg" == --help ]] && { usage; exit 0; }; done

bin="$SIMIOT_ROOT/artifacts/bin"
for project in SimIoT.Cloud.Host SimIoT.LoadGen; do
  buildlog=$(mktemp)
  (cd "$SIMIOT_ROOT" && dotnet build "$(find cloud/src -name "$project.csproj" | head -n1)" -c Release --nologo -v quiet >"$buildlog" 2>&1) \
    || { cat "$buildlog" >&2; rm -f "$buildlog"; die "build of $project failed"; }
  rm -f "$buildlog"
done
cloud=(dotnet "$bin/SimIoT.Cloud.Host/release/simiot-cloud.dll")
loadgen=(dotnet "$bin/SimIoT.LoadGen/release/simiot-loadgen.dll")

# The generator on the last core, the measured processes on the others.
cores=$(nproc)
receivers=() generator=()
if ((cores >= 2)); then
  receivers=(taskset -c "0-$((cores - 2))")
  generator=(taskset -c "$((cores - 1))")
fi

work=$(mktemp -d)
pids=()
cleanup() {
  # A process that ended early is a finding: show why.
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { log "process $pid ended early; its log:"; tail -n 30 "$work"/*.log >&2; break; }; done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup INT TERM EXIT

free_ports() {
  python3 -c 'import socket
s=[socket.socket(socket.AF_INET, k) for k in (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_DGRAM)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))'
}
read -r http_port udp_port bare_port < <(free_ports)

token=$("${cloud[@]}" token create --org bench --role admin --name bench --data "$work" 2>"$work/token.log") \
  || { cat "$work/token.log" >&2; die "creating the bench token failed"; }
"${receivers[@]}" "${cloud[@]}" --http-port "$http_port" --udp-address 127.0.0.1 --udp-port "$udp_port" --data "$work" --init \
  --Logging:LogLevel:Default Warning >"$work/cloud.log" 2>&1 &
pids+=($!)
cloud_pid=$!
"${receivers[@]}" "${cloud[@]}" bare-receiver --port "$bare_port" >"$work/bare.log" 2>&1 &
pids+=($!)
bare_pid=$!
url="http://127.0.0.1:$http_port"
for _ in $(seq 1 150); do
  curl -fs --max-time 2 "$url/readyz" >/dev/null 2>&1 && break
  kill -0 "$cloud_pid" 2>/dev/null || { cat "$work/cloud.log" >&2; die "the cloud did not start"; }
  sleep 0.2
done
curl -fs --max-time 5 "$url/readyz" >/dev/null || { cat "$work/cloud.log" >&2; die "the cloud is not ready on $url"; }

"${generator[@]}" "${loadgen[@]}" bench-ingest --cloud-pid "$cloud_pid" --bare-pid "$bare_pid" --bare "127.0.0.1:$bare_port" \
  --gateway "127.0.0.1:$udp_port" --api "$url" --token "$token" "$@"

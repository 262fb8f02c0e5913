#!/usr/bin/env bash
# Requests per second of one authenticated API call: a throwaway embedded cloud (built
# Release binaries, free ports, temp data folder), one viewer token, N sequential keep-alive
# GET /api/me through one curl process. Measures what every request pays for authentication.
# Usage: cloud/benchmarks/api-requests.sh [REQUESTS] [ROUNDS]   (Auth__TokenCacheLifetime=00:00:00 in the environment turns the token cache off)
set -euo pipefail
n=${1:-20000}
rounds=${2:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
cloud=(dotnet "$root/artifacts/bin/SimIoT.Cloud.Host/release/simiot-cloud.dll")
dir=$(mktemp -d)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
token=$("${cloud[@]}" token create --org bench --role viewer --name bench --data "$dir" 2>/dev/null)
"${cloud[@]}" --data "$dir" --http-port "$port" --udp-port 0 --udp-address 127.0.0.1 >"$dir/cloud.log" 2>&1 &
pid=$!
for _ in $(seq 1 150); do curl -fs --max-time 2 "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
for _ in $(seq 1 "$n"); do printf 'url = "http://127.0.0.1:%s/api/me"\noutput = /dev/null\n' "$port"; done >"$dir/curl.cfg"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/me")
[[ $code == 200 ]] || { echo "GET /api/me answered $code" >&2; exit 1; }
curl -s -H "authorization: Bearer $token" -K "$dir/curl.cfg"  # warm-up
for r in $(seq 1 "$rounds"); do
  cpu0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  start=$(date +%s.%N)
  curl -s -H "authorization: Bearer $token" -K "$dir/curl.cfg"
  end=$(date +%s.%N)
  cpu1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  # The cloud's own CPU time per request (clock ticks from /proc) holds up on a busy machine better than wall time.
  python3 -c "import os; n=$n; t=$end-$start; cpu=($cpu1-$cpu0)/os.sysconf('SC_CLK_TCK'); print(f'round $r: {n} requests in {t:.2f} s: {n/t:.0f} requests/s, {t/n*1e6:.0f} us each; cloud CPU {cpu/n*1e6:.0f} us per request')"
done

#!/usr/bin/env bash
# ./simiot loadgen: a simulated modem fleet (cloud/src/SimIoT.LoadGen).
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

case "${1:-}" in
  -h|--help)
    cat <<'USAGE'
Usage: ./simiot loadgen [--modems N] [--rate R] [--duration 30s] [--protocol v1|v2] [options]

Simulated modems with their own keys send real v2 frames (or seed v1 packets) to
the gateway, answer carrier switches, and at the end print sent / received
(acked) / lost counts and datagram-to-SSE latency percentiles of this run's own
modems. v2 modems are registered through the API first and share a few UDP
sockets (2,500 modems each, like modems behind one NAT address); v1 modems need
a socket each (the seed's identity is the source address).

Options:
  --modems N         simulated modems (default 1)
  --rate R           readings per second per modem (default 10)
  --duration D       30s, 2m, or 0 for until Ctrl-C (default 30s)
  --protocol P       v2 (default) or v1 (the cloud must run with --legacy-v1)
  --gateway H:P      gateway UDP address (default 127.0.0.1:6001)
  --api URL          cloud HTTP address (default http://127.0.0.1:8000; 'none' to skip)
  --token TOKEN      API token (admin) of the organization the modems go to (default: $SIMIOT_TOKEN,
                     which ./simiot demo prints; make one with ./simiot cloud token create)
  --first-id HEX     id of the first modem (default 5100000000000001); runs faster than 16
                     frames/s per modem need fresh ids for the next run (sequences restart from the clock)
  --key HEX          fleet master key, 32 hex digits
  --nack CARRIER     a carrier the simulated SIMs refuse (repeatable)
  --no-latency       do not measure latency on /api/events (ingest-rate runs)

Example:
  ./simiot loadgen --modems 1000 --rate 10 --duration 30s --protocol v2
USAGE
    exit 0 ;;
esac
run_dotnet_tool SimIoT.LoadGen simiot-loadgen.dll "$@"

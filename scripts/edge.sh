#!/usr/bin/env bash
# ./simiot edge: the modem agent's command line (edge/src/SimIoT.Edge, executable simiot-edge).
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

if [[ $# -eq 0 ]]; then set -- --help; fi
# ./simiot edge bench --apdu-delay-ms N [--seconds S]: the whole agent through the card (docs/performance.md).
if [[ "$1" == bench ]]; then
  shift
  run_dotnet_tool SimIoT.Edge.Benchmarks simiot-edge-bench.dll agent "$@"
fi
run_dotnet_tool SimIoT.Edge simiot-edge.dll "$@"

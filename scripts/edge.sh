#!/usr/bin/env bash
# ./simiot edge: the modem agent's command line (edge/src/SimIoT.Edge, executable simiot-edge).
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

if [[ $# -eq 0 ]]; then set -- --help; fi
run_dotnet_tool SimIoT.Edge simiot-edge.dll "$@"

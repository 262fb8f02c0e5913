#!/usr/bin/env bash
# ./simiot node: the satellite node firmware's core on this machine (firmware/src/SimIoT.Firmware.Node, executable simiot-node).
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

if [[ $# -eq 0 ]]; then set -- --help; fi
run_dotnet_tool SimIoT.Firmware.Node simiot-node.dll "$@"

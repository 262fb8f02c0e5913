#!/usr/bin/env bash
# ./simiot proto: the protocol inspector (protocol/src/SimIoT.Protocol.Cli).
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

if [[ $# -eq 0 ]]; then set -- --help; fi
case "${1:-}" in
  -h|--help)
    cat <<'USAGE'
Usage: ./simiot proto decode HEX [--key MASTERKEY]
       ./simiot proto encode JSON [--key MASTERKEY]

Decodes a datagram (v1 seed packet, v2 secure frame or v3 compact frame) from
hex and prints one JSON object, or encodes such a JSON object and prints
lowercase hex. A v2 or v3 frame's payload is shown or built only with the
modem's master key; a v3 frame's compact readings are shown as the v1 packets
they stand for ("version": 3 in the JSON encodes one).
Invalid input: exit status 2 and one line on stderr.

Examples:
  ./simiot proto decode 1020
  ./simiot proto encode '{"flow":"carrier-switch","topic":"ack","status":"NACK","carrier":"AT&T"}'

Run './simiot proto decode --help' for the details of a subcommand.
USAGE
    exit 0 ;;
esac
run_dotnet_tool SimIoT.Protocol.Cli simiot-proto.dll "$@"

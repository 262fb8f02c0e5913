#!/usr/bin/env bash
# ./simiot cloud: the cloud (cloud/src/SimIoT.Cloud.Host), embedded profile by default.
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

case "${1:-}" in
  -h|--help)
    cat <<'USAGE'
Usage: ./simiot cloud [gateway|api] [options]
       ./simiot cloud modem add --id ID --key HEX [--nickname NAME] [--api URL] [--token T]
       ./simiot cloud retention run [--raw 7d] [--vacuum] [--data DIR | --postgres CONNSTR]

Runs the SimIoT cloud. Without a subcommand: everything in one process (UDP
gateway, bus, store, API, web UI). 'gateway' and 'api' run one side each, to
pair over Kafka (several of each may run side by side).

Options:
  --http-port N        HTTP port of API, UI, /healthz, /metrics (default 8000, on 127.0.0.1)
  --http-address A     HTTP address (default 127.0.0.1)
  --udp-port N         UDP port of the gateway (default 6001)
  --udp-address A      UDP address of the gateway (default 0.0.0.0)
  --data DIR           folder of the SQLite store (default ./data)
  --init               create an empty store there when it holds none (else a missing database stops the start)
  --legacy-v1          accept unauthenticated v1 seed packets
  --kafka BOOTSTRAP    use Kafka as the bus (Confluent.Kafka); 'mock': librdkafka's in-process mock cluster
  --postgres CONNSTR   use PostgreSQL as the store (Npgsql), e.g. 'Host=127.0.0.1;Username=simiot;Database=simiot'
  --default-modem ID   modem a seed downstream-request naming no modem goes to
  --grafana-url URL    Grafana link shown in the UI
  --Section:Key VALUE  any configuration key (see docs/operations.md), e.g. --Commands:MaxAttempts 5

Examples:
  ./simiot cloud --legacy-v1
  ./simiot cloud gateway --kafka 127.0.0.1:9092 --postgres 'Host=...' --http-port 8001
  ./simiot cloud api --kafka 127.0.0.1:9092 --postgres 'Host=...'
  ./simiot cloud fleet-bench --modems 100000 --data "$(mktemp -d)"   # fleet query times (docs/performance.md)
USAGE
    exit 0 ;;
esac
run_dotnet_tool SimIoT.Cloud.Host simiot-cloud.dll "$@"

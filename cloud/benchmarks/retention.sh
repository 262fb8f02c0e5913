#!/usr/bin/env bash
# Retention figures (docs/performance.md): fills a fresh SQLite store and a fresh PostgreSQL
# database (a throwaway cluster) with ROWS raw readings ten days old (10 modems x imu, gyro,
# temp at 100 Hz), then runs `simiot-cloud retention run --vacuum` on each: rows rolled up and
# deleted per second, the telemetry's size and bytes per row before and after.
# Usage: cloud/benchmarks/retention.sh [ROWS]   (default 1000000)
set -euo pipefail
export SIMIOT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$SIMIOT_ROOT/scripts/lib.sh"
source "$SIMIOT_ROOT/scripts/services.sh"
rows="${1:-1000000}"
cloud() { (run_dotnet_tool SimIoT.Cloud.Host simiot-cloud.dll "$@"); }
base_us=$(( ($(date +%s) - 10 * 86400) * 1000000 ))
work="$(mktemp -d /tmp/simiot-retention.XXXXXX)"
trap 'stop_test_postgres; rm -rf "$work"' EXIT

echo "== SQLite, $rows readings"
cloud org list --data "$work/sqlite" >/dev/null 2>&1   # creates the store and its schema
sqlite3 "$work/sqlite/simiot.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $rows - 1)
INSERT INTO telemetry (modem_id, sensor, device_id, time_us, value, value_y, value_z, axes)
SELECT printf('%016x', 5836665117072162817 + i % 10), CASE (i / 10) % 3 WHEN 0 THEN 'imu' WHEN 1 THEN 'gyro' ELSE 'temp' END,
    (i / 10) % 3 + 1, $base_us + (i / 30) * 10000, i % 2000 - 1000,
    CASE WHEN (i / 10) % 3 < 2 THEN i % 500 END, CASE WHEN (i / 10) % 3 < 2 THEN -(i % 300) END, CASE WHEN (i / 10) % 3 < 2 THEN 3 ELSE 1 END
FROM n;
SQL
cloud retention run --data "$work/sqlite" --vacuum

echo "== PostgreSQL, $rows readings"
start_test_postgres >/dev/null 2>&1
pg_host="$(sed 's/.*Host=\([^;]*\);.*/\1/' <<<"$SIMIOT_TEST_POSTGRES")"
psql -q -h "$pg_host" -U postgres -c "CREATE DATABASE simiot_bench"
cloud org list --postgres "Host=$pg_host;Username=postgres;Database=simiot_bench" >/dev/null 2>&1
psql -q -h "$pg_host" -U postgres -d simiot_bench <<SQL
INSERT INTO telemetry (time, modem_id, sensor, device_id, value, value_y, value_z, axes)
SELECT to_timestamp(($base_us + (i / 30) * 10000) / 1e6), lpad(to_hex(5836665117072162817 + i % 10), 16, '0'),
    CASE (i / 10) % 3 WHEN 0 THEN 'imu' WHEN 1 THEN 'gyro' ELSE 'temp' END, (i / 10) % 3 + 1, i % 2000 - 1000,
    CASE WHEN (i / 10) % 3 < 2 THEN i % 500 END, CASE WHEN (i / 10) % 3 < 2 THEN -(i % 300) END, CASE WHEN (i / 10) % 3 < 2 THEN 3 ELSE 1 END
FROM generate_series(0::bigint, $rows - 1) AS i;
VACUUM ANALYZE telemetry;
SQL
cloud retention run --postgres "Host=$pg_host;Username=postgres;Database=simiot_bench" --vacuum

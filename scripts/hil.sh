#!/usr/bin/env bash
# ./simiot hil: the hardware-in-the-loop rig alone (hil-tests/), with a report per run.
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

usage() {
  cat <<'USAGE'
Usage: ./simiot hil [--filter EXPR] [--edge-arch arm64] [--no-build] [--results DIR]

Runs the hardware-in-the-loop scenarios (hil-tests/SimIoT.Hil.Tests): each
scenario brings up its own real cloud (embedded profile), the edge agent, and
a card personalised for it, on its own ports and temp folders, and tears them
down again. Writes a report per run:

  hil-tests/results/<UTC timestamp>/summary.md   scenario, mode, result, duration, key figures
  hil-tests/results/<UTC timestamp>/hil.trx      the machine-readable results (VSTest TRX)
  hil-tests/results/<UTC timestamp>/figures.jsonl  figures as recorded by each scenario
  hil-tests/results/<UTC timestamp>/test.log     the dotnet test output

Mode (docs/hil.md): simulated unless hardware is named in the environment:
  SIMIOT_HIL_READER       PC/SC reader name substring: use the physical card in it
                          (with SIMIOT_HIL_MODEM_ID, SIMIOT_HIL_MASTER_KEY and
                          SIMIOT_HIL_UDP_PORT, what it was personalised with)
  SIMIOT_HIL_I2C_BUS      I2C bus number: real MPU-6050 (0x68) and BME280 (0x76)
Scenarios that need hardware and find none are reported as skipped, with the reason.

Options:
  --filter EXPR   also restrict with this 'dotnet test --filter' expression
                  (e.g. 'FullyQualifiedName~S2_' for one scenario)
  --edge-arch arm64
                  run the scenarios that support it (S1 telemetry, S2 UI carrier
                  switch) with the linux-arm64 agent: published once into
                  artifacts/publish/simiot-edge/, run as its own process under
                  qemu-aarch64-static, reaching the card through a real pcscd and
                  its vpcd driver with the arm64 libpcsclite (needs root and the
                  arm64 packages in scripts/apt-packages.txt)
  --no-build      do not build first
  --results DIR   write the report there instead of hil-tests/results/<timestamp>
  -h, --help      show this help
Exits non-zero when a scenario fails.
USAGE
}

filter="" build=1 results="" arch=""
while (($#)); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --filter) filter="${2:?--filter needs an expression}"; shift 2 ;;
    --no-build) build=0; shift ;;
    --edge-arch) arch="${2:?--edge-arch needs an architecture}"; shift 2
      [[ "$arch" == arm64 ]] || die "--edge-arch: only arm64 (the host's own build is the default)" ;;
    --results) results="${2:?--results needs a folder}"; shift 2 ;;
    *) echo "simiot hil: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

cd "$SIMIOT_ROOT"
project=hil-tests/SimIoT.Hil.Tests/SimIoT.Hil.Tests.csproj
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="${results:-$SIMIOT_ROOT/hil-tests/results/$stamp}"
mkdir -p "$results"
results="$(cd "$results" && pwd)"

if ((build)); then
  log "building the rig"
  dotnet build "$project" -c Release --nologo -v quiet "-clp:ErrorsOnly;NoSummary" || die "build failed"
fi

if [[ "$arch" == arm64 ]]; then
  command -v qemu-aarch64-static >/dev/null || die "qemu-aarch64-static is not installed (apt-get install qemu-user-static)"
  publish_edge_arm64
fi

# S9 (the distributed profile) needs PostgreSQL: the same throwaway cluster ./simiot test starts,
# unless a server is named already (./simiot test exports it before it runs this).
if [[ -z "${SIMIOT_TEST_POSTGRES:-}" ]]; then
  source "$SIMIOT_ROOT/scripts/services.sh"
  start_test_services
  trap stop_test_services EXIT
fi

expr="FullyQualifiedName~SimIoT.Hil"
[[ "$arch" == arm64 ]] && expr="$expr&FullyQualifiedName~arm64_agent"
[[ -n "$filter" ]] && expr="($expr)&($filter)"
log "running the rig scenarios (report in ${results#"$SIMIOT_ROOT"/})"
export SIMIOT_HIL_RESULTS="$results"
started=$(date +%s)
set +e
dotnet test "$project" -c Release --no-build --nologo --filter "$expr" \
  --logger "trx;LogFileName=hil.trx" --results-directory "$results" 2>&1 | tee "$results/test.log"
status=${PIPESTATUS[0]}
set -e
elapsed=$(($(date +%s) - started))

mode="simulated"
[[ -n "${SIMIOT_HIL_READER:-}" ]] && mode="hardware card ('${SIMIOT_HIL_READER}')"
[[ -n "${SIMIOT_HIL_I2C_BUS:-}" ]] && mode="${mode/simulated/applet card}, real sensors on i2c-${SIMIOT_HIL_I2C_BUS}"
[[ "$arch" == arm64 ]] && mode="$mode, linux-arm64 agent under qemu"

trx="$results/hil.trx"
{
  echo "# SimIoT hardware-in-the-loop run $stamp"
  echo
  echo "- mode: $mode"
  echo "- machine: $(uname -srm), $(nproc) cores"
  echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
  echo "- wall time: ${elapsed} s; dotnet test exit status: $status"
  echo "- machine-readable results: hil.trx (VSTest TRX), figures.jsonl"
  echo
  echo "| scenario | mode | result | duration | note |"
  echo "|---|---|---|---|---|"
  if [[ -f "$trx" ]]; then
    # One UnitTestResult element per test; the first <Message> inside it is the failure or skip reason.
    awk -v mode="$mode" '
      function attr(line, name,   m) { if (match(line, name "=\"[^\"]*\"")) { m = substr(line, RSTART + length(name) + 2, RLENGTH - length(name) - 3); return m } return "" }
      function flush() { if (name != "") { gsub(/\|/, "/", note); printf "| %s | %s | %s | %s | %s |\n", name, (outcome == "NotExecuted" ? "-" : mode), (outcome == "NotExecuted" ? "SKIPPED" : toupper(outcome)), dur, note } name = "" }
      /<UnitTestResult / { flush(); name = attr($0, "testName"); sub(/.*\.Scenarios\./, "", name); outcome = attr($0, "outcome"); dur = attr($0, "duration"); sub(/^00:/, "", dur); sub(/\.[0-9]+$/, "", dur); note = ""; inmsg = 0 }
      /<Message>/ && name != "" && note == "" { line = $0; sub(/.*<Message>/, "", line); sub(/<\/Message>.*/, "", line); note = substr(line, 1, 300); }
      /<\/UnitTestResult>/ { flush() }
      END { flush() }' "$trx" | sort \
      | sed 's/&quot;/"/g; s/&apos;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g'
  else
    echo "| (no TRX written: build or host error, see test.log) | | | | |"
  fi
  echo
  echo "## Key figures"
  echo
  if [[ -s "$results/figures.jsonl" ]]; then
    # {"scenario":"...","mode":"...","figures":{"name":"value",...}}: one bullet list per scenario.
    sed -e 's/^{"scenario":"\([^"]*\)","mode":"\([^"]*\)","figures":{\(.*\)}}$/\n### \1 (\2)\n\n\3/' "$results/figures.jsonl" \
      | sed -e '/^###/!{s/","/"\n"/g}' \
      | sed -e '/^###/!{s/^"\([^"]*\)":"\(.*\)"$/- \1: \2/}' \
      | sed 's/\\u0026/\&/g; s/\\u0027/'"'"'/g; s/\\u003C/</g; s/\\u003E/>/g; s/\\u0022/"/g'
  else
    echo "(no scenario recorded figures; figures are written when a scenario passes)"
  fi
} > "$results/summary.md"

passed=$(grep -c '| PASSED |' "$results/summary.md" || true)
failed=$(grep -c '| FAILED |' "$results/summary.md" || true)
skipped=$(grep -c '| SKIPPED |' "$results/summary.md" || true)
log "report: ${results#"$SIMIOT_ROOT"/}/summary.md"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"

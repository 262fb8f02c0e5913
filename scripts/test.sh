#!/usr/bin/env bash
# ./simiot test: install what the tests need, build everything, run every suite, print one summary line.
set -euo pipefail
source "$SIMIOT_ROOT/scripts/lib.sh"

usage() {
  cat <<'USAGE'
Usage: ./simiot test [--filter EXPR] [--no-install] [--suite NAME]

Installs what the tests need when it is missing (Debian packages when run as
root, the .NET packages), builds everything, runs every test suite and ends
with one line: 'N passed, N failed, N skipped'. Exits non-zero on any failure.

Options:
  --filter EXPR   only .NET tests matching this 'dotnet test --filter' expression
  --no-install    do not install Debian packages (fails if they are missing)
  --suite NAME    run one suite: 'dotnet', or a component with a run-tests script (e.g. 'applet')
  -h, --help      show this help

Test results (TRX) go to artifacts/test-results/.
USAGE
}

filter="" install=1 only=""
while (($#)); do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --filter) filter="${2:?--filter needs an expression}"; shift 2 ;;
    --no-install) install=0; shift ;;
    --suite) only="${2:?--suite needs a name}"; shift 2 ;;
    *) echo "simiot test: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done

cd "$SIMIOT_ROOT"
if ((install)); then ensure_apt_packages; fi
source "$SIMIOT_ROOT/scripts/services.sh"
start_test_services
trap stop_test_services EXIT

passed=0 failed=0 skipped=0 broken=0
results="$SIMIOT_ROOT/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

add_counts() { # reads 'N passed, N failed, N skipped' lines from a file
  local line p f s
  while IFS= read -r line; do
    p=$(sed -n 's/.*\b\([0-9]\+\) passed.*/\1/p' <<<"$line"); f=$(sed -n 's/.*\b\([0-9]\+\) failed.*/\1/p' <<<"$line"); s=$(sed -n 's/.*\b\([0-9]\+\) skipped.*/\1/p' <<<"$line")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  done < <(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" || true)
}

if [[ -z "$only" || "$only" == dotnet ]]; then
  log "restoring and building the .NET solution"
  dotnet restore SimIoT.slnx --nologo -v quiet
  dotnet_build --no-restore
  publish_edge_arm64 # the HIL rig's arm64 scenarios run it under qemu (once; reused until the agent changes)
  log "running .NET tests"
  out="$results/dotnet.log"
  args=(test SimIoT.slnx -c Release --no-build --nologo --logger "trx" --results-directory "$results")
  [[ -n "$filter" ]] && args+=(--filter "$filter")
  set +e
  dotnet "${args[@]}" 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  set -e
  # One VSTest summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
  while IFS= read -r line; do
    f=$(sed -n 's/.*Failed: *\([0-9]\+\).*/\1/p' <<<"$line"); p=$(sed -n 's/.*Passed: *\([0-9]\+\).*/\1/p' <<<"$line"); s=$(sed -n 's/.*Skipped: *\([0-9]\+\).*/\1/p' <<<"$line")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  done < <(grep -E '(Passed|Failed)! +- +Failed: ' "$out" || true)
  if ((status != 0)) && ! grep -qE 'Failed! +- +Failed: +[1-9]' "$out"; then
    log "dotnet test exited with $status without a failed test (build or host error)"; broken=1
  fi
fi

# Components outside .NET (the Java applet, ...) bring an executable run-tests script
# that prints its own 'N passed, N failed, N skipped' line.
for suite in */run-tests; do
  [[ -x "$suite" ]] || continue
  name="${suite%%/*}"
  [[ -n "$only" && "$only" != "$name" ]] && continue
  log "running $name tests"
  out="$results/$name.log"
  set +e
  "./$suite" 2>&1 | tee "$out"
  status=${PIPESTATUS[0]}
  set -e
  before=$failed
  add_counts "$out"
  if ((status != 0 && failed == before)); then log "$name tests exited with $status"; broken=1; fi
done

total=$((passed + failed + skipped))
if ((total == 0)); then log "no test ran"; broken=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0 && broken == 0))

#!/usr/bin/env bash
# test.sh - everything CI runs, from a fresh clone on a fresh Debian machine:
#   1. scripts/services.sh: install missing Debian packages, start the real services (MariaDB)
#   2. restore .NET local tools (when a tool manifest exists), build the solution
#   3. dotnet test for every test (no filter), with the services' environment
#   4. stop the services this run started (also on failure or Ctrl-C)
# Exit code: non-zero when anything fails. Extra arguments go to `dotnet test` (e.g. a --filter
# while iterating by hand; CI passes none).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
START=$(date +%s)
log() { printf 'test.sh: %s\n' "$*" >&2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export MAIL_SERVICES_DIR=${MAIL_SERVICES_DIR:-/tmp/mail-services}

# Stop at the end only what this run started: services already answering are left alone.
started_here=0
if ! scripts/services.sh status >/dev/null 2>&1; then started_here=1; fi
cleanup() {
  local rc=$?
  if [ "$started_here" = 1 ]; then scripts/services.sh stop || true; fi
  log "finished in $(( $(date +%s) - START )) s with exit code $rc"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "services"
scripts/services.sh start >/dev/null
# shellcheck disable=SC1091  # written by services.sh
. "$MAIL_SERVICES_DIR/env"

if [ -f .config/dotnet-tools.json ] || [ -f dotnet-tools.json ]; then
  log "dotnet tool restore"
  dotnet tool restore
fi

log "build"
dotnet build Webmail.sln -c Debug -nologo -clp:ErrorsOnly

log "test"
# One test run for the whole solution; results also as TRX under TestResults/.
rm -rf "$ROOT/TestResults"
rc=0
dotnet test Webmail.sln -c Debug --no-build -nologo \
  --logger "console;verbosity=minimal" --logger "trx;LogFileName=results.trx" \
  --results-directory "$ROOT/TestResults" "$@" || rc=$?

# The end-to-end tests' reports (pass/total per client pair, crash figures), then one closing line in the
# plain "N passed, N failed" form, summed over every TRX file.
python3 - "$ROOT/TestResults" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
p = f = s = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    root = ET.parse(path).getroot()
    for r in root.iterfind(".//t:UnitTestResult", ns):
        out = r.find("t:Output/t:StdOut", ns)
        if ".EndToEnd." in r.get("testName", "") and out is not None and out.text:
            print(f"--- {r.get('testName')} ({r.get('outcome')})")
            print(out.text.rstrip())
    c = root.find("t:ResultSummary/t:Counters", ns)
    if c is not None:
        p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
        s += int(c.get("notExecuted", 0))
# Failed tests last, so the tail of a CI log names them with their first lines of error.
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    root = ET.parse(path).getroot()
    for r in root.iterfind(".//t:UnitTestResult", ns):
        if r.get("outcome") not in ("Failed", "Error", "Timeout"):
            continue
        msg = r.find("t:Output/t:ErrorInfo/t:Message", ns)
        st = r.find("t:Output/t:ErrorInfo/t:StackTrace", ns)
        print(f"FAILED {r.get('testName')} ({r.get('duration')})")
        for line in ((msg.text if msg is not None and msg.text else "") .splitlines()[:15]):
            print(f"  | {line}")
        for line in ((st.text if st is not None and st.text else "").splitlines()[:6]):
            print(f"  | {line}")
print(f"tests: {p} passed, {f} failed, {s} skipped")
PY
exit "$rc"

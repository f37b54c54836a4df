#!/usr/bin/env bash
# imap-search.sh - SEARCH TEXT/BODY latency over a MSGS-message INBOX (issue 3 target: <= 100 ms).
# 1. builds the server and bench/searchseed (Release);
# 2. adds search@bench.test on a temp data path and fills its INBOX through the store API (bench/searchseed: corpus
#    subjects and texts, full-text index built at delivery as in production);
# 3. starts the real binary on it and runs bench/imap_search.py (rare word, phrase, common word, absent word,
#    two-letter scan; p50/p95 of REPS runs each). Stops what it started.
# Knobs: MSGS (100000) REPS (20) BENCH_DIR (/tmp/imap-search-bench) KEEP=1 (reuse a seeded data path) NO_BUILD=1
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
find_up() {
  local d=$ROOT/..
  while [ "$(cd "$d" && pwd)" != / ]; do
    if [ -e "$d/shared/$1" ]; then echo "$(cd "$d/shared" && pwd)/$1"; return; fi
    d=$d/..
  done
  echo "$ROOT/../shared/$1"
}
CORPUS=${CORPUS:-$(find_up corpus)}
MSGS=${MSGS:-100000}
REPS=${REPS:-20}
B=${BENCH_DIR:-/tmp/imap-search-bench}
DLL=$ROOT/Web/bin/Release/net10.0/Mail.Web.dll
SEED=$ROOT/bench/searchseed/bin/Release/net10.0/SearchSeed.dll
PY=$(command -v /usr/bin/python3 || command -v python3)
SERVER_PID=
log() { printf 'imap-search.sh: %s\n' "$*" >&2; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cleanup() { if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi; }
trap cleanup EXIT
if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building Release"
  dotnet build "$ROOT/Web/Web.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
  dotnet build "$ROOT/bench/searchseed/SearchSeed.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
fi
DATA=$B/data
admin() { (cd "$(dirname "$DLL")" && dotnet "$DLL" admin "$@" --Mail:DataPath="$DATA" >/dev/null); }
if [ "${KEEP:-0}" != 1 ] || [ ! -f "$B/seeded-$MSGS" ]; then
  rm -rf "$B"; mkdir -p "$DATA"
  admin domain add bench.test
  echo pass | admin user add search@bench.test --password-stdin
  log "seeding $MSGS messages"
  dotnet "$SEED" "$DATA" search@bench.test "$MSGS" "$CORPUS" | tail -1
  touch "$B/seeded-$MSGS"
fi
IMAP=$(free_port); HTTP=$(free_port)
(cd "$(dirname "$DLL")" && exec dotnet "$DLL" --Mail:DataPath="$DATA" --urls "http://127.0.0.1:$HTTP" --Mail:Roles=mailbox \
  --Mail:Endpoints:Imap=127.0.0.1:$IMAP --Mail:Endpoints:ImapTls=127.0.0.1:0 --Mail:Endpoints:Pop3=127.0.0.1:0 \
  --Mail:Endpoints:Pop3Tls=127.0.0.1:0 --Mail:Endpoints:Lmtp=127.0.0.1:0 --Logging:LogLevel:Default=Warning) >"$B/server.log" 2>&1 &
SERVER_PID=$!
for ((i = 0; i < 600; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$IMAP") 2>/dev/null && break; sleep 0.1; done
echo "## machine: nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg); index $(du -sh "$DATA/mail" | cut -f1)"
"$PY" "$ROOT/bench/imap_search.py" 127.0.0.1 "$IMAP" search@bench.test pass "$REPS" "$SERVER_PID"

#!/usr/bin/env bash
# imap-append-rss.sh - server RSS growth while one client streams huge APPEND literals (issue 3, "RSS flat").
# Starts the real binary (DLL, default Web/bin/Release) on a temp data path with limits raised to allow the sizes,
# runs bench/imap_append_rss.py for SIZES (MiB, default "100 500") and stops it.
# Knobs: DLL, SIZES, BENCH_DIR (/tmp/imap-append-rss), NO_BUILD=1, EXTRA_ARGS (more server options).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DLL=${DLL:-$ROOT/Web/bin/Release/net10.0/Mail.Web.dll}
SIZES=${SIZES:-100 500}
B=${BENCH_DIR:-/tmp/imap-append-rss}
PY=$(command -v /usr/bin/python3 || command -v python3)
SERVER_PID=
log() { printf 'imap-append-rss.sh: %s\n' "$*" >&2; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cleanup() { if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi; rm -rf "$B"; }
trap cleanup EXIT
if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building Release"
  dotnet build "$ROOT/Web/Web.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
fi
rm -rf "$B"; mkdir -p "$B/data"
DATA=$B/data
IMAP=$(free_port); HTTP=$(free_port)
admin() { (cd "$(dirname "$DLL")" && dotnet "$DLL" admin "$@" --Mail:DataPath="$DATA" >/dev/null); }
admin domain add bench.test
echo pass | admin user add big@bench.test --password-stdin
MAX=$((1100 * 1024 * 1024))
(cd "$(dirname "$DLL")" && exec dotnet "$DLL" --Mail:DataPath="$DATA" --urls "http://127.0.0.1:$HTTP" --Mail:Roles=mailbox \
  --Mail:Endpoints:Imap=127.0.0.1:$IMAP --Mail:Endpoints:ImapTls=127.0.0.1:0 --Mail:Endpoints:Pop3=127.0.0.1:0 --Mail:Endpoints:Pop3Tls=127.0.0.1:0 --Mail:Endpoints:Lmtp=127.0.0.1:0 \
  --Mail:Store:MaxMessageOctets=$MAX --Mail:Imap:Limits:MaxAppendOctets=$MAX \
  --Logging:LogLevel:Default=Warning ${EXTRA_ARGS:-}) >"$B/server.log" 2>&1 &
SERVER_PID=$!
for ((i = 0; i < 600; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$IMAP") 2>/dev/null && break; sleep 0.1; done
# The dotnet host is the server process itself (exec), so its VmRSS is the server's.
"$PY" "$ROOT/bench/imap_append_rss.py" 127.0.0.1 "$IMAP" big@bench.test pass "$SERVER_PID" $SIZES

#!/usr/bin/env bash
# imap-select.sh - what a MSGS-message INBOX costs the IMAP server (issue 3; the webmail list of issue 7 depends on it):
# SELECT cold and warm, UID SORT RETURN (PARTIAL 1:50) (REVERSE ARRIVAL), UID SORT/SEARCH RETURN (ALL) with their
# response sizes, and server RSS per session with SESSIONS sessions that each SELECT the same INBOX (bench/imap_select.py).
# 1. builds the server (Release) unless NO_BUILD=1;
# 2. gets a data path whose bench@bench.test INBOX holds MSGS messages: SEED_FROM=<a data path of bench/webmail.sh>
#    is copied (hard links for the message files), else the INBOX is filled over IMAP with bench/webmail_bench.py fill;
# 3. starts the real binary (mailbox role only) and runs bench/imap_select.py; stops what it started.
# With PEERS=1 the same measures run against Debian's Dovecot (../shared/bench/peers.sh, private instance under
# $BENCH_DIR/peers, ports PEERS_IMAP_PORT..) whose user1 Maildir gets the same message files (hard links).
# Knobs: MSGS (100000) REPS (10) SESSIONS (200) BENCH_DIR (/tmp/imap-select-bench) SEED_FROM KEEP=1 NO_BUILD=1 PEERS=1 SKIP_OURS=1
#   SERVER_DLL (another build of Mail.Web.dll, e.g. an older commit, measured the same way)
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
MSGS=${MSGS:-100000}
REPS=${REPS:-10}
SESSIONS=${SESSIONS:-200}
B=${BENCH_DIR:-/tmp/imap-select-bench}
DLL=${SERVER_DLL:-$ROOT/Web/bin/Release/net10.0/Mail.Web.dll}
PY=$(command -v /usr/bin/python3 || command -v python3)
USER_NAME=bench@bench.test
PASS=pass
SERVER_PID=
log() { printf 'imap-select.sh: %s\n' "$*" >&2; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
stop_server() { if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi; SERVER_PID=; }
cleanup() {
  stop_server
  if [ "${PEERS:-0}" = 1 ]; then PEERS_DIR=$B/peers bash "$(find_up bench/peers.sh)" stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building Release"
  dotnet build "$ROOT/Web/Web.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
fi
DATA=$B/data
start_server() {
  IMAP=$(free_port); HTTP=$(free_port)
  (cd "$(dirname "$DLL")" && exec dotnet "$DLL" --Mail:DataPath="$DATA" --urls "http://127.0.0.1:$HTTP" --Mail:Roles=mailbox \
    --Mail:Endpoints:Imap=127.0.0.1:$IMAP --Mail:Endpoints:ImapTls=127.0.0.1:0 --Mail:Endpoints:Pop3=127.0.0.1:0 \
    --Mail:Endpoints:Pop3Tls=127.0.0.1:0 --Mail:Endpoints:Lmtp=127.0.0.1:0 --Logging:LogLevel:Default=Warning) >>"$B/server.log" 2>&1 &
  SERVER_PID=$!
  for ((i = 0; i < 1200; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$IMAP") 2>/dev/null && return; sleep 0.1; done
  log "server did not start"; exit 1
}
if [ "${KEEP:-0}" != 1 ] || [ ! -f "$B/seeded-$MSGS" ]; then
  rm -rf "$B"; mkdir -p "$B"
  if [ -n "${SEED_FROM:-}" ]; then
    log "copying $SEED_FROM"
    cp -al "$SEED_FROM" "$DATA"
    # SQLite files are rewritten in place: real copies, not links.
    find "$DATA" -name '*.db*' -type f -exec sh -c 'cp --remove-destination "$1" "$1.tmp" && mv "$1.tmp" "$1"' _ {} \;
  else
    mkdir -p "$DATA"
    admin() { (cd "$(dirname "$DLL")" && dotnet "$DLL" admin "$@" --Mail:DataPath="$DATA" >/dev/null); }
    admin domain add bench.test
    echo "$PASS" | admin user add "$USER_NAME" --password-stdin
    start_server
    log "filling INBOX with $MSGS messages over IMAP"
    "$PY" "$ROOT/bench/webmail_bench.py" fill 127.0.0.1 "$IMAP" "$USER_NAME" "$PASS" "$MSGS" 4 zanzibar
    stop_server
  fi
  touch "$B/seeded-$MSGS"
fi
echo "## machine: nproc $(nproc); load at start $(cut -d' ' -f1-3 /proc/loadavg); commit $(git -C "$ROOT" rev-parse --short HEAD); server $DLL"
if [ "${SKIP_OURS:-0}" != 1 ]; then
  start_server
  "$PY" "$ROOT/bench/imap_select.py" 127.0.0.1 "$IMAP" "$USER_NAME" "$PASS" "$REPS" "$SESSIONS" "$SERVER_PID" ours
  stop_server
fi
if [ "${PEERS:-0}" = 1 ]; then
  PEERS_SH=$(find_up bench/peers.sh)
  export PEERS_DIR=$B/peers PEERS_USERS=${PEERS_USERS:-2}
  export PEERS_IMAP_PORT=${PEERS_IMAP_PORT:-12343} PEERS_POP3_PORT=${PEERS_POP3_PORT:-12310} PEERS_LMTP_PORT=${PEERS_LMTP_PORT:-12324} PEERS_SMTP_PORT=${PEERS_SMTP_PORT:-12325}
  [ -d "$PEERS_DIR/dovecot" ] || bash "$PEERS_SH" setup >"$B/peers-setup.log" 2>&1
  MD=$PEERS_DIR/dovecot/mail/user1/Maildir
  if [ ! -f "$B/peers-seeded-$MSGS" ]; then
    log "linking the $MSGS message files into Dovecot's maildir $MD"
    rm -rf "$MD"; mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
    "$PY" - "$DATA/mail" "$MD/cur" "$MSGS" <<'PYEOF'
import os, sys
src, dst, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
n = 0
for root, _, files in os.walk(src):
    if os.path.basename(root) != "cur":
        continue
    for f in sorted(files):
        if n >= limit:
            break
        n += 1
        os.link(os.path.join(root, f), os.path.join(dst, f"{n}.M1P1.bench:2,"))
PYEOF
    # Directories only: the linked files stay readable (0644) and keep their owner.
    chown nobody:nogroup "$PEERS_DIR/dovecot/mail/user1" "$MD" "$MD/cur" "$MD/new" "$MD/tmp"
    touch "$B/peers-seeded-$MSGS"
  fi
  bash "$PEERS_SH" start >/dev/null 2>&1 || true
  RSS_PATTERN='imap|dovecot|imap-login|auth' "$PY" "$ROOT/bench/imap_select.py" 127.0.0.1 "$PEERS_IMAP_PORT" user1 "${PEERS_PASS:-pass}" "$REPS" "$SESSIONS" 0 dovecot
fi
echo "## load at end $(cut -d' ' -f1-3 /proc/loadavg)"

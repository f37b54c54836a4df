#!/usr/bin/env bash
# imap-sort.sh - IMAP SORT (RFC 5256) by FROM, SUBJECT, SIZE, DATE over a MSGS-message INBOX, ours and Dovecot in the
# same run (the webmail's sort by from/subject/size/date; target: warm SORT (FROM)/(SUBJECT) with PARTIAL 1:50 <= 300 ms).
# 1. builds the server and bench/searchseed (Release);
# 2. writes the folder once (bench/sort_corpus.py: corpus messages, varied senders/subjects/dates) as Maildir files;
# 3. ours: adds sort@bench.test on a temp data path and delivers the files through the store API (searchseed --files:
#    the delivery path, sort keys indexed at delivery as in production); Dovecot: the same files hard-linked into user1's
#    Maildir of a private peers.sh setup (PEERS_DIR=$B/peers, free ports), started with peers.sh;
# 4. bench/imap_sort.py time for ours then Dovecot (first run = cold for that key, then REPS warm runs), a table with
#    the ratios, then both servers restarted and imap_sort.py cold (first SELECT and SORTs after a restart);
# 5. bench/imap_sort.py check: the corpus folder APPENDed to both, SORT orders compared criterion by criterion.
# Stops what it started. Knobs: MSGS (100000) REPS (10) BENCH_DIR (/tmp/imap-sort-bench) KEEP=1 (reuse the seeded data
# and Dovecot's maildir) NO_BUILD=1 NO_CHECK=1
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
PEERS=${PEERS:-$(find_up bench/peers.sh)}
MSGS=${MSGS:-100000}
REPS=${REPS:-10}
B=${BENCH_DIR:-/tmp/imap-sort-bench}
DLL=${DLL:-$ROOT/Web/bin/Release/net10.0/Mail.Web.dll}
SEED=$ROOT/bench/searchseed/bin/Release/net10.0/SearchSeed.dll
PY=$(command -v /usr/bin/python3 || command -v python3)
SERVER_PID=
log() { printf 'imap-sort.sh: %s\n' "$*" >&2; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# Dovecot's ports are written into its config at setup: a kept setup keeps them (peers.env).
if [ "${KEEP:-0}" = 1 ] && [ -f "$B/peers.env" ]; then
  source "$B/peers.env"
else
  export PEERS_DIR=$B/peers PEERS_USERS=2 PEERS_IMAP_PORT=$(free_port) PEERS_POP3_PORT=$(free_port) PEERS_LMTP_PORT=$(free_port) PEERS_SMTP_PORT=$(free_port)
fi
stop_ours() { if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi; SERVER_PID=; }
cleanup() { stop_ours; [ -f "$PEERS_DIR/dovecot/dovecot.conf" ] && bash "$PEERS" stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building Release"
  dotnet build "$ROOT/Web/Web.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
  dotnet build "$ROOT/bench/searchseed/SearchSeed.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
fi
DATA=$B/data
admin() { (cd "$(dirname "$DLL")" && dotnet "$DLL" admin "$@" --Mail:DataPath="$DATA" >/dev/null); }
if [ "${KEEP:-0}" != 1 ] || [ ! -f "$B/seeded-$MSGS" ]; then
  rm -rf "$DATA" "$B/folder" "$PEERS_DIR"; mkdir -p "$DATA"
  log "writing the $MSGS-message folder"
  "$PY" "$ROOT/bench/sort_corpus.py" "$B/folder" "$MSGS" "$CORPUS"
  admin domain add bench.test
  echo pass | admin user add sort@bench.test --password-stdin
  log "delivering $MSGS messages to ours"
  dotnet "$SEED" --files "$DATA" sort@bench.test "$B/folder/cur" | tail -1
  log "Dovecot: private peers.sh setup under $PEERS_DIR"
  bash "$PEERS" setup >/dev/null
  declare -p PEERS_DIR PEERS_USERS PEERS_IMAP_PORT PEERS_POP3_PORT PEERS_LMTP_PORT PEERS_SMTP_PORT | sed 's/^declare -x/export/' >"$B/peers.env"
  MD=$PEERS_DIR/dovecot/mail/user1/Maildir
  mkdir -p "$MD/new" "$MD/tmp"
  cp -al "$B/folder/cur" "$MD/cur"
  chown -R nobody:nogroup "$PEERS_DIR/dovecot/mail"
  touch "$B/seeded-$MSGS"
fi
start_ours() {
  local http; IMAP=$(free_port); http=$(free_port)
  (cd "$(dirname "$DLL")" && exec dotnet "$DLL" --Mail:DataPath="$DATA" --urls "http://127.0.0.1:$http" --Mail:Roles=mailbox \
    --Mail:Endpoints:Imap=127.0.0.1:$IMAP --Mail:Endpoints:ImapTls=127.0.0.1:0 --Mail:Endpoints:Pop3=127.0.0.1:0 \
    --Mail:Endpoints:Pop3Tls=127.0.0.1:0 --Mail:Endpoints:Lmtp=127.0.0.1:0 --Logging:LogLevel:Default=Warning) >>"$B/server.log" 2>&1 &
  SERVER_PID=$!
  for ((i = 0; i < 600; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$IMAP") 2>/dev/null && return; sleep 0.1; done
  log "our server did not open its IMAP port"; exit 1
}
start_ours
bash "$PEERS" start >/dev/null 2>&1
DPID=$(tr -dc '0-9' <"$PEERS_DIR/dovecot/run/master.pid")
R=$B/results-$(date +%Y%m%d-%H%M%S).txt
{
  echo "## machine: nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg); $(dovecot --version | cut -d' ' -f1 | sed 's/^/dovecot /'); $MSGS messages, REPS $REPS"
  "$PY" "$ROOT/bench/imap_sort.py" time ours 127.0.0.1 "$IMAP" sort@bench.test pass "$REPS" "$SERVER_PID"
  "$PY" "$ROOT/bench/imap_sort.py" time dovecot 127.0.0.1 "$PEERS_IMAP_PORT" user1 pass "$REPS" "children:$DPID"
} | tee "$R"
"$PY" "$ROOT/bench/imap_sort.py" table "$R"
log "restarting both servers for the cold figures"
stop_ours; start_ours
bash "$PEERS" stop >/dev/null 2>&1; bash "$PEERS" start >/dev/null 2>&1
DPID=$(tr -dc '0-9' <"$PEERS_DIR/dovecot/run/master.pid")
echo "## load $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$ROOT/bench/imap_sort.py" cold ours 127.0.0.1 "$IMAP" sort@bench.test pass "$SERVER_PID"
"$PY" "$ROOT/bench/imap_sort.py" cold dovecot 127.0.0.1 "$PEERS_IMAP_PORT" user1 pass "children:$DPID"
if [ "${NO_CHECK:-0}" != 1 ]; then
  "$PY" "$ROOT/bench/imap_sort.py" check "$CORPUS" 127.0.0.1 "$IMAP" sort@bench.test pass 127.0.0.1 "$PEERS_IMAP_PORT" user2 pass
fi

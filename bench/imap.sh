#!/usr/bin/env bash
# imap.sh - IMAP benchmark of our server beside Debian's dovecot-imapd, in the same run.
#
# 1. builds the server (Release) and starts the real binary on a temp data path with USERS users
#    (user1..userN@bench.test, password "pass");
# 2. sets up (once) and starts a private Dovecot with ../shared/bench/peers.sh under PEERS_DIR, on ports
#    that do not collide with the shared peers (users user1..userN, password "pass");
# 3. seeds every user's INBOX on both servers with the same MSGS messages of imaptest's default.mbox (over IMAP);
# 4. bench/imap_load.py: imaptest's default mix (LOGIN, LIST, STATUS, SELECT, FETCH, FETCH BODY.PEEK[], COPY,
#    STORE, STORE \Deleted, EXPUNGE, APPEND, LOGOUT) with CLIENTS clients for SECS s, then LOGIN+LOGOUT only;
#    ours and Dovecot alternate, REPS times: commands/s, logins/s, p50/p99 per command, and the ratios;
# 5. peers.sh bench-idle: IDLE_N sessions in IDLE on each server, RSS per session (server process tree).
# Stops what it started.
#
# Knobs (environment): CLIENTS (20) SECS (30) USERS (20) MSGS (30) REPS (1) IDLE_N (10000; 0 = skip)
#   BENCH_DIR (/tmp/imap-bench) PEERS (../shared/bench/peers.sh) PEERS_DIR (/tmp/imapqa-peers)
#   NO_PEERS=1 (ours only) NO_BUILD=1 NO_IDLE_PEERS=1 (skip Dovecot's IDLE run)
# Needs root the first time (peers setup runs apt-get).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
find_up() {  # ../shared/<rel> beside the repository, or further up (git worktrees)
  local d=$ROOT/..
  while [ "$(cd "$d" && pwd)" != / ]; do
    if [ -e "$d/shared/$1" ]; then echo "$(cd "$d/shared" && pwd)/$1"; return; fi
    d=$d/..
  done
  echo "$ROOT/../shared/$1"
}
PEERS=${PEERS:-$(find_up bench/peers.sh)}
MBOX=${MBOX:-$(find_up conformance/imaptest/tests/default.mbox)}
B=${BENCH_DIR:-/tmp/imap-bench}
CLIENTS=${CLIENTS:-20}
SECS=${SECS:-30}
USERS=${USERS:-20}
MSGS=${MSGS:-30}
REPS=${REPS:-1}
IDLE_N=${IDLE_N:-10000}
DOMAIN=bench.test
PASS=pass
# A private Dovecot: own directory and ports, so the shared peers (SMTP benchmark) are left alone.
export PEERS_DIR=${PEERS_DIR:-/tmp/imapqa-peers} PEERS_IMAP_PORT=${PEERS_IMAP_PORT:-11143} PEERS_POP3_PORT=${PEERS_POP3_PORT:-11110}
export PEERS_LMTP_PORT=${PEERS_LMTP_PORT:-11024} PEERS_SMTP_PORT=${PEERS_SMTP_PORT:-11025} PEERS_USERS=$USERS
export PEERS_IMAP_PROCS=${PEERS_IMAP_PROCS:-$((IDLE_N + 500))}
DLL=$ROOT/Web/bin/Release/net10.0/Mail.Web.dll
SERVER_PID=
PY=$(command -v /usr/bin/python3 || command -v python3)
LOAD=("$PY" "$ROOT/bench/imap_load.py")

log() { printf 'imap.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  local i
  for ((i = 0; i < 600; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ "${PEERS_STARTED:-0}" = 1 ]; then bash "$PEERS" stop >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building Release"
  dotnet build "$ROOT/Web/Web.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
fi
[ -f "$DLL" ] || die "no $DLL"
[ -f "$MBOX" ] || die "no $MBOX"

rm -rf "$B"; mkdir -p "$B"
DATA=$B/data
SMTP=$(free_port); IMAP=$(free_port); POP3=$(free_port); HTTP=$(free_port); SUB=$(free_port); LMTP=$(free_port)
admin() { (cd "$(dirname "$DLL")" && dotnet "$DLL" admin "$@" --Mail:DataPath="$DATA" >/dev/null); }
log "adding $USERS users on data path $DATA"
mkdir -p "$DATA"
admin domain add "$DOMAIN"
for ((u = 1; u <= USERS; u++)); do echo "$PASS" | admin user add "user$u@$DOMAIN" --password-stdin; done
log "starting our server: IMAP 127.0.0.1:$IMAP"
(cd "$(dirname "$DLL")" && exec dotnet "$DLL" --Mail:DataPath="$DATA" --urls "http://127.0.0.1:$HTTP" \
  --Mail:Endpoints:SmtpIn=127.0.0.1:$SMTP --Mail:Endpoints:Imap=127.0.0.1:$IMAP --Mail:Endpoints:Pop3=127.0.0.1:$POP3 \
  --Mail:Endpoints:Submission=127.0.0.1:$SUB --Mail:Endpoints:SubmissionTls=127.0.0.1:0 --Mail:Endpoints:Lmtp=127.0.0.1:$LMTP --Mail:Endpoints:ImapTls=127.0.0.1:0 --Mail:Endpoints:Pop3Tls=127.0.0.1:0 \
  --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Information) >"$B/server.log" 2>&1 &
SERVER_PID=$!
wait_port "$IMAP" || die "our server did not open 127.0.0.1:$IMAP; see $B/server.log"
OURS=(127.0.0.1 "$IMAP" --user "user%d@$DOMAIN" --users "$USERS" --password "$PASS" --mbox "$MBOX" --msgs "$MSGS" --clients "$CLIENTS" --secs "$SECS")
PEER=(127.0.0.1 "$PEERS_IMAP_PORT" --user "user%d" --users "$USERS" --password "$PASS" --mbox "$MBOX" --msgs "$MSGS" --clients "$CLIENTS" --secs "$SECS")

if [ "${NO_PEERS:-0}" != 1 ]; then
  [ -f "$PEERS" ] || die "no $PEERS"
  if [ ! -f "$PEERS_DIR/dovecot/dovecot.conf" ] || ! grep -q "process_limit = $PEERS_IMAP_PROCS\$" "$PEERS_DIR/dovecot/dovecot.conf"; then
    log "setting up the peers under $PEERS_DIR (apt-get, configs)"
    bash "$PEERS" setup >"$B/peers-setup.log" 2>&1 || die "peers setup failed; see $B/peers-setup.log"
  fi
  if ! bash "$PEERS" status | grep -q 'dovecot running'; then PEERS_STARTED=1; fi
  bash "$PEERS" start
fi

echo "## machine"
echo "nproc $(nproc); $(free -m | awk 'NR == 2 { print "memory " $2 " MB" }'); load $(cut -d' ' -f1-3 /proc/loadavg); $(dotnet --version | sed 's/^/dotnet sdk /'); dovecot $(dovecot --version 2>/dev/null || echo absent); ulimit -n $(ulimit -n)"

seed_both() {
  "${LOAD[@]}" seed "${OURS[@]}" | sed 's/^/ours: /'
  [ "${NO_PEERS:-0}" = 1 ] || "${LOAD[@]}" seed "${PEER[@]}" | sed 's/^/dovecot: /'
}
field() { sed -n "s/^RESULT.* $1=\([0-9.]*\).*/\1/p" <<<"$2"; }
ratio() { awk -v o="$1" -v p="$2" 'BEGIN { if (p > 0) printf "%.2f", o / p; else print "n/a" }'; }

for ((r = 1; r <= REPS; r++)); do
  for mode in mix login; do
    seed_both
    echo "## run $r, $mode: ours (127.0.0.1:$IMAP), $CLIENTS clients, $SECS s"
    ours=$("${LOAD[@]}" "$mode" "${OURS[@]}"); echo "$ours"
    if [ "${NO_PEERS:-0}" != 1 ]; then
      echo "## run $r, $mode: dovecot (127.0.0.1:$PEERS_IMAP_PORT), $CLIENTS clients, $SECS s"
      peer=$("${LOAD[@]}" "$mode" "${PEER[@]}"); echo "$peer"
      echo "## run $r, $mode: ratio ours/dovecot: commands/s $(ratio "$(field commands_per_s "$ours")" "$(field commands_per_s "$peer")") ($(field commands_per_s "$ours") vs $(field commands_per_s "$peer")), logins/s $(ratio "$(field logins_per_s "$ours")" "$(field logins_per_s "$peer")") ($(field logins_per_s "$ours") vs $(field logins_per_s "$peer"))"
    fi
  done
done

if [ "$IDLE_N" -gt 0 ]; then
  echo "## idle: $IDLE_N sessions in IDLE, ours (server pid $SERVER_PID)"
  IMAP_USER="user%d@$DOMAIN" IMAP_PASS=$PASS IDLE_USERS=$USERS REPS=1 bash "$PEERS" bench-idle 127.0.0.1 "$IMAP" "$IDLE_N" "$SERVER_PID"
  if [ "${NO_PEERS:-0}" != 1 ] && [ "${NO_IDLE_PEERS:-0}" != 1 ]; then
    echo "## idle: $IDLE_N sessions in IDLE, dovecot"
    IMAP_USER="user%d" IMAP_PASS=$PASS IDLE_USERS=$USERS REPS=1 bash "$PEERS" bench-idle 127.0.0.1 "$PEERS_IMAP_PORT" "$IDLE_N"
  fi
fi

#!/usr/bin/env bash
# smtp-delivery.sh - durable SMTP -> store delivery benchmark of our server beside Postfix -> Dovecot LMTP.
#
# 1. builds the server (Release) and starts it all-in-one on a temp data path with one user;
# 2. sets up and starts the peers (Postfix MX -> LMTP -> Dovecot) with ../shared/bench/peers.sh;
# 3. prints the disk's fsync rate (fio, 4 KiB writes with fsync after each);
# 4. drives both with Postfix's smtp-source (SESSIONS parallel sessions, MSGS messages of SIZE octets) and
#    counts delivered messages until all are in the mailbox: messages/s end to end;
# 5. measures the time to the DATA reply over SESSIONS sessions with smtp_latency.py (smtp-source does not
#    report latency): p50/p99 for both;
# 6. prints ours/peers ratios; stops what it started.
# A 250 from our server means the message is fsynced in the store, so "accepted" and "delivered" coincide;
# Postfix replies 250 once the message is in its queue and delivers over LMTP afterwards.
#
# Knobs (environment): MSGS (2000) SESSIONS (20) SIZE (10240) LAT_MSGS (1000) FSYNC_SECS (10) REPS (1)
#   BENCH_DIR (/tmp/mail-bench) PEERS (../shared/bench/peers.sh) NO_PEERS=1 (ours only) NO_BUILD=1
# Needs root for the peers' setup (apt-get) the first time.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
find_peers() {  # ../shared/bench/peers.sh beside the repository, or further up (git worktrees)
  local d=$ROOT/..
  while [ "$(cd "$d" && pwd)" != / ]; do
    if [ -f "$d/shared/bench/peers.sh" ]; then echo "$(cd "$d/shared/bench" && pwd)/peers.sh"; return; fi
    d=$d/..
  done
  echo "$ROOT/../shared/bench/peers.sh"
}
PEERS=${PEERS:-$(find_peers)}
B=${BENCH_DIR:-/tmp/mail-bench}
MSGS=${MSGS:-2000}
SESSIONS=${SESSIONS:-20}
SIZE=${SIZE:-10240}
LAT_MSGS=${LAT_MSGS:-1000}
export FSYNC_SECS=${FSYNC_SECS:-10} REPS=${REPS:-1}
DOMAIN=bench.test
USER_LOCAL=user1
DLL=$ROOT/Web/bin/Release/net10.0/Mail.Web.dll
SERVER_PID=
PY=$(command -v /usr/bin/python3 || command -v python3)

log() { printf 'smtp-delivery.sh: %s\n' "$*" >&2; }
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

command -v smtp-source >/dev/null || die "smtp-source missing: run scripts/services.sh install (package postfix)"
command -v fio >/dev/null || die "fio missing: run scripts/services.sh install"

if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building Release"
  dotnet build "$ROOT/Web/Web.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
fi
[ -f "$DLL" ] || die "no $DLL"

rm -rf "$B"; mkdir -p "$B"
DATA=$B/data
SMTP=$(free_port); IMAP=$(free_port); POP3=$(free_port); HTTP=$(free_port); SUB=$(free_port); LMTP=$(free_port)
log "starting our server: data $DATA, SMTP 127.0.0.1:$SMTP"
(cd "$(dirname "$DLL")" && exec dotnet "$DLL" --Mail:DataPath="$DATA" --urls "http://127.0.0.1:$HTTP" \
  --Mail:Endpoints:SmtpIn=127.0.0.1:$SMTP --Mail:Endpoints:Imap=127.0.0.1:$IMAP --Mail:Endpoints:Pop3=127.0.0.1:$POP3 \
  --Mail:Endpoints:Submission=127.0.0.1:$SUB --Mail:Endpoints:Lmtp=127.0.0.1:$LMTP --Mail:Endpoints:SubmissionTls=127.0.0.1:0 --Mail:Endpoints:ImapTls=127.0.0.1:0 --Mail:Endpoints:Pop3Tls=127.0.0.1:0 \
  --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Information) >"$B/server.log" 2>&1 &
SERVER_PID=$!
wait_port "$SMTP" || die "our server did not open 127.0.0.1:$SMTP; see $B/server.log"
(cd "$(dirname "$DLL")" && dotnet "$DLL" admin domain add "$DOMAIN" --Mail:DataPath="$DATA" >/dev/null)
(cd "$(dirname "$DLL")" && echo password | dotnet "$DLL" admin user add "$USER_LOCAL@$DOMAIN" --password-stdin --Mail:DataPath="$DATA" >/dev/null)
# Messages in our store for the user: immutable message files (layout: Protocols/Store).
OURS_COUNT="find '$DATA/mail/$DOMAIN/$USER_LOCAL' -path '*/cur/*' -type f 2>/dev/null | wc -l"

if [ "${NO_PEERS:-0}" != 1 ]; then
  [ -f "$PEERS" ] || die "no $PEERS"
  if [ ! -f "${PEERS_DIR:-/tmp/peers}/dovecot/dovecot.conf" ]; then
    log "setting up the peers (apt-get, configs)"
    bash "$PEERS" setup >"$B/peers-setup.log" 2>&1 || die "peers setup failed; see $B/peers-setup.log"
  fi
  if ! bash "$PEERS" status | grep -q 'postfix running'; then PEERS_STARTED=1; fi
  bash "$PEERS" start
fi

echo "## machine"
echo "nproc $(nproc); $(free -m | awk 'NR == 2 { print "memory " $2 " MB" }'); $(df -h "$B" | awk 'NR == 2 { print "disk " $1 " (" $6 ")" }'); $(dotnet --version | sed 's/^/dotnet sdk /')"
echo "## fsync rate of the disk under $B"
FSYNC_DIRS=$B/fio bash "$PEERS" fsync-rate 2>&1 | grep -E 'run|median'

echo "## ours: smtp-source -s $SESSIONS -m $MSGS -l $SIZE -> 127.0.0.1:$SMTP ($USER_LOCAL@$DOMAIN)"
out=$(COUNT_CMD=$OURS_COUNT SMTP_MSGS=$MSGS SMTP_SESSIONS=$SESSIONS SMTP_SIZE=$SIZE SMTP_RCPT=$USER_LOCAL \
  bash "$PEERS" bench-smtp 127.0.0.1 "$SMTP" "$DOMAIN" 2>&1)
echo "$out"
ours=$(sed -n 's/^smtp end-to-end: median \([0-9.]*\).*/\1/p' <<<"$out")
echo "ours end to end: $ours msg/s"
echo "## ours: time to the DATA reply ($SESSIONS sessions, $LAT_MSGS messages of $SIZE octets)"
ours_lat=$("$PY" "$ROOT/bench/smtp_latency.py" 127.0.0.1 "$SMTP" "$USER_LOCAL@$DOMAIN" "$SESSIONS" "$LAT_MSGS" "$SIZE")
echo "ours $ours_lat"

if [ "${NO_PEERS:-0}" != 1 ]; then
  echo "## peers: Postfix -> LMTP -> Dovecot, same load"
  out=$(SMTP_MSGS=$MSGS SMTP_SESSIONS=$SESSIONS SMTP_SIZE=$SIZE SMTP_RCPT=user1 \
    bash "$PEERS" bench-smtp 127.0.0.1 "${PEERS_SMTP_PORT:-10025}" "${PEERS_DOMAIN:-peers.test}" 2>&1)
  echo "$out"
  peers=$(sed -n 's/^smtp end-to-end: median \([0-9.]*\).*/\1/p' <<<"$out")
  echo "peers end to end: $peers msg/s"
  peers_lat=$("$PY" "$ROOT/bench/smtp_latency.py" 127.0.0.1 "${PEERS_SMTP_PORT:-10025}" "user1@${PEERS_DOMAIN:-peers.test}" "$SESSIONS" "$LAT_MSGS" "$SIZE")
  echo "peers $peers_lat (250 = queued by Postfix, delivered over LMTP afterwards)"
  echo "## ratio"
  awk -v o="$ours" -v p="$peers" 'BEGIN { if (p > 0) printf "ours/peers end to end: %.2f (%.1f vs %.1f msg/s)\n", o / p, o, p }'
  ol=$(sed -n 's/.*p50_ms=\([0-9.]*\).*p99_ms=\([0-9.]*\).*/\1 \2/p' <<<"$ours_lat")
  pl=$(sed -n 's/.*p50_ms=\([0-9.]*\).*p99_ms=\([0-9.]*\).*/\1 \2/p' <<<"$peers_lat")
  echo "time to DATA reply p50/p99 ms: ours $ol, peers $pl"
fi

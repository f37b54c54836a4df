#!/usr/bin/env bash
# outbound.sh - submission -> outbound queue -> delivery benchmark (issue 6).
#
# 1. builds the server (Release) and starts it (roles Mailbox, Submission, Outbound) on a temp data path with
#    one user, plaintext AUTH allowed on loopback (the load generator is python3 smtplib), DNS pointed at
#    bench/outbound_dns.py (MX for DOMAINS domains -> one smtp-sink), Mail:Outbound:SmtpPort = the sink's port;
# 2. starts Postfix's smtp-sink as every destination's MX;
# 3. run 1 (roles Mailbox, Submission, Outbound): submits MSGS messages over SESSIONS sessions
#    (bench/outbound_submit.py) to DOMAINS domains round robin: messages/s accepted (to the last 250; a 250 means
#    fsynced in the queue) and end to end (until the queue is empty, every message at the sink);
# 4. run 2, delivery alone: the same submission with the Outbound role off (the queue fills), then the server is
#    restarted with the Outbound role and the time to drain the full queue gives delivery messages/s;
# 5. the server's peak RSS in each phase (queue memory).
#
# Knobs (environment): MSGS (10000) SESSIONS (20) DOMAINS (100) SIZE (2048) PER_DOMAIN (4) CONCURRENCY (50)
#   BENCH_DIR (/tmp/mail-bench-outbound) NO_BUILD=1
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${BENCH_DIR:-/tmp/mail-bench-outbound}
MSGS=${MSGS:-10000}
SESSIONS=${SESSIONS:-20}
DOMAINS=${DOMAINS:-100}
SIZE=${SIZE:-2048}
PER_DOMAIN=${PER_DOMAIN:-4}
CONCURRENCY=${CONCURRENCY:-50}
DLL=$ROOT/Web/bin/Release/net10.0/Mail.Web.dll
PY=$(command -v /usr/bin/python3 || command -v python3)
SERVER_PID= SINK_PID= DNS_PID=

log() { printf 'outbound.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  local i
  for ((i = 0; i < 600; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
cleanup() {
  for pid in $SERVER_PID $SINK_PID $DNS_PID; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  done
}
trap cleanup EXIT

command -v smtp-sink >/dev/null || die "smtp-sink missing: run scripts/services.sh install (package postfix)"
if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building Release"
  dotnet build "$ROOT/Web/Web.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
fi
[ -f "$DLL" ] || die "no $DLL"

rm -rf "$B"; mkdir -p "$B"
DATA=$B/data
"$PY" "$ROOT/bench/outbound_dns.py" "$B/dns.port" "$DOMAINS" 127.0.0.1 &
DNS_PID=$!
for ((i = 0; i < 100; i++)); do [ -s "$B/dns.port" ] && break; sleep 0.05; done
DNS_PORT=$(cat "$B/dns.port")
SINK=$(free_port)
SINK_USER=(); [ "$(id -u)" = 0 ] && SINK_USER=(-u nobody)
smtp-sink "${SINK_USER[@]}" -c 127.0.0.1:"$SINK" 256 >"$B/sink.out" 2>&1 &
SINK_PID=$!
wait_port "$SINK" || die "smtp-sink did not start"

SUB=$(free_port); SUBTLS=$(free_port); HTTP=$(free_port); SMTP=$(free_port); IMAP=$(free_port); POP3=$(free_port); LMTP=$(free_port)
start_server() {  # $1 = roles
  (cd "$(dirname "$DLL")" && exec dotnet "$DLL" --Mail:DataPath="$DATA" --urls "http://127.0.0.1:$HTTP" \
    --Mail:Roles="$1" --Mail:Endpoints:Submission=127.0.0.1:$SUB --Mail:Endpoints:SubmissionTls=127.0.0.1:$SUBTLS \
    --Mail:Endpoints:SmtpIn=127.0.0.1:$SMTP --Mail:Endpoints:Imap=127.0.0.1:$IMAP --Mail:Endpoints:Pop3=127.0.0.1:$POP3 --Mail:Endpoints:Lmtp=127.0.0.1:$LMTP \
    --Mail:Authentication:AllowPlaintextOnLoopback=true --Mail:Submission:MaxMessagesPerHour=0 --Mail:Submission:MaxRecipientsPerHour=0 --Mail:Outbound:DnsServers:0=127.0.0.1:$DNS_PORT --Mail:Outbound:SmtpPort=$SINK \
    --Mail:Outbound:MaxConcurrentPerDomain=$PER_DOMAIN --Mail:Outbound:MaxConcurrentDeliveries=$CONCURRENCY \
    --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Information) >>"$B/server.log" 2>&1 &
  SERVER_PID=$!
  wait_port "$HTTP" || die "the server did not open 127.0.0.1:$HTTP; see $B/server.log"
}
stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; }
log "server: data $DATA, Submission 127.0.0.1:$SUB, DNS 127.0.0.1:$DNS_PORT, sink 127.0.0.1:$SINK"
start_server Mailbox,Submission,Outbound
(cd "$(dirname "$DLL")" && dotnet "$DLL" admin domain add example.com --Mail:DataPath="$DATA" >/dev/null)
(cd "$(dirname "$DLL")" && echo password | dotnet "$DLL" admin user add alice@example.com --password-stdin --Mail:DataPath="$DATA" >/dev/null)

PEAK_RSS=0
sample_rss() { local r; r=$(ps -o rss= -p "$SERVER_PID" 2>/dev/null | tr -d ' '); [ -n "$r" ] && [ "$r" -gt "$PEAK_RSS" ] && PEAK_RSS=$r; true; }
queue_count() { find "$DATA/queue/entries" -name '*.json' 2>/dev/null | wc -l; }

now() { date +%s.%N; }
rate() { "$PY" -c "import sys; print(f'{$1 / ($3 - $2):.0f}')"; }
secs() { "$PY" -c "print(f'{$2 - $1:.2f}')"; }

log "run 1: submitting $MSGS messages of ~$SIZE octets over $SESSIONS sessions to $DOMAINS domains, delivering meanwhile"
PEAK_RSS=0; MAX_QUEUE=0
START=$(now)
"$PY" "$ROOT/bench/outbound_submit.py" "$SUB" alice@example.com password "$MSGS" "$SESSIONS" "$DOMAINS" "$SIZE" >"$B/submit1.out" &
SUBMIT_PID=$!
while kill -0 "$SUBMIT_PID" 2>/dev/null; do sample_rss; q=$(queue_count); [ "$q" -gt "$MAX_QUEUE" ] && MAX_QUEUE=$q; sleep 0.5; done
wait "$SUBMIT_PID" || die "the submission load failed: $(cat "$B/submit1.out")"
SUBMITTED=$(now)
while [ "$(queue_count)" -gt 0 ]; do sample_rss; sleep 0.2; done
EMPTY=$(now)
echo "run 1 (submission and delivery together): $(cat "$B/submit1.out")"
echo "  accepted:   $(rate "$MSGS" "$START" "$SUBMITTED") messages/s to the last 250"
echo "  end to end: queue empty after $(secs "$START" "$EMPTY") s: $(rate "$MSGS" "$START" "$EMPTY") messages/s; at most $MAX_QUEUE queued; peak RSS $((PEAK_RSS / 1024)) MiB"
stop_server

log "run 2: the same submission with delivery off, then delivery of the full queue"
start_server Mailbox,Submission
START=$(now)
"$PY" "$ROOT/bench/outbound_submit.py" "$SUB" alice@example.com password "$MSGS" "$SESSIONS" "$DOMAINS" "$SIZE" >"$B/submit2.out"
SUBMITTED=$(now)
QUEUED=$(queue_count)
stop_server
PEAK_RSS=0
start_server Mailbox,Outbound
DRAIN=$(now)
while [ "$(queue_count)" -gt 0 ]; do sample_rss; sleep 0.2; done
EMPTY=$(now)
echo "run 2 (delivery alone): $(cat "$B/submit2.out"), $QUEUED in the queue"
echo "  accepted:   $(rate "$MSGS" "$START" "$SUBMITTED") messages/s to the last 250 (queueing only)"
echo "  delivery:   $QUEUED messages to $DOMAINS domains in $(secs "$DRAIN" "$EMPTY") s (from the restart, recovery included): $(rate "$QUEUED" "$DRAIN" "$EMPTY") messages/s; peak RSS $((PEAK_RSS / 1024)) MiB"

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
# 5. the server's peak RSS in each phase (queue memory);
# 6. run 3, the reference: Debian's Postfix (a private instance under $BENCH_DIR/postfix, fsync on, chroot off) as a
#    relay for 127.0.0.0/8 taking the same submission (no AUTH) and delivering everything to the same smtp-sink
#    (default_transport smtp:[127.0.0.1]:sink, one destination with CONCURRENCY connections: Postfix's resolver cannot
#    be pointed at the bench DNS server), timed like run 1; prints our end-to-end rate over Postfix's. POSTFIX=0 skips it.
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
SERVER_PID= SINK_PID= DNS_PID= PF=$B/postfix

log() { printf 'outbound.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  local i
  for ((i = 0; i < 600; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
cleanup() {
  if [ -f "$PF/etc/main.cf" ]; then postfix -c "$PF/etc" stop >/dev/null 2>&1 || true; fi
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
    --Mail:Endpoints:SmtpIn=127.0.0.1:$SMTP --Mail:Endpoints:Imap=127.0.0.1:$IMAP --Mail:Endpoints:Pop3=127.0.0.1:$POP3 --Mail:Endpoints:Lmtp=127.0.0.1:$LMTP --Mail:Endpoints:ImapTls=127.0.0.1:0 --Mail:Endpoints:Pop3Tls=127.0.0.1:0 \
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
RUN1_E2E=$(rate "$MSGS" "$START" "$EMPTY")
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

[ "${POSTFIX:-1}" = 1 ] || exit 0
command -v postfix >/dev/null || die "postfix missing: run scripts/services.sh install"
[ "$(id -u)" = 0 ] || die "the Postfix run needs root (postfix start)"
log "run 3: Postfix relaying the same submission to the same sink"
RELAY=$(free_port)
mkdir -p "$PF/etc" "$PF/spool" "$PF/data"
chown postfix "$PF/data"
cat >"$PF/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file_prefixes = $B
maillog_file = $PF/maillog
myhostname = relay.bench.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
smtpd_relay_restrictions = permit_mynetworks, reject
default_transport = smtp:[127.0.0.1]:$SINK
default_destination_concurrency_limit = $CONCURRENCY
default_process_limit = $((CONCURRENCY + SESSIONS + 10))
EOF
cat >"$PF/etc/master.cf" <<EOF
127.0.0.1:$RELAY inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
postfix -c "$PF/etc" check
postfix -c "$PF/etc" start >/dev/null
wait_port "$RELAY" || die "postfix did not open 127.0.0.1:$RELAY; see $PF/maillog"
pf_queue() { find "$PF/spool/maildrop" "$PF/spool/incoming" "$PF/spool/active" "$PF/spool/deferred" -type f 2>/dev/null | wc -l; }
START=$(now)
"$PY" "$ROOT/bench/outbound_submit.py" "$RELAY" - - "$MSGS" "$SESSIONS" "$DOMAINS" "$SIZE" >"$B/submit3.out" || die "the submission to Postfix failed: $(cat "$B/submit3.out")"
SUBMITTED=$(now)
while [ "$(pf_queue)" -gt 0 ]; do sleep 0.2; done
EMPTY=$(now)
DEFERRED=$(find "$PF/spool/deferred" -type f 2>/dev/null | wc -l)
echo "run 3 (Postfix $(postconf -d -h mail_version), submission and delivery together): $(cat "$B/submit3.out"), $DEFERRED deferred"
echo "  accepted:   $(rate "$MSGS" "$START" "$SUBMITTED") messages/s to the last 250"
echo "  end to end: queue empty after $(secs "$START" "$EMPTY") s: $(rate "$MSGS" "$START" "$EMPTY") messages/s"
echo "ratio, end to end ours / Postfix: $("$PY" -c "print(f'{$RUN1_E2E / ($MSGS / ($EMPTY - $START)):.2f}')")"

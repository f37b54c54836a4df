#!/usr/bin/env bash
# filters.sh - inbound pipeline throughput with the scanners on and off (issue 5 benchmark).
#
# 1. builds the server (Release) unless NO_BUILD=1, and starts spamd + clamd with scripts/services-filters.sh;
# 2. runs our server all-in-one three times on fresh data paths, one user: "off" (no scanner), "on"
#    (Mail:Filters:Spamd:Endpoint + Mail:Filters:Clamd:Endpoint, scanners in parallel) and "auth" (the scanners plus
#    SPF at MAIL, Mail:Filters:Block:Spf, and DKIM + DMARC at end of DATA, Mail:Filters:Auth, both against a local
#    authoritative DNS server: bench/authdns, which also DKIM-signs the corpus with MimeKit after rewriting From to
#    bench@example.net, the load's MAIL FROM domain; all three runs send the same signed messages);
# 3. drives each with filters_load.py: the corpus's ham and spam (../shared/corpus/{ham,spam}) over SESSIONS
#    sessions, MSGS messages: messages/s and p50/p99 of the time to the DATA reply (end-of-DATA scan + durable
#    delivery; a 250 is a stored message);
# 4. per-stage time of the scan stage from the verdict records (filters_stages.py: p50/p99 per scanner, "auth" =
#    DKIM + DMARC); the auth run prints one delivered message's Authentication-Results (spf, dkim, dmarc = pass);
# 5. the scanners' own time with the same concurrency and messages, straight to spamd and clamd without SMTP
#    (filters_direct.py): the target is a pipeline costing no more than the scanners themselves.
# Postfix + spamd: ../shared/bench/peers.sh runs Postfix -> LMTP -> Dovecot without a content filter, and wiring
# spamd into it (a content_filter pipe with spamc) means another Postfix configuration; this script compares
# with the scanners' own time instead (step 5) and with the filterless run (step 3, "off").
#
# Knobs (environment): MODES (off on auth) MSGS (600) SESSIONS (8) BENCH_DIR (/tmp/mail-bench-filters) NO_BUILD=1 CONFIG (Release)
#   CORPUS (../shared/corpus beside the repository)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
find_up() {  # ../shared/<path> beside the repository, or further up (git worktrees)
  local d=$ROOT/..
  while [ "$(cd "$d" && pwd)" != / ]; do
    if [ -e "$d/shared/$1" ]; then echo "$(cd "$d/shared" && pwd)/$1"; return; fi
    d=$d/..
  done
  echo "$ROOT/../shared/$1"
}
CORPUS=${CORPUS:-$(find_up corpus)}
B=${BENCH_DIR:-/tmp/mail-bench-filters}
MSGS=${MSGS:-600}
SESSIONS=${SESSIONS:-8}
CONFIG=${CONFIG:-Release}
DOMAIN=bench.test
RCPT=user1@$DOMAIN
DLL=$ROOT/Web/bin/$CONFIG/net10.0/Mail.Web.dll
SERVER_PID=
SENDER_DOMAIN=example.net
AUTHDNS_DLL=$ROOT/bench/authdns/bin/$CONFIG/net10.0/AuthDns.dll
PY=$(command -v /usr/bin/python3 || command -v python3)

log() { printf 'filters.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  local i
  for ((i = 0; i < 600; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=
}
stop_all() {
  stop_server
  if [ -n "${AUTHDNS_PID:-}" ] && kill -0 "$AUTHDNS_PID" 2>/dev/null; then kill "$AUTHDNS_PID"; wait "$AUTHDNS_PID" 2>/dev/null || true; fi
}
trap stop_all EXIT

if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building $CONFIG"
  dotnet build "$ROOT/Web/Web.csproj" -c "$CONFIG" -nologo -clp:ErrorsOnly >/dev/null
  dotnet build "$ROOT/bench/authdns/AuthDns.csproj" -c "$CONFIG" -nologo -clp:ErrorsOnly >/dev/null
fi
[ -f "$AUTHDNS_DLL" ] || die "no $AUTHDNS_DLL"
[ -f "$DLL" ] || die "no $DLL"
[ -d "$CORPUS/ham" ] || die "no corpus at $CORPUS"
# shellcheck disable=SC1090
source <(bash "$ROOT/scripts/services-filters.sh" start 2>/dev/null)
mapfile -t FILES < <(find "$CORPUS/ham" "$CORPUS/spam" -type f ! -name '*.md' -size -512k | sort)
[ "${#FILES[@]}" -gt 0 ] || die "no corpus messages"
# The local DNS server (SPF, DKIM key, DMARC of $SENDER_DOMAIN) and the signed corpus.
mkdir -p "$B"; rm -rf "$B/signed"
DNSPORT=$(free_port)
coproc AUTHDNS { exec dotnet "$AUTHDNS_DLL" "$DNSPORT" "$SENDER_DOMAIN" "$B/signed" "${FILES[@]}" 2>"$B/authdns.log"; }
read -r -t 120 ready <&"${AUTHDNS[0]}" || die "bench/authdns did not start; see $B/authdns.log"
[ "$ready" = ready ] || die "bench/authdns: $ready"
mapfile -t FILES < <(find "$B/signed" -type f -name '*.eml' | sort)

# run_server NAME [extra options...]: starts our server on a fresh data path with one user; sets SMTP and DATA.
run_server() {
  local name=$1; shift
  DATA=$B/$name/data
  rm -rf "$B/$name"; mkdir -p "$DATA"
  SMTP=$(free_port)
  local http imap pop3 sub lmtp
  http=$(free_port); imap=$(free_port); pop3=$(free_port); sub=$(free_port); lmtp=$(free_port)
  (cd "$(dirname "$DLL")" && exec dotnet "$DLL" --Mail:DataPath="$DATA" --urls "http://127.0.0.1:$http" \
    --Mail:Endpoints:SmtpIn=127.0.0.1:$SMTP --Mail:Endpoints:Imap=127.0.0.1:$imap --Mail:Endpoints:Pop3=127.0.0.1:$pop3 \
    --Mail:Endpoints:Submission=127.0.0.1:$sub --Mail:Endpoints:Lmtp=127.0.0.1:$lmtp --Mail:Endpoints:SubmissionTls=127.0.0.1:0 --Mail:Endpoints:ImapTls=127.0.0.1:0 --Mail:Endpoints:Pop3Tls=127.0.0.1:0 \
    --Logging:LogLevel:Default=Warning "$@") >"$B/$name/server.log" 2>&1 &
  SERVER_PID=$!
  wait_port "$SMTP" || die "our server did not open 127.0.0.1:$SMTP; see $B/$name/server.log"
  (cd "$(dirname "$DLL")" && dotnet "$DLL" admin domain add "$DOMAIN" --Mail:DataPath="$DATA" >/dev/null)
  (cd "$(dirname "$DLL")" && echo password | dotnet "$DLL" admin user add "$RCPT" --password-stdin --Mail:DataPath="$DATA" >/dev/null)
}

echo "## machine"
echo "nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg); $(dotnet --version | sed 's/^/dotnet sdk /'); $CONFIG build"
echo "## corpus: ${#FILES[@]} messages (ham + spam under $CORPUS, < 512 KiB), $MSGS sent over $SESSIONS sessions"

SCANNERS=(--Mail:Filters:Spamd:Endpoint="$MAIL_TEST_SPAMD" --Mail:Filters:Clamd:Endpoint="$MAIL_TEST_CLAMD")
AUTH=(--Mail:Filters:Block:Spf:Enabled=true --Mail:Filters:Block:Spf:Servers:0=127.0.0.1:$DNSPORT
  --Mail:Filters:Auth:Enabled=true --Mail:Filters:Auth:Servers:0=127.0.0.1:$DNSPORT)
for mode in ${MODES:-off on auth}; do
  case $mode in
    off) run_server off ;;
    on) run_server on "${SCANNERS[@]}" ;;
    auth) run_server auth "${SCANNERS[@]}" "${AUTH[@]}" ;;
  esac
  # Warm-up: JIT, spamd children, SQLite files.
  "$PY" "$ROOT/bench/filters_load.py" 127.0.0.1 "$SMTP" "$RCPT" 2 20 "${FILES[@]}" >/dev/null
  out=$("$PY" "$ROOT/bench/filters_load.py" 127.0.0.1 "$SMTP" "$RCPT" "$SESSIONS" "$MSGS" "${FILES[@]}")
  echo "scanners $mode: $out"
  if [ "$mode" != off ]; then
    "$PY" "$ROOT/bench/filters_stages.py" "$DATA/filters/verdicts.db" | sed 's/^/  /'
  fi
  if [ "$mode" = auth ]; then
    echo "  one delivered message: $(grep -rah -m1 -A3 '^Authentication-Results:' "$DATA" 2>/dev/null | head -4 | tr -s '\r\n\t ' ' ' | sed 's/ Received:.*//')"
  fi
  stop_server
done

echo "## the scanners' own time (spamd SYMBOLS + clamd INSTREAM at once per message, no SMTP, same sessions)"
"$PY" "$ROOT/bench/filters_direct.py" "$MAIL_TEST_SPAMD" "$MAIL_TEST_CLAMD" "$SESSIONS" "$MSGS" "${FILES[@]}"

#!/usr/bin/env bash
# webmail.sh - issue 7's webmail benchmark: a 100,000-message INBOX behind the real server binary.
#
# 1. builds the server (Release) and starts the real binary (all roles, embedded defaults) on free ports with a
#    temp data path; adds bench.test and bench@bench.test with the admin CLI;
# 2. fills INBOX with MSGS corpus-like messages over IMAP (FILL_CONNS connections pipelining LITERAL+ APPENDs;
#    1 in 100 carries the search word), prints how long it took;
# 3. bench/webmail_bench.py http: signs in like a browser (antiforgery token + cookie), then REPS times each:
#    first page (GET /mail?folder=INBOX: server-side prerender of the first rows), scroll to the middle (the IMAP
#    UID FETCH of a 40-row window the circuit's Virtualize ItemsProvider issues; the circuit itself is not driven),
#    open a message (GET /mail/read), search (GET /mail?q=WORD); client-side p50/p95 on loopback, and the server's
#    own times from its "Request finished" log lines (this run's only); then the IMAP commands of a first page one by
#    one (login, LIST-STATUS, EXAMINE, the list index, the page's FETCH) for a per-command breakdown;
# 4. SESSIONS signed-in sessions that each loaded the list once: server RSS before/after/IDLE_SECS later;
# 5. bench/webmailbrowser (Playwright driving Debian's chromium, as Web.Tests' browser tests do), BROWSER_REPS times, each a
#    new browser context: sign in (click to first rows, and to the interactive list), first page (document load to
#    first rows, to the interactive list, and its time to first byte), scroll the virtual list to the middle and to the
#    end (until the rows there are on screen, no placeholder left), open a message (click to its body in the reading
#    pane), search the folder (Enter to the visible rows all being hits); p50/p95 per step, timed inside the page per
#    animation frame; the sign-in POST and the first-page document also get the server's own times (SERVER bsignin,
#    bfirst). The other steps run inside the Blazor circuit (SignalR), where the server logs no per-step time.
# Appends the figures as a new section to bench/webmail-results.md (RESULTS=...), keeping the runs before it.
# Stops what it started.
#
# Knobs (environment): MSGS (100000) FILL_CONNS (4) REPS (20) SESSIONS (200) IDLE_SECS (30) WORD (zanzibar)
#   BENCH_DIR (/tmp/webmail-bench) NO_BUILD=1 KEEP_DATA=1 (reuse a filled data path from a previous run)
#   RESULTS (bench/webmail-results.md; "-" = don't write) BROWSER_REPS (10; 0 = no browser step) HTTP_STEP=0 (skip steps 3-4)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
B=${BENCH_DIR:-/tmp/webmail-bench}
MSGS=${MSGS:-100000}
FILL_CONNS=${FILL_CONNS:-4}
REPS=${REPS:-20}
SESSIONS=${SESSIONS:-200}
IDLE_SECS=${IDLE_SECS:-30}
WORD=${WORD:-zanzibar}
BROWSER_REPS=${BROWSER_REPS:-10}
HTTP_STEP=${HTTP_STEP:-1}
RESULTS=${RESULTS:-$ROOT/bench/webmail-results.md}
DOMAIN=bench.test
USER=bench@$DOMAIN
PASS=pass
DLL=$ROOT/Web/bin/Release/net10.0/Mail.Web.dll
BROWSER_DLL=$ROOT/bench/webmailbrowser/bin/Release/net10.0/WebmailBrowserBench.dll
SERVER_PID=
PY=$(command -v /usr/bin/python3 || command -v python3)
DRIVER=("$PY" "$ROOT/bench/webmail_bench.py")

log() { printf 'webmail.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
  local i
  for ((i = 0; i < 1200; i++)); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

if [ "${NO_BUILD:-0}" != 1 ]; then
  log "building Release"
  dotnet build "$ROOT/Web/Web.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
  if [ "$BROWSER_REPS" -gt 0 ]; then
    dotnet build "$ROOT/bench/webmailbrowser/WebmailBrowserBench.csproj" -c Release -nologo -clp:ErrorsOnly >/dev/null
  fi
fi
[ -f "$DLL" ] || die "no $DLL"
if [ "$BROWSER_REPS" -gt 0 ]; then
  [ -f "$BROWSER_DLL" ] || die "no $BROWSER_DLL"
  [ -x /usr/bin/chromium ] || die "no /usr/bin/chromium (scripts/services.sh installs it)"
fi

DATA=$B/data
if [ "${KEEP_DATA:-0}" != 1 ] || [ ! -f "$B/filled" ]; then
  rm -rf "$B"; mkdir -p "$DATA"
fi
SMTP=$(free_port); IMAP=$(free_port); POP3=$(free_port); HTTP=$(free_port); SUB=$(free_port); LMTP=$(free_port)
admin() { (cd "$(dirname "$DLL")" && dotnet "$DLL" admin "$@" --Mail:DataPath="$DATA" >/dev/null); }
if [ ! -f "$B/filled" ]; then
  log "adding $USER on data path $DATA"
  admin domain add "$DOMAIN"
  echo "$PASS" | admin user add "$USER" --password-stdin
fi
LOG_START=$( [ -f "$B/server.log" ] && wc -l <"$B/server.log" || echo 0)  # server.log accumulates over KEEP_DATA runs
log "starting the server: HTTP 127.0.0.1:$HTTP IMAP 127.0.0.1:$IMAP"
(cd "$(dirname "$DLL")" && exec dotnet "$DLL" --Mail:DataPath="$DATA" --urls "http://127.0.0.1:$HTTP" \
  --Mail:Endpoints:SmtpIn=127.0.0.1:$SMTP --Mail:Endpoints:Imap=127.0.0.1:$IMAP --Mail:Endpoints:Pop3=127.0.0.1:$POP3 \
  --Mail:Endpoints:Submission=127.0.0.1:$SUB --Mail:Endpoints:SubmissionTls=127.0.0.1:0 --Mail:Endpoints:Lmtp=127.0.0.1:$LMTP --Mail:Endpoints:ImapTls=127.0.0.1:0 --Mail:Endpoints:Pop3Tls=127.0.0.1:0 \
  --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.Hosting.Lifetime=Information \
  --Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information --Logging:Console:FormatterName=simple \
  --Logging:Console:FormatterOptions:SingleLine=true) >>"$B/server.log" 2>&1 &
SERVER_PID=$!
wait_port "$IMAP" || die "the server did not open 127.0.0.1:$IMAP; see $B/server.log"
wait_port "$HTTP" || die "the server did not open 127.0.0.1:$HTTP; see $B/server.log"
# `dotnet Mail.Web.dll` is exec'd, so $SERVER_PID is the server process itself.

out=$B/figures.txt
: >"$out"
say() { echo "$*" | tee -a "$out"; }
say "machine: nproc $(nproc); $(free -m | awk 'NR == 2 { print "memory " $2 " MB" }'); load at start $(cut -d' ' -f1-3 /proc/loadavg); $(dotnet --version | sed 's/^/dotnet sdk /')"
if [ ! -f "$B/filled" ]; then
  log "filling INBOX with $MSGS messages over $FILL_CONNS IMAP connections"
  say "$("${DRIVER[@]}" fill 127.0.0.1 "$IMAP" "$USER" "$PASS" "$MSGS" "$FILL_CONNS" "$WORD")"
  touch "$B/filled"
else
  say "fill: reused $DATA from a previous run"
fi
if [ "$HTTP_STEP" != 0 ]; then
  log "timing the webmail ($REPS reps, then $SESSIONS sessions)"
  "${DRIVER[@]}" http "http://127.0.0.1:$HTTP" "$IMAP" "$USER" "$PASS" "$SERVER_PID" "$REPS" "$SESSIONS" "$IDLE_SECS" "$WORD" | tee -a "$out"
fi
if [ "$BROWSER_REPS" -gt 0 ]; then
  log "timing the webmail in chromium ($BROWSER_REPS reps; screenshots of the first rep in $B/screenshots)"
  dotnet "$BROWSER_DLL" "http://127.0.0.1:$HTTP" "$USER" "$PASS" "$BROWSER_REPS" "$WORD" "$B/screenshots" | tee -a "$out" ||
    say "browser step failed (exit ${PIPESTATUS[0]}); its output is above"
fi
say "load at end $(cut -d' ' -f1-3 /proc/loadavg)"

# The server's own request times (Microsoft.AspNetCore.Hosting.Diagnostics "Request finished ... 12.3ms").
# $2 (optional): only requests of that method (the sign-in page is a GET and its form a POST to the same URL).
server_times() {
  tail -n +"$((LOG_START + 1))" "$B/server.log" | grep -a "Request finished" | grep -a " ${2:-[A-Z]*} http[^ ]*[?&]b=$1-" | sed -n 's/.* \([0-9.]*\)ms$/\1/p' | sort -n |
    awk -v name="$1" '{ v[NR] = $1 } END {
      if (NR == 0) { print "SERVER " name " n=0"; exit }
      i50 = int(0.50 * NR + 0.5); if (i50 < 1) i50 = 1; i95 = int(0.95 * NR + 0.5); if (i95 < 1) i95 = 1
      printf "SERVER %s n=%d p50_ms=%.1f p95_ms=%.1f max_ms=%.1f\n", name, NR, v[i50], v[i95], v[NR] }'
}
phases=()
[ "$HTTP_STEP" != 0 ] && phases+=(first read search session)
[ "$BROWSER_REPS" -gt 0 ] && phases+=(bsignin bfirst)
for phase in "${phases[@]}"; do say "$(server_times "$phase" "$([ "$phase" = bsignin ] && echo POST)")"; done

# Appends this run as a new section: the file keeps every earlier run (and what was written about them by hand).
if [ "$RESULTS" != - ]; then
  rev=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  dirty=$(git -C "$ROOT" status --porcelain -- Web Protocols Shared bench 2>/dev/null | head -c1)
  {
    [ -s "$RESULTS" ] || printf '# Webmail benchmark (issue 7): %s-message INBOX\n' "$MSGS"
    echo
    echo "## Run $(date -u '+%Y-%m-%d %H:%M UTC'): $rev${dirty:+ plus uncommitted changes}"
    echo
    echo "\`bash bench/webmail.sh\` (MSGS=$MSGS REPS=$REPS SESSIONS=$SESSIONS IDLE_SECS=$IDLE_SECS BROWSER_REPS=$BROWSER_REPS HTTP_STEP=$HTTP_STEP$([ "${KEEP_DATA:-0}" = 1 ] && echo ' KEEP_DATA=1'))."
    echo "The load averages in the block are part of the figures (2 shared cores)."
    echo
    echo '```'
    cat "$out"
    echo '```'
  } >>"$RESULTS"
  log "appended this run to $RESULTS"
fi

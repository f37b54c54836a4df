#!/usr/bin/env bash
# services-filters.sh - install and start SpamAssassin spamd and ClamAV clamd on 127.0.0.1 for the
# filter tests (issue 5), without systemd. Idempotent: safe to run twice; running daemons are kept.
#
#   scripts/services-filters.sh [start]   install spamassassin/spamc/spamd/clamav-daemon if missing, start both, print the env
#   scripts/services-filters.sh install   only install missing packages
#   scripts/services-filters.sh stop      stop the daemons started from $MAIL_SERVICES_DIR/filters (by PID file)
#   scripts/services-filters.sh status    exit 0 when both answer, 1 otherwise
#   scripts/services-filters.sh env       print the environment the tests need (export lines)
#
# spamd runs with -L (local tests only: no DNS, no network rules), -m 2 children, rules as shipped
# by Debian (no sa-update), and --allow-tell: TELL trains its Bayes data in $DIR/spamd/bayes (bayes_path
# set explicitly: spamd's child runs as nobody, whose home /nonexistent would make every TELL "Did nothing"),
# see Mail:Filters:Spamd:Learn. Test scores stay deterministic: use_bayes_rules 0 (learned data never
# scores) and bayes_auto_learn 0 (a CHECK never writes). A spamd already running without --allow-tell is kept (and named in a
# warning): `scripts/services-filters.sh stop` then `start` restarts it with the flag. clamd loads only a local database holding an EICAR body signature (.ndb,
# offset *, so it matches inside base64 attachments and zips; freshclam cannot download here), see
# ../shared/notes/real-services.md sections 2 and 6. Signature name: Mail.Test.EICAR-NDB.UNOFFICIAL.
#
# State under $MAIL_SERVICES_DIR/filters (default /tmp/mail-services/filters): configs, PID files,
# logs and env.filters (export MAIL_TEST_SPAMD=127.0.0.1:PORT, MAIL_TEST_CLAMD=127.0.0.1:PORT).
# Knobs: MAIL_SERVICES_DIR, MAIL_SPAMD_PORT (7830), MAIL_CLAMD_PORT (7831), MAIL_SKIP_INSTALL=1 (no apt-get).
set -euo pipefail

RUN=${MAIL_SERVICES_DIR:-/tmp/mail-services}
DIR=$RUN/filters
SPAMD_PORT=${MAIL_SPAMD_PORT:-7830}
CLAMD_PORT=${MAIL_CLAMD_PORT:-7831}
PACKAGES=(spamassassin spamc spamd clamav-daemon clamdscan)
EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'

log() { printf 'services-filters.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pidfile_pid() { [ -f "$1" ] && tr -dc '0-9' <"$1" || true; }

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || printf '%s\n' "$p"
  done
}

cmd_install() {
  [ "${MAIL_SKIP_INSTALL:-0}" = 1 ] && return 0
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  [ "$(id -u)" = 0 ] || die "missing packages ($(echo $missing)) and not root: install them first"
  log "installing: $(echo $missing)"
  local apt=(apt-get -q -o DPkg::Lock::Timeout=600)
  "${apt[@]}" update
  # sa-compile is a Recommends of spamassassin; name it so the rules get compiled (faster spamd).
  # shellcheck disable=SC2086  # one package name per word
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends $missing sa-compile
  local still
  still=$(missing_packages)
  [ -z "$still" ] || die "still missing after apt-get install: $(echo $still)"
}

# ---------------------------------------------------------------------------- spamd

spamd_ping() { spamc -d 127.0.0.1 -p "$SPAMD_PORT" -K >/dev/null 2>&1; }

start_spamd() {
  if spamd_ping; then
    log "spamd already answering on 127.0.0.1:$SPAMD_PORT"
    local running
    running=$(pidfile_pid "$DIR/spamd/spamd.pid")
    if pid_alive "$running" && ! tr '\0' ' ' <"/proc/$running/cmdline" | grep -q -- '--allow-tell'; then
      log "warning: spamd (pid $running) runs without --allow-tell: TELL is refused; stop and start to add it"
    fi
    return 0
  fi
  local pid i
  pid=$(pidfile_pid "$DIR/spamd/spamd.pid")
  pid_alive "$pid" && die "spamd (pid $pid) runs from $DIR/spamd but does not answer; see $DIR/spamd/spamd.log"
  mkdir -p "$DIR/spamd/bayes"
  chown nobody "$DIR/spamd" "$DIR/spamd/bayes" 2>/dev/null || true
  nohup spamd -i "127.0.0.1:$SPAMD_PORT" -A 127.0.0.1 -m 2 --min-spare=1 -L -x --allow-tell -u nobody -H "$DIR/spamd" \
    --cf "bayes_path $DIR/spamd/bayes/bayes" --cf 'use_bayes_rules 0' --cf 'bayes_auto_learn 0' \
    -s stderr -r "$DIR/spamd/spamd.pid" </dev/null >"$DIR/spamd/spamd.log" 2>&1 &
  for ((i = 0; i < 300; i++)); do spamd_ping && break; sleep 0.1; done
  spamd_ping || die "spamd did not answer in 30 s; see $DIR/spamd/spamd.log"
  log "spamd up (pid $(pidfile_pid "$DIR/spamd/spamd.pid")) on 127.0.0.1:$SPAMD_PORT"
}

stop_pidfile() {  # name pidfile
  local pid i
  pid=$(pidfile_pid "$2")
  pid_alive "$pid" || return 0
  kill "$pid"
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || { log "stopped $1 (pid $pid)"; return 0; }; sleep 0.1; done
  log "$1 (pid $pid) still running after 10 s"
  return 1
}

# ---------------------------------------------------------------------------- clamd

clamd_ping() {
  python3 - "$CLAMD_PORT" <<'PY' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
s.sendall(b"zPING\0")
sys.exit(0 if s.recv(16).startswith(b"PONG") else 1)
PY
}

write_clamd_conf() {
  local db=$DIR/clamav/db
  mkdir -p "$db"
  # Body signature of the 68-byte EICAR string, offset * (anywhere, decoded attachments and archives included).
  printf 'Mail.Test.EICAR-NDB:0:*:%s\n' "$(printf '%s' "$EICAR" | od -An -v -tx1 | tr -d ' \n')" >"$db/mail-test.ndb"
  cat >"$DIR/clamav/clamd.conf" <<CONF
Foreground yes
TCPSocket $CLAMD_PORT
TCPAddr 127.0.0.1
DatabaseDirectory $db
PidFile $DIR/clamav/clamd.pid
LogFile $DIR/clamav/clamd.log
LogTime yes
StreamMaxLength 25M
ScanMail yes
ScanArchive yes
CONF
}

start_clamd() {
  if clamd_ping; then log "clamd already answering on 127.0.0.1:$CLAMD_PORT"; return 0; fi
  local pid i
  pid=$(pidfile_pid "$DIR/clamav/clamd.pid")
  pid_alive "$pid" && die "clamd (pid $pid) runs from $DIR/clamav but does not answer; see $DIR/clamav/clamd.log"
  write_clamd_conf
  nohup clamd -c "$DIR/clamav/clamd.conf" </dev/null >>"$DIR/clamav/clamd.out" 2>&1 &
  for ((i = 0; i < 300; i++)); do clamd_ping && break; sleep 0.1; done
  clamd_ping || die "clamd did not answer in 30 s; see $DIR/clamav/clamd.log"
  log "clamd up (pid $(pidfile_pid "$DIR/clamav/clamd.pid")) on 127.0.0.1:$CLAMD_PORT"
}

# ---------------------------------------------------------------------------- commands

write_env() {
  mkdir -p "$DIR"
  cat >"$DIR/env.filters" <<ENV
export MAIL_TEST_SPAMD='127.0.0.1:$SPAMD_PORT'
export MAIL_TEST_CLAMD='127.0.0.1:$CLAMD_PORT'
ENV
}

cmd_start() {
  cmd_install
  mkdir -p "$DIR"
  start_spamd
  start_clamd
  write_env
  cat "$DIR/env.filters"
}

cmd_stop() {
  stop_pidfile spamd "$DIR/spamd/spamd.pid"
  stop_pidfile clamd "$DIR/clamav/clamd.pid"
}

cmd_status() {
  local rc=0
  if spamd_ping; then echo "spamd: up on 127.0.0.1:$SPAMD_PORT"; else echo "spamd: down"; rc=1; fi
  if clamd_ping; then echo "clamd: up on 127.0.0.1:$CLAMD_PORT"; else echo "clamd: down"; rc=1; fi
  return $rc
}

cmd_env() { write_env; cat "$DIR/env.filters"; }

case ${1:-start} in
  start) cmd_start ;;
  install) cmd_install ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h|--help|help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" ;;
  *) die "unknown command $1 (start, install, stop, status, env)" ;;
esac

#!/usr/bin/env bash
# services.sh - install (Debian packages) and start on 127.0.0.1, without systemd, the real
# services and clients the tests use. Idempotent: safe to run twice; running services are kept.
#
#   scripts/services.sh [start]   install what is missing, start MariaDB, print the test env
#   scripts/services.sh install   only install missing packages
#   scripts/services.sh stop      stop the services started from $MAIL_SERVICES_DIR (by PID file)
#   scripts/services.sh status    exit 0 when every service answers, 1 otherwise
#   scripts/services.sh env       print the environment the tests need (export lines)
#
# State lives under $MAIL_SERVICES_DIR (default /tmp/mail-services): data, sockets, PID files,
# logs, and `env` (the export lines, also printed by `start` and `env`).
#
# Services: MariaDB 10.11 on 127.0.0.1:3306 (user mail / password mailpw, all privileges), as in
# ../shared/notes/real-services.md. Clients and tools installed for the end-to-end tests and the
# benchmark: chromium (Playwright), isync (mbsync), fetchmail, offlineimap3, getmail6, swaks, postfix (smtp-source), postsrsd (SRS interop),
# python3 (smtplib/imaplib/poplib), fio, gsasl and openssl (SCRAM-SHA-256-PLUS tls-exporter clients: GNU SASL on GnuTLS, s_client),
# poppler-utils (pdfinfo/pdftoppm: webmail PDF previews).
# Then every sibling scripts/services-<name>.sh (e.g. services-ldap.sh: slapd; services-filters.sh:
# spamd and clamd) with the same verb, in name order; their export lines join ours in `env`.
#
# Knobs: MAIL_SERVICES_DIR, MAIL_MYSQL_PORT (3306), MAIL_SKIP_INSTALL=1 (no apt-get).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
RUN=${MAIL_SERVICES_DIR:-/tmp/mail-services}
export MAIL_SERVICES_DIR=$RUN
MYSQL_PORT=${MAIL_MYSQL_PORT:-3306}
MYSQL_USER=mail
MYSQL_PASS=mailpw
MDB=$RUN/mariadb
PACKAGES=(mariadb-server mariadb-client chromium isync fetchmail offlineimap3 getmail6 swaks postfix python3 fio postsrsd gsasl openssl poppler-utils)

log() { printf 'services.sh: %s\n' "$*" >&2; }
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
  if [ -z "$missing" ]; then
    log "packages present: ${PACKAGES[*]}"
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "missing packages ($(echo $missing)) and not root: install them first"
  log "installing: $(echo $missing)"
  # postfix is installed only for smtp-source/smtp-sink: no configuration, no daemon.
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  local apt=(apt-get -q -o DPkg::Lock::Timeout=600)
  "${apt[@]}" update
  # shellcheck disable=SC2086  # one package name per word
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends $missing
  local still
  still=$(missing_packages)
  [ -z "$still" ] || die "still missing after apt-get install: $(echo $still)"
}

# ---------------------------------------------------------------------------- MariaDB

mysql_ping() {  # the service answers for our user over TCP
  mariadb-admin --no-defaults --protocol=TCP -h 127.0.0.1 -P "$MYSQL_PORT" -u "$MYSQL_USER" -p"$MYSQL_PASS" \
    --connect-timeout=2 ping >/dev/null 2>&1
}

create_user() {
  mariadb --no-defaults --socket="$MDB/run/mysqld.sock" -uroot -e \
    "CREATE USER IF NOT EXISTS '$MYSQL_USER'@'%' IDENTIFIED BY '$MYSQL_PASS'; GRANT ALL PRIVILEGES ON *.* TO '$MYSQL_USER'@'%' WITH GRANT OPTION; FLUSH PRIVILEGES;"
}

start_mariadb() {
  if mysql_ping; then
    log "mariadb already answering on 127.0.0.1:$MYSQL_PORT"
    return 0
  fi
  local pid
  pid=$(pidfile_pid "$MDB/run/mysqld.pid")
  if pid_alive "$pid"; then
    create_user
    mysql_ping && { log "mariadb (pid $pid) was running; user $MYSQL_USER created"; return 0; }
    die "mariadb (pid $pid) runs from $MDB but does not answer for $MYSQL_USER; see $MDB/error.log"
  fi
  mkdir -p "$MDB/run"
  if [ ! -d "$MDB/data/mysql" ]; then
    rm -rf "$MDB/data"; mkdir -p "$MDB/data"
    mariadb-install-db --no-defaults --datadir="$MDB/data" --user=root \
      --auth-root-authentication-method=normal --skip-test-db >"$MDB/install.log" 2>&1 ||
      die "mariadb-install-db failed; see $MDB/install.log"
  fi
  # --no-defaults must come first, or /etc/mysql (with /var/lib/mysql) is read.
  nohup mariadbd --no-defaults --datadir="$MDB/data" --socket="$MDB/run/mysqld.sock" \
    --pid-file="$MDB/run/mysqld.pid" --port="$MYSQL_PORT" --bind-address=127.0.0.1 --user=root \
    --skip-name-resolve --log-error="$MDB/error.log" --innodb-buffer-pool-size=64M \
    --max-connections=500 </dev/null >/dev/null 2>&1 &
  local i
  for ((i = 0; i < 300; i++)); do
    mariadb-admin --no-defaults --socket="$MDB/run/mysqld.sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  mariadb-admin --no-defaults --socket="$MDB/run/mysqld.sock" -uroot ping >/dev/null 2>&1 ||
    die "mariadb did not start in 30 s; see $MDB/error.log"
  create_user
  mysql_ping || die "mariadb started but $MYSQL_USER cannot log in over TCP; see $MDB/error.log"
  log "mariadb up (pid $(pidfile_pid "$MDB/run/mysqld.pid")) on 127.0.0.1:$MYSQL_PORT, user $MYSQL_USER"
}

stop_mariadb() {
  local pid i
  pid=$(pidfile_pid "$MDB/run/mysqld.pid")
  pid_alive "$pid" || return 0
  kill "$pid"
  for ((i = 0; i < 300; i++)); do pid_alive "$pid" || { log "stopped mariadb (pid $pid)"; return 0; }; sleep 0.1; done
  log "mariadb (pid $pid) still running after 30 s"
  return 1
}

# ---------------------------------------------------------------------------- env

write_env() {
  mkdir -p "$RUN"
  cat >"$RUN/env" <<ENV
export MAIL_TEST_MYSQL='Server=127.0.0.1;Port=$MYSQL_PORT;User=$MYSQL_USER;Password=$MYSQL_PASS'
export MAIL_TEST_CHROMIUM='$(command -v chromium || echo /usr/bin/chromium)'
export MAIL_SERVICES_DIR='$RUN'
ENV
}

# The sibling scripts (services-<name>.sh), in name order.
siblings() {
  local f
  for f in "$HERE"/services-*.sh; do
    [ -x "$f" ] && printf '%s\n' "$f"
  done
  return 0
}

cmd_start() {
  cmd_install
  mkdir -p "$RUN"
  start_mariadb
  write_env
  local s
  while read -r s; do
    [ -n "$s" ] || continue
    log "$(basename "$s") start"
    "$s" start >>"$RUN/env"
  done < <(siblings)
  cat "$RUN/env"
}

cmd_stop() {
  local s rc=0
  while read -r s; do
    [ -n "$s" ] && { "$s" stop || rc=1; }
  done < <(siblings)
  stop_mariadb || rc=1
  return $rc
}

cmd_status() {
  local s rc=0
  if mysql_ping; then echo "mariadb: up on 127.0.0.1:$MYSQL_PORT"; else echo "mariadb: down"; rc=1; fi
  while read -r s; do
    [ -n "$s" ] || continue
    if "$s" status >/dev/null 2>&1; then echo "$(basename "$s" .sh): up"; else echo "$(basename "$s" .sh): down"; rc=1; fi
  done < <(siblings)
  return $rc
}

cmd_env() {
  write_env
  local s
  while read -r s; do
    [ -n "$s" ] && "$s" env >>"$RUN/env"
  done < <(siblings)
  cat "$RUN/env"
}

case ${1:-start} in
  start) cmd_start ;;
  install) cmd_install ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h|--help|help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" ;;
  *) die "unknown command $1 (start, install, stop, status, env)" ;;
esac

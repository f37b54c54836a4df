#!/usr/bin/env bash
# services-ldap.sh - install and start OpenLDAP slapd on 127.0.0.1 for the directory tests, without
# systemd. Idempotent: safe to run twice; a running slapd is kept.
#
#   scripts/services-ldap.sh [start]   install slapd/ldap-utils if missing, start slapd, print the test env
#   scripts/services-ldap.sh install   only install slapd and ldap-utils when missing
#   scripts/services-ldap.sh stop      stop the slapd started from $MAIL_SERVICES_DIR/ldap (by PID file)
#   scripts/services-ldap.sh restart   stop, then start (same data)
#   scripts/services-ldap.sh reset     stop, delete the data, start on a fresh suffix
#   scripts/services-ldap.sh status    exit 0 when slapd answers, 1 otherwise
#   scripts/services-ldap.sh env       print the environment the tests need (export lines)
#
# slapd runs from its own config (not the Debian one): schemas core, cosine, inetorgperson, nis,
# misc and deploy/ldap/mailplatform.schema; back_mdb; suffix dc=example,dc=com holding only the
# suffix entry (the admin CLI and the tests create ou=domains, ou=people, ou=aliases themselves);
# rootdn cn=admin,dc=example,dc=com / adminpw. See ../shared/notes/real-services.md section 2.
#
# State under $MAIL_SERVICES_DIR/ldap (default /tmp/mail-services/ldap): slapd.conf, data, PID, log,
# and env.ldap (export lines MAIL_TEST_LDAP_URI, _BASE_DN, _BIND_DN, _BIND_PASSWORD).
# Knobs: MAIL_SERVICES_DIR, MAIL_LDAP_PORT (3389), MAIL_SKIP_INSTALL=1 (no apt-get).
set -euo pipefail

RUN=${MAIL_SERVICES_DIR:-/tmp/mail-services}
LDAP_PORT=${MAIL_LDAP_PORT:-3389}
DIR=$RUN/ldap
SUFFIX=dc=example,dc=com
ROOTDN=cn=admin,$SUFFIX
ROOTPW=adminpw
URI=ldap://127.0.0.1:$LDAP_PORT
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCHEMA=$REPO/deploy/ldap/mailplatform.schema

log() { printf 'services-ldap.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pidfile_pid() { [ -f "$1" ] && tr -dc '0-9' <"$1" || true; }

ldap_ping() { ldapsearch -x -H "$URI" -D "$ROOTDN" -w "$ROOTPW" -b "$SUFFIX" -s base -LLL dn >/dev/null 2>&1; }

cmd_install() {
  [ "${MAIL_SKIP_INSTALL:-0}" = 1 ] && return 0
  if command -v slapd >/dev/null && command -v ldapsearch >/dev/null && command -v mkpasswd >/dev/null; then return 0; fi
  [ "$(id -u)" = 0 ] || die "slapd/ldap-utils/whois missing and not root: install them first"
  log "installing slapd ldap-utils whois (mkpasswd for the {CRYPT} \$y\$ tests)"
  printf '%s\n' 'slapd slapd/no_configuration boolean false' 'slapd slapd/domain string example.com' \
    'slapd shared/organization string Example' 'slapd slapd/password1 password adminpw' \
    'slapd slapd/password2 password adminpw' | debconf-set-selections
  local apt=(apt-get -q -o DPkg::Lock::Timeout=600)
  "${apt[@]}" update
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends slapd ldap-utils whois
}

write_conf() {
  mkdir -p "$DIR/data"
  cat >"$DIR/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/misc.schema
include $SCHEMA
pidfile  $DIR/slapd.pid
argsfile $DIR/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
sizelimit unlimited
database mdb
maxsize 4294967296
suffix "$SUFFIX"
rootdn "$ROOTDN"
rootpw $ROOTPW
directory $DIR/data
index objectClass eq
index uid,mail,mailLocalAddress,cn,associatedDomain eq
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
CONF
}

seed() {  # only the suffix entry: everything below is created by the admin CLI / tests
  printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n' "$SUFFIX" >"$DIR/suffix.ldif"
  slapadd -f "$DIR/slapd.conf" -l "$DIR/suffix.ldif" >"$DIR/slapadd.log" 2>&1 || die "slapadd failed; see $DIR/slapadd.log"
}

start_slapd() {
  if ldap_ping; then log "slapd already answering on $URI"; return 0; fi
  local pid
  pid=$(pidfile_pid "$DIR/slapd.pid")
  pid_alive "$pid" && die "slapd (pid $pid) runs from $DIR but does not answer on $URI"
  write_conf
  slaptest -f "$DIR/slapd.conf" -u >"$DIR/slaptest.log" 2>&1 || die "slaptest failed; see $DIR/slaptest.log"
  [ -f "$DIR/data/data.mdb" ] || seed
  # Daemonizes; the PID lands in slapd.pid.
  slapd -h "ldap://127.0.0.1:$LDAP_PORT/" -f "$DIR/slapd.conf" >"$DIR/slapd.log" 2>&1 || die "slapd failed to start; see $DIR/slapd.log"
  local i
  for ((i = 0; i < 100; i++)); do ldap_ping && break; sleep 0.1; done
  ldap_ping || die "slapd did not answer on $URI within 10 s"
  log "slapd up (pid $(pidfile_pid "$DIR/slapd.pid")) on $URI, suffix $SUFFIX"
}

stop_slapd() {
  local pid i
  pid=$(pidfile_pid "$DIR/slapd.pid")
  pid_alive "$pid" || return 0
  kill "$pid"
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || { log "stopped slapd (pid $pid)"; return 0; }; sleep 0.1; done
  die "slapd (pid $pid) still running after 10 s"
}

write_env() {
  mkdir -p "$DIR"
  cat >"$DIR/env.ldap" <<ENV
export MAIL_TEST_LDAP_URI='$URI'
export MAIL_TEST_LDAP_BASE_DN='$SUFFIX'
export MAIL_TEST_LDAP_BIND_DN='$ROOTDN'
export MAIL_TEST_LDAP_BIND_PASSWORD='$ROOTPW'
ENV
}

case ${1:-start} in
  start) cmd_install; start_slapd; write_env; cat "$DIR/env.ldap" ;;
  install) cmd_install ;;
  stop) stop_slapd ;;
  restart) stop_slapd; start_slapd ;;
  reset) stop_slapd; rm -rf "$DIR/data"; start_slapd; write_env; cat "$DIR/env.ldap" ;;
  status) if ldap_ping; then echo "slapd: up on $URI"; else echo "slapd: down"; exit 1; fi ;;
  env) write_env; cat "$DIR/env.ldap" ;;
  -h|--help|help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" ;;
  *) die "unknown command $1 (start, install, stop, restart, reset, status, env)" ;;
esac

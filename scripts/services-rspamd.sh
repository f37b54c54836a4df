#!/usr/bin/env bash
# services-rspamd.sh - install and start rspamd (Debian) on 127.0.0.1 for the filter tests (issue 5),
# without systemd and without Redis. Idempotent: safe to run twice; a running rspamd is kept.
#
#   scripts/services-rspamd.sh [start]   install rspamd and python3-milter if missing, start rspamd, print the env
#   scripts/services-rspamd.sh install   only install missing packages
#   scripts/services-rspamd.sh stop      stop the rspamd started from $MAIL_SERVICES_DIR/rspamd (by PID file)
#   scripts/services-rspamd.sh status    exit 0 when rspamd answers /ping, 1 otherwise
#   scripts/services-rspamd.sh env       print the environment the tests need (export lines)
#
# python3-milter (pymilter on libmilter) is installed here too: the milter client tests run a small
# test milter written with it (Web.Tests/Protocols/Filtering/Milter/test_milter.py) on port 0.
#
# Traps found on the way (rspamd 3.4, Debian bookworm):
# - Debian's rspamd.conf binds "localhost:11333/11334/11332": both ::1 and 127.0.0.1, on fixed ports.
#   We keep /etc/rspamd as CONFDIR but point LOCAL_CONFDIR (--var) at our own folder, whose
#   override.d/worker-*.inc set bind_socket to 127.0.0.1:$MAIL_RSPAMD_PORT (normal worker, the
#   /checkv2 protocol) and $MAIL_RSPAMD_CONTROLLER_PORT, and disable the proxy (milter) and fuzzy workers.
# - DBDIR, RUNDIR and LOGDIR default to /var/lib/rspamd, /run/rspamd, /var/log/rspamd: all three are
#   redefined with --var, and must be writable by the user the workers run as.
# - rspamd refuses to start as root ("cannot run rspamd workers as root user") unless -i; we run it as
#   root with -u _rspamd -g _rspamd (the package's user) so the workers drop privileges.
# - -f keeps the main process in the foreground (no fork); we background it with nohup and a PID file.
# - No network here: every DNS-based module (RBL, SURBL, SPF, DKIM/DMARC/ARC lookups, ASN, fuzzy,
#   phishing feeds, ...) would wait for DNS timeouts inside task_timeout (8 s) on every message. They
#   are disabled in local.d (enabled = false), and the resolver is 127.0.0.1:1 so any left fail fast.
# - Modules that need Redis (greylist, ratelimit, replies, Bayes autolearn with the redis backend,
#   neural, history) stay silent without `redis { servers = ... }`: no Redis is configured.
# - The first start compiles Hyperscan/regexp caches into DBDIR: it can take ~10-30 s on a busy
#   machine; the script waits up to 90 s for /ping.
#
# State under $MAIL_SERVICES_DIR/rspamd (default /tmp/mail-services/rspamd): config, db, log, PID
# file and env.rspamd (export MAIL_TEST_RSPAMD=http://127.0.0.1:PORT).
# Knobs: MAIL_SERVICES_DIR, MAIL_RSPAMD_PORT (7832), MAIL_RSPAMD_CONTROLLER_PORT (7833), MAIL_SKIP_INSTALL=1.
set -euo pipefail

RUN=${MAIL_SERVICES_DIR:-/tmp/mail-services}
DIR=$RUN/rspamd
PORT=${MAIL_RSPAMD_PORT:-7832}
CONTROLLER_PORT=${MAIL_RSPAMD_CONTROLLER_PORT:-7833}
PACKAGES=(rspamd python3-milter)

log() { printf 'services-rspamd.sh: %s\n' "$*" >&2; }
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
  # The package's postinst tries to start rspamd through invoke-rc.d; without systemd that is refused, which is fine.
  # shellcheck disable=SC2086  # one package name per word
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends $missing
  local still
  still=$(missing_packages)
  [ -z "$still" ] || die "still missing after apt-get install: $(echo $still)"
}

rspamd_ping() {
  python3 - "$PORT" <<'PY' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/ping", timeout=2) as r:
    sys.exit(0 if r.read().strip() == b"pong" else 1)
PY
}

write_config() {
  local local_dir=$DIR/local
  mkdir -p "$local_dir/local.d" "$local_dir/override.d" "$DIR/db" "$DIR/run" "$DIR/log"
  cat >"$local_dir/override.d/worker-normal.inc" <<CONF
bind_socket = "127.0.0.1:$PORT";
count = 1;
CONF
  cat >"$local_dir/override.d/worker-controller.inc" <<CONF
bind_socket = "127.0.0.1:$CONTROLLER_PORT";
count = 1;
CONF
  printf 'enabled = false;\n' >"$local_dir/override.d/worker-proxy.inc"
  printf 'enabled = false;\n' >"$local_dir/override.d/worker-fuzzy.inc"
  cat >"$local_dir/local.d/options.inc" <<CONF
dns { nameserver = ["127.0.0.1:1"]; timeout = 0.2s; retransmits = 1; }
CONF
  local m
  for m in rbl surbl spf dkim dmarc arc asn emails fuzzy_check phishing dkim_signing arc_signing \
    url_redirector once_received mx_check external_services metadata_exporter clickhouse elastic \
    reputation whitelist maillist hfilter; do
    printf 'enabled = false;\n' >"$local_dir/local.d/$m.conf"
  done
  cat >"$local_dir/local.d/logging.inc" <<CONF
level = "notice";
CONF
  chown -R _rspamd:_rspamd "$DIR" 2>/dev/null || true
}

cmd_start() {
  cmd_install
  mkdir -p "$DIR"
  if rspamd_ping; then
    log "rspamd already answers on 127.0.0.1:$PORT"
  else
    local pid i
    pid=$(pidfile_pid "$DIR/run/rspamd.pid")
    pid_alive "$pid" && die "rspamd (pid $pid) runs from $DIR but does not answer; see $DIR/log/rspamd.log"
    write_config
    nohup rspamd -f -u _rspamd -g _rspamd -c /etc/rspamd/rspamd.conf \
      --var "LOCAL_CONFDIR=$DIR/local" --var "DBDIR=$DIR/db" --var "RUNDIR=$DIR/run" --var "LOGDIR=$DIR/log" \
      </dev/null >"$DIR/rspamd.out" 2>&1 &
    # -p is ignored with -f (no pid file is written in the foreground): record the PID ourselves.
    echo $! >"$DIR/run/rspamd.pid"
    for ((i = 0; i < 900; i++)); do rspamd_ping && break; sleep 0.1; done
    rspamd_ping || die "rspamd did not answer in 90 s; see $DIR/log/rspamd.log and $DIR/rspamd.out"
    log "rspamd up (pid $(pidfile_pid "$DIR/run/rspamd.pid")) on 127.0.0.1:$PORT"
  fi
  cmd_env >"$DIR/env.rspamd"
  cmd_env
}

cmd_stop() {
  local pid i
  pid=$(pidfile_pid "$DIR/run/rspamd.pid")
  pid_alive "$pid" || return 0
  kill "$pid"
  for ((i = 0; i < 100; i++)); do pid_alive "$pid" || { log "stopped rspamd (pid $pid)"; return 0; }; sleep 0.1; done
  log "rspamd (pid $pid) still running after 10 s"
  return 1
}

cmd_env() { printf "export MAIL_TEST_RSPAMD='http://127.0.0.1:%s'\n" "$PORT"; }

case ${1:-start} in
  start) cmd_start ;;
  install) cmd_install ;;
  stop) cmd_stop ;;
  status) rspamd_ping ;;
  env) cmd_env ;;
  -h|--help|help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}" ;;
  *) die "unknown command $1 (start, install, stop, status, env)" ;;
esac

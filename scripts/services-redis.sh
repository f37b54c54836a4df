#!/usr/bin/env bash
# services-redis.sh - install and start redis-server on 127.0.0.1 for the shared directory cache tests,
# without systemd. Idempotent: safe to run twice; a running redis-server is kept.
#
#   scripts/services-redis.sh [start]   install redis-server if missing, start it, print the test env
#   scripts/services-redis.sh install   only install redis-server when missing
#   scripts/services-redis.sh stop      stop the redis-server started from $MAIL_SERVICES_DIR/redis (by PID file)
#   scripts/services-redis.sh restart   stop, then start
#   scripts/services-redis.sh status    exit 0 when redis answers PING, 1 otherwise
#   scripts/services-redis.sh env       print the environment the tests need (export lines)
#
# redis-server runs in memory only (--save "" --appendonly no) on 127.0.0.1:$MAIL_REDIS_PORT (6380, not the
# default 6379, so it never clashes with a system Redis). State under $MAIL_SERVICES_DIR/redis (default
# /tmp/mail-services/redis): PID file, log, and env.redis (export MAIL_TEST_REDIS=127.0.0.1:6380).
# Knobs: MAIL_SERVICES_DIR, MAIL_REDIS_PORT (6380), MAIL_SKIP_INSTALL=1 (no apt-get).
set -euo pipefail

RUN=${MAIL_SERVICES_DIR:-/tmp/mail-services}
PORT=${MAIL_REDIS_PORT:-6380}
DIR=$RUN/redis

log() { printf 'services-redis.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pidfile_pid() { [ -f "$1" ] && tr -dc '0-9' <"$1" || true; }

redis_ping() {
  if command -v redis-cli >/dev/null; then
    [ "$(redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null)" = PONG ]
  else
    exec 3<>"/dev/tcp/127.0.0.1/$PORT" 2>/dev/null || return 1
    printf 'PING\r\n' >&3; local reply; read -r -t 2 reply <&3 || true; exec 3>&-
    [ "${reply%$'\r'}" = +PONG ]
  fi
}

cmd_install() {
  [ "${MAIL_SKIP_INSTALL:-0}" = 1 ] && return 0
  command -v redis-server >/dev/null && return 0
  [ "$(id -u)" = 0 ] || die "redis-server missing and not root: install it first"
  log "installing redis-server"
  local apt=(apt-get -q -o DPkg::Lock::Timeout=600)
  "${apt[@]}" update
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends redis-server
}

cmd_env() {
  printf 'export MAIL_TEST_REDIS=%s\n' "127.0.0.1:$PORT"
}

cmd_start() {
  cmd_install
  mkdir -p "$DIR"
  if redis_ping; then
    log "redis already answers on 127.0.0.1:$PORT"
  else
    local pid; pid=$(pidfile_pid "$DIR/redis.pid")
    pid_alive "$pid" && die "redis-server (pid $pid) runs but does not answer on $PORT"
    redis-server --bind 127.0.0.1 --port "$PORT" --save "" --appendonly no --dir "$DIR" \
      --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log" --daemonize yes
    local i
    for i in $(seq 1 100); do redis_ping && break; sleep 0.1; done
    redis_ping || die "redis-server did not answer on $PORT (see $DIR/redis.log)"
    log "redis-server started on 127.0.0.1:$PORT"
  fi
  cmd_env >"$DIR/env.redis"
  cmd_env
}

cmd_stop() {
  local pid; pid=$(pidfile_pid "$DIR/redis.pid")
  if pid_alive "$pid"; then
    kill "$pid"
    local i
    for i in $(seq 1 100); do pid_alive "$pid" || break; sleep 0.1; done
    log "redis-server stopped"
  fi
  rm -f "$DIR/redis.pid"
}

case "${1:-start}" in
  start) cmd_start ;;
  install) cmd_install ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) redis_ping ;;
  env) cmd_env ;;
  *) die "usage: $0 [start|install|stop|restart|status|env]" ;;
esac

#!/usr/bin/env bash
# directory.sh - directory lookup benchmark: USERS generated users (default 500,000) loaded into a private
# slapd (slapadd, shipped schema) and into the SQLite platform DB, then lookups by address through the real
# directory classes: p50/p99 cold (LDAP search / SQL query, nothing cached) and warm (read-through cache),
# and the memory the LDAP cache takes with every user cached.
#
# Knobs (environment): USERS (500000) DOMAINS (100) SAMPLES (20000) PORT (3390) BENCH_DIR (/tmp/mail-bench-directory)
#   NO_FILL=1 (skip filling the cache with every user) KEEP=1 (leave slapd running and the data in place)
# Needs slapd/ldap-utils (scripts/services-ldap.sh installs them) and python3.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
USERS=${USERS:-500000}
DOMAINS=${DOMAINS:-100}
SAMPLES=${SAMPLES:-20000}
PORT=${PORT:-3390}
B=${BENCH_DIR:-/tmp/mail-bench-directory}
SUFFIX=dc=example,dc=com
ROOTDN=cn=admin,$SUFFIX
ROOTPW=adminpw
log() { printf 'directory.sh: %s\n' "$*" >&2; }

stop_slapd() { [ -f "$B/ldap/slapd.pid" ] && kill "$(cat "$B/ldap/slapd.pid")" 2>/dev/null || true; }
trap '[ "${KEEP:-0}" = 1 ] || stop_slapd' EXIT

stop_slapd
rm -rf "$B"; mkdir -p "$B/ldap/data" "$B/sql"

log "building the benchmark (Release)"
dotnet build "$ROOT/bench/directory/DirectoryBench.csproj" -c Release -o "$B/bin" >"$B/build.log" 2>&1 || { tail -20 "$B/build.log"; exit 1; }

log "generating $USERS users in $DOMAINS domains"
python3 - "$USERS" "$DOMAINS" "$SUFFIX" >"$B/users.ldif" <<'PY'
import base64, hashlib, os, sys
users, domains, suffix = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
salt = os.urandom(16)
pw = "{SSHA512}" + base64.b64encode(hashlib.sha512(b"bench-pw" + salt).digest() + salt).decode()
out = sys.stdout
out.write(f"dn: {suffix}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n")
for ou in ("domains", "people", "aliases"):
    out.write(f"dn: ou={ou},{suffix}\nobjectClass: organizationalUnit\nou: {ou}\n\n")
for d in range(domains):
    out.write(f"dn: cn=d{d}.bench,ou=domains,{suffix}\nobjectClass: mailPlatformDomain\ncn: d{d}.bench\nmailPlatformStatus: active\n\n")
for n in range(users):
    a = f"u{n:07d}@d{n % domains}.bench"
    out.write(f"dn: uid={a},ou=people,{suffix}\nobjectClass: inetOrgPerson\nobjectClass: inetLocalMailRecipient\nobjectClass: mailPlatformUser\n"
              f"uid: {a}\ncn: {a}\nsn: u{n:07d}\nmail: {a}\nmailHost: mbox{n % 4}.bench\nmailPlatformQuota: 1073741824\nmailPlatformStatus: active\nuserPassword: {pw}\n\n")
PY
log "LDIF: $(du -h "$B/users.ldif" | cut -f1)"

cat >"$B/ldap/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/misc.schema
include $ROOT/deploy/ldap/mailplatform.schema
pidfile $B/ldap/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
sizelimit unlimited
database mdb
maxsize 8589934592
suffix "$SUFFIX"
rootdn "$ROOTDN"
rootpw $ROOTPW
directory $B/ldap/data
index objectClass eq
index uid,mail,mailLocalAddress,cn,associatedDomain eq
CONF
log "slapadd -q"
start=$(date +%s.%N)
slapadd -q -f "$B/ldap/slapd.conf" -l "$B/users.ldif" >"$B/slapadd.log" 2>&1 || { tail "$B/slapadd.log"; exit 1; }
log "slapadd: $(echo "$(date +%s.%N) - $start" | bc) s, database $(du -sh "$B/ldap/data" | cut -f1)"
slapd -h "ldap://127.0.0.1:$PORT/" -f "$B/ldap/slapd.conf"
for _ in $(seq 100); do ldapsearch -x -H "ldap://127.0.0.1:$PORT" -b "$SUFFIX" -s base -LLL dn >/dev/null 2>&1 && break; sleep 0.1; done

log "loading SQLite"
start=$(date +%s.%N)
dotnet "$B/bin/DirectoryBench.dll" sql-load "$B/sql" "$USERS" "$DOMAINS"
log "sql load: $(echo "$(date +%s.%N) - $start" | bc) s, database $(du -sh "$B/sql" | cut -f1)"

echo "== $USERS users, $DOMAINS domains, $SAMPLES random lookups by address (one at a time), $(nproc) cores"
fill=fill; [ "${NO_FILL:-0}" = 1 ] && fill=
dotnet "$B/bin/DirectoryBench.dll" ldap "ldap://127.0.0.1:$PORT" "$SUFFIX" "$ROOTDN" "$ROOTPW" "$USERS" "$DOMAINS" "$SAMPLES" $fill
dotnet "$B/bin/DirectoryBench.dll" sql "$B/sql" "$USERS" "$DOMAINS" "$SAMPLES"
echo "targets: warm p99 <= 1 ms, cold p99 <= 5 ms"

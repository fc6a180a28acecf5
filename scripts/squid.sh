#!/usr/bin/env bash
# A real Squid forward proxy that authenticates users with Kerberos (Negotiate), added to a
# realm that scripts/realm.sh brought up, plus the TLS material for an https origin behind it.
#
#   bash scripts/squid.sh up REALM_DIR     # prints the environment (also in REALM_DIR/squid/env)
#   bash scripts/squid.sh down REALM_DIR   # stops Squid by the pid it recorded; safe to repeat
#
# Everything lives in REALM_DIR/squid: squid.conf, the pid file, logs, the proxy's keytab
# (principal HTTP/proxy.localhost, what corporate proxies use: a host name of their own), and
# a throwaway CA with a certificate for localhost (TLS_CA, TLS_CERT, TLS_KEY) for https
# origins the tests start, and a client certificate (TLS_CLIENT_CERT, TLS_CLIENT_KEY). Squid runs in the foreground (-N) in its own session; as root it
# drops to the `proxy` user, which then owns the folder. Loopback only.
set -euo pipefail
# shellcheck source=scripts/env-files.sh
source "$(dirname "${BASH_SOURCE[0]}")/env-files.sh"
# shellcheck source=scripts/ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"
# shellcheck source=scripts/render.sh
source "$(dirname "${BASH_SOURCE[0]}")/render.sh"
# shellcheck source=scripts/procs.sh
source "$(dirname "${BASH_SOURCE[0]}")/procs.sh"

REALM=AK.TEST
PROXY_HOST=proxy.localhost
HELPER=/usr/lib/squid/negotiate_kerberos_auth

log() { printf 'squid: %s\n' "$*" >&2; }
die() {
  printf 'squid: error: %s\n' "$*" >&2
  exit 1
}

write_conf() {
  local s=$1 port=$2 user_line=""
  [[ ${EUID} -eq 0 ]] && user_line="cache_effective_user proxy"
  render squid.conf "${s}/squid.conf" PORT="${port}" DIR="${s}" HELPER="${HELPER}" \
    PROXY_HOST="${PROXY_HOST}" REALM="${REALM}" USER_LINE="${user_line}"
}

make_tls() {
  local t=$1
  mkdir -p "${t}"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=axios-kerberos test CA" \
    -keyout "${t}/ca-key.pem" -out "${t}/ca.pem" -addext basicConstraints=critical,CA:true \
    -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "${t}/server-key.pem" \
    -out "${t}/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"${t}/ext.cnf"
  openssl x509 -req -in "${t}/server.csr" -CA "${t}/ca.pem" -CAkey "${t}/ca-key.pem" \
    -CAcreateserial -days 2 -extfile "${t}/ext.cnf" -out "${t}/server.pem" 2>/dev/null
  # A client certificate from the same CA, for origins that ask for one.
  openssl req -newkey rsa:2048 -nodes -subj "/CN=alice" -keyout "${t}/client-key.pem" \
    -out "${t}/client.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"${t}/client-ext.cnf"
  openssl x509 -req -in "${t}/client.csr" -CA "${t}/ca.pem" -CAkey "${t}/ca-key.pem" \
    -CAcreateserial -days 2 -extfile "${t}/client-ext.cnf" -out "${t}/client.pem" 2>/dev/null
}

write_env() {
  local s=$1 port=$2
  local -a pairs=(
    SQUID_DIR "${s}"
    SQUID_PORT "${port}"
    SQUID_HOST "${PROXY_HOST}"
    SQUID_URL "http://${PROXY_HOST}:${port}"
    SQUID_LOG "${s}/access.log"
    TLS_CA "${s}/tls/ca.pem"
    TLS_CERT "${s}/tls/server.pem"
    TLS_KEY "${s}/tls/server-key.pem"
    TLS_CLIENT_CERT "${s}/tls/client.pem"
    TLS_CLIENT_KEY "${s}/tls/client-key.pem"
  )
  save_env "${s}" "scripts/squid.sh up" "${pairs[@]}"
}

cmd_up() {
  local r s port pid i
  r=$(realpath -m -- "$1")
  s="${r}/squid"
  [[ -f ${r}/krb5.conf ]] || die "${r} is not a realm made by scripts/realm.sh"
  command -v squid >/dev/null || die "squid is not installed (Debian package squid)"
  [[ -x ${HELPER} ]] || die "${HELPER} is missing (Debian package squid)"
  cmd_down "${r}" 2>/dev/null || true
  rm -rf "${s}"
  mkdir -p "${s}/rcache"
  # A principal of its own for the proxy; -norandkey so a re-run keeps the key the KDC has.
  krb_env "${r}" kadmin.local -r "${REALM}" -q "addprinc -randkey HTTP/${PROXY_HOST}@${REALM}" >>"${s}/kadmin.out" 2>&1 || true
  krb_env "${r}" kadmin.local -r "${REALM}" -q "ktadd -norandkey -k ${s}/proxy.keytab HTTP/${PROXY_HOST}@${REALM}" \
    >>"${s}/kadmin.out" 2>&1 || die "kadmin.local could not export the proxy's key (see ${s}/kadmin.out)"
  make_tls "${s}/tls"
  port=$(pick_ports 1) || die "could not pick a free port"
  write_conf "${s}" "${port}"
  : >"${s}/access.log"
  : >"${s}/cache.log"
  if [[ ${EUID} -eq 0 ]]; then chown -R proxy:proxy "${s}"; fi
  # The helper inherits Squid's environment: the realm's krb5.conf and a replay cache it can
  # write (env takes the last KRB5RCACHEDIR given).
  krb_env_prefix "${r}"
  "${KRB_ENV[@]}" KRB5RCACHEDIR="${s}/rcache" setsid squid -N -f "${s}/squid.conf" >"${s}/squid.stdout" 2>&1 &
  pid=$!
  echo "${pid}" >"${s}/squid.run.pid"
  for ((i = 0; i < 100; i++)); do
    tcp_open "${port}" && break
    pid_alive "${pid}" || { tail -n 20 "${s}/cache.log" "${s}/squid.stdout" >&2; die "squid exited"; }
    sleep 0.1
  done
  tcp_open "${port}" || die "squid did not listen on 127.0.0.1:${port}"
  write_env "${s}" "${port}"
  log "up: ${PROXY_HOST} on 127.0.0.1:${port} (pid ${pid})"
  cat "${s}/env"
}

cmd_down() {
  local r s pid
  r=$(realpath -m -- "$1")
  s="${r}/squid"
  [[ -f ${s}/squid.run.pid ]] || return 0
  # Only a pid that is still squid is signalled: the file may outlive it and the pid be reused.
  if pid=$(live_pid "${s}/squid.run.pid" squid); then
    stop_pid squid "${pid}" TERM
  fi
  rm -f "${s}/squid.run.pid"
  log "down"
}

case "${1:-}" in
  up) cmd_up "${2:?REALM_DIR}" ;;
  down) cmd_down "${2:?REALM_DIR}" ;;
  *) die "usage: squid.sh up|down REALM_DIR" ;;
esac

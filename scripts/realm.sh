#!/usr/bin/env bash
#
# realm.sh - a throwaway MIT Kerberos realm plus Apache/mod_auth_gssapi on
# 127.0.0.1, for integration tests and benchmarks of axios-kerberos.
#
# Usage:
#   realm.sh up DIR                 create DIR, start KDC + Apache, kinit alice,
#                                   write DIR/env + DIR/env.json, print DIR/env
#   realm.sh down DIR [--purge]     stop what `up` started (idempotent);
#                                   --purge also removes DIR
#   realm.sh status DIR             exit 0 if KDC and Apache are both running
#   realm.sh kdc-stop DIR           stop only the KDC ("KDC unreachable" tests)
#   realm.sh kdc-start DIR          start the KDC again on the same port
#   realm.sh rotate-session-key DIR
#                                   new key for /session/'s cookies + graceful
#                                   reload: every session cookie stops working
#   realm.sh kinit DIR CCACHE [LIFETIME] [PRINCIPAL]
#                                   get a TGT (default: alice) into another cache,
#                                   e.g. `realm.sh kinit DIR /tmp/x.cc 5s`
#
# Everything (configs, database, keytabs, caches, logs, pid files) lives in
# DIR; nothing is written to /etc and nothing listens outside 127.0.0.1. The
# configuration files and CGI scripts come from scripts/templates/ (filled by
# render.sh), the ports from ports.sh, DIR/env and DIR/env.json from env-files.sh, the
# process helpers (pid checks, stop, krb5 environment) from procs.sh.
# Progress goes to stderr so that `up`'s stdout is exactly the env file.
#
# Tunables (environment):
#   REALM_CLOCKSKEW  clockskew in seconds written to krb5.conf (default 5).
#                    MIT clients refuse an expired TGT/service ticket locally
#                    ("Ticket expired") whatever the skew; the skew bounds how
#                    long an acceptor (Apache, a Node server) still honours a
#                    token minted earlier, and the max authenticator age
#                    ("Clock skew too great"). MIT's default of 300 would make
#                    such server-side tests wait 5 minutes.
#   REALM_TRACE=1    make Apache and the KDC write KRB5_TRACE logs into
#                    DIR/trace/ (verbose; for debugging only)

set -euo pipefail
# shellcheck source=scripts/env-files.sh
source "$(dirname "${BASH_SOURCE[0]}")/env-files.sh"
# shellcheck source=scripts/ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"
# shellcheck source=scripts/render.sh
source "$(dirname "${BASH_SOURCE[0]}")/render.sh"
# shellcheck source=scripts/procs.sh
source "$(dirname "${BASH_SOURCE[0]}")/procs.sh"

# scripts/ad-realm.sh sources this file for its Apache set-up and helpers; it names its
# own realm (readonly REALM) first, and `main` only runs when this file is executed.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then readonly REALM=AK.TEST; fi
readonly ALIAS_HOST=krb.example.test
readonly ALICE_PASSWORD='alice-Passw0rd'
readonly BOB_PASSWORD='bob-Passw0rd'
readonly HTTP_SERVICES=("HTTP/localhost" "HTTP/127.0.0.1" "HTTP/${ALIAS_HOST}")
readonly APACHE_MODDIR=/usr/lib/apache2/modules
readonly WWW_USER=www-data
# The locations of templates/httpd.conf guarded by GSSAPI that have an index.html
# and an `echo` CGI endpoint.
readonly PROTECTED_LOCATIONS=(negotiate basic-or-negotiate deleg session)
# Bounded waits, in tenths of a second.
readonly START_WAIT=100 STOP_WAIT=50

log() { printf 'realm: %s\n' "$*" >&2; }
die() { printf 'realm: error: %s\n' "$*" >&2; exit 1; }

usage() {
  sed -n '3,/^$/{s/^# \{0,1\}//;p}' "$0" >&2
  exit 2
}

# ---------------------------------------------------------------- helpers ---

# All config files need absolute paths; DIR may not exist yet (-m).
abs_dir() { realpath -m -- "$1"; }

is_root() { [[ ${EUID} -eq 0 ]]; }

tail_log() {
  local f
  for f in "$@"; do
    [[ -s ${f} ]] || continue
    printf -- '--- tail of %s ---\n' "${f}" >&2
    tail -n 20 "${f}" >&2
  done
}

# Apache's children run as www-data; a 0700 parent (mktemp -d) makes every
# file below it unreachable: static files then give 403, and mod_auth_gssapi
# answers 401 ("Keytab ... is nonexistent or empty") although the keytab is
# there. Add o+x (traverse only, no listing) where it is missing.
make_traversable() {
  local dir=$1 p
  local -a parents=()
  chmod 755 "${dir}"
  is_root || return 0
  p=$(dirname "${dir}")
  while [[ ${p} != / ]]; do
    parents=("${p}" "${parents[@]}")
    p=$(dirname "${p}")
  done
  # Top-down, so each check sees its ancestors already fixed.
  for p in "${parents[@]}"; do
    if ! runuser -u "${WWW_USER}" -- test -x "${p}" 2>/dev/null; then
      log "adding o+x to ${p} so ${WWW_USER} can reach ${dir}"
      chmod o+x "${p}"
    fi
  done
}

# Give a path to www-data when running as root (Apache children run as it).
give_to_www() {
  if is_root; then chown "${WWW_USER}:${WWW_USER}" "$@"; fi
}

kadmin_q() {
  local d=$1
  shift
  krb_env "${d}" kadmin.local -r "${REALM}" -q "$*" >>"${d}/kadmin.out" 2>&1 ||
    { tail_log "${d}/kadmin.out"; die "kadmin.local failed: $*"; }
}

# ---------------------------------------------------------- configuration ---

# The configuration files are filled in from scripts/templates/ by render (render.sh).
write_krb5_conf() {
  local d=$1 kdc_port=$2
  render krb5.conf "${d}/krb5.conf" GENERATOR=scripts/realm.sh REALM="${REALM}" DIR="${d}" \
    KDC_PORT="${kdc_port}" CLOCKSKEW="${REALM_CLOCKSKEW:-5}" REALM_EXTRA="" \
    DOMAIN_REALM="$(printf '    %s\n' ".example.test = ${REALM}" "example.test = ${REALM}")"
}

write_kdc_conf() {
  local d=$1 kdc_port=$2
  render kdc.conf "${d}/kdc.conf" REALM="${REALM}" DIR="${d}" KDC_PORT="${kdc_port}"
}

# The echo and orders CGI scripts (see their heads), copied as they are.
write_cgi() {
  local d=$1
  install -m 755 "${TEMPLATES_DIR}/cgi-bin/echo.cgi" "${TEMPLATES_DIR}/cgi-bin/orders.cgi" "${d}/cgi-bin/"
}

write_www() {
  local d=$1 loc
  mkdir -p "${d}/www/public"
  printf 'public ok\n' >"${d}/www/public/index.html"
  for loc in "${PROTECTED_LOCATIONS[@]}"; do
    mkdir -p "${d}/www/${loc}"
    printf '%s ok\n' "${loc}" >"${d}/www/${loc}/index.html"
  done
  # /krb: a fully protected area with redirects inside it (see templates/httpd.conf).
  mkdir -p "${d}/www/krb/sub"
  printf 'krb sub ok\n' >"${d}/www/krb/sub/index.html"
  # /session/sub -> /session/sub/ (mod_dir): a redirect inside the session's cookie path.
  mkdir -p "${d}/www/session/sub"
  printf 'session sub ok\n' >"${d}/www/session/sub/index.html"
  printf 'krb new ok\n' >"${d}/www/krb/new"
  chmod -R u=rwX,go=rX "${d}/www"
}

write_httpd_conf() {
  local d=$1 http_port=$2 proxy_port=$3 user_group=""
  if is_root; then user_group=$(printf 'User %s\nGroup %s' "${WWW_USER}" "${WWW_USER}"); fi
  render httpd.conf "${d}/httpd.conf" GENERATOR="scripts/$(basename "$0")" DIR="${d}" REALM="${REALM}" \
    HTTP_PORT="${http_port}" PROXY_PORT="${proxy_port}" USER_GROUP="${user_group}" \
    MODULES="${APACHE_MODDIR}" ECHO_LOCATIONS="$(IFS='|' && echo "${PROTECTED_LOCATIONS[*]}")"
}

# Sourceable env file plus the same data as JSON (for Node test setup).
write_env_files() {
  local d=$1 kdc_port=$2 http_port=$3 proxy_port=$4
  local -a pairs=(
    REALM_DIR "${d}"
    REALM "${REALM}"
    KRB5_CONFIG "${d}/krb5.conf"
    KRB5_KDC_PROFILE "${d}/kdc.conf"
    KRB5CCNAME "FILE:${d}/ccache"
    KRB5_KTNAME "${d}/http.keytab"
    KRB5RCACHEDIR "${d}/rcache-client"
    KDC_PORT "${kdc_port}"
    HTTP_PORT "${http_port}"
    HTTP_URL "http://localhost:${http_port}"
    HTTP_URL_IP "http://127.0.0.1:${http_port}"
    ALIAS_HOST "${ALIAS_HOST}"
    HTTP_URL_ALIAS "http://${ALIAS_HOST}:${http_port}"
    PROXY_PORT "${proxy_port}"
    PROXY_URL "http://localhost:${proxy_port}"
    ALICE_PRINCIPAL "alice@${REALM}"
    ALICE_PASSWORD "${ALICE_PASSWORD}"
    ALICE_KEYTAB "${d}/alice.keytab"
    BOB_PRINCIPAL "bob@${REALM}"
    BOB_PASSWORD "${BOB_PASSWORD}"
    BOB_KEYTAB "${d}/bob.keytab"
    ACCESS_LOG "${d}/access.log"
    ERROR_LOG "${d}/error.log"
    KDC_LOG "${d}/kdc.log"
    DELEG_DIR "${d}/deleg"
    SESSION_KEY_FILE "${d}/session.key"
  )
  save_env "${d}" "scripts/realm.sh up" "${pairs[@]}"
}

# ------------------------------------------------------------------ steps ---

# Remove what a previous `up` generated so `down` + `up` gives a fresh realm.
clean_generated() {
  local d=$1
  rm -rf "${d}/kdb" "${d}/www" "${d}/cgi-bin" "${d}/run" "${d}/rcache" \
    "${d}/rcache-client" "${d}/deleg" "${d}/tmp" "${d}/trace"
  rm -f "${d}"/{krb5.conf,kdc.conf,httpd.conf,env,env.json,ccache,smoke.ccache} \
    "${d}"/{http,alice,bob}.keytab "${d}"/{krb5kdc,httpd}.pid "${d}/session.key" \
    "${d}"/{kdc,kadmin,error,access,httpd.stderr,kdc.stderr}.log \
    "${d}"/{kadmin.out,kdb5_util.out}
}

prepare_dirs() {
  local d=$1
  mkdir -p "${d}"
  make_traversable "${d}"
  clean_generated "${d}"
  mkdir -p "${d}/kdb" "${d}/cgi-bin" "${d}/run" "${d}/rcache" \
    "${d}/rcache-client" "${d}/deleg" "${d}/tmp" "${d}/trace"
  chmod 700 "${d}/kdb" "${d}/rcache-client"
  chmod 755 "${d}/cgi-bin" "${d}/run"
  # Written by Apache children (www-data): replay cache, delegated ccaches,
  # and the echo CGI's scratch files.
  chmod 700 "${d}/rcache" "${d}/deleg" "${d}/tmp"
  chmod 755 "${d}/trace"
  give_to_www "${d}/rcache" "${d}/deleg" "${d}/tmp" "${d}/trace"
}

create_database() {
  local d=$1 master_pw
  # The master key only protects this throwaway database.
  master_pw="master-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  : >"${d}/kdb/kadm5.acl"
  krb_env "${d}" kdb5_util -r "${REALM}" create -s -P "${master_pw}" \
    >"${d}/kdb5_util.out" 2>&1 ||
    { tail_log "${d}/kdb5_util.out"; die "kdb5_util create failed"; }
}

create_principals() {
  local d=$1 svc
  kadmin_q "${d}" addprinc -pw "${ALICE_PASSWORD}" "alice@${REALM}"
  kadmin_q "${d}" addprinc -pw "${BOB_PASSWORD}" "bob@${REALM}"
  for svc in "${HTTP_SERVICES[@]}"; do
    kadmin_q "${d}" addprinc -randkey "${svc}@${REALM}"
  done
  # -norandkey keeps the existing keys, so user passwords stay valid next to
  # the client keytabs, and service kvnos stay at 1.
  kadmin_q "${d}" ktadd -norandkey -k "${d}/http.keytab" \
    "${HTTP_SERVICES[@]/%/@${REALM}}"
  kadmin_q "${d}" ktadd -norandkey -k "${d}/alice.keytab" "alice@${REALM}"
  kadmin_q "${d}" ktadd -norandkey -k "${d}/bob.keytab" "bob@${REALM}"
  # Apache children (www-data) read the service keytab at request time.
  chmod 640 "${d}/http.keytab"
  if is_root; then chgrp "${WWW_USER}" "${d}/http.keytab"; fi
  chmod 600 "${d}/alice.keytab" "${d}/bob.keytab"
}

start_kdc() {
  local d=$1 port pid i
  port=$(kdc_port_of "${d}")
  if pid=$(live_pid "${d}/krb5kdc.pid" krb5kdc); then
    log "KDC already running (pid ${pid})"
    return 0
  fi
  tcp_open "${port}" && die "port ${port} (KDC) is already in use"
  local -a trace=()
  [[ ${REALM_TRACE:-0} == 1 ]] && trace=(KRB5_TRACE="${d}/trace/kdc.log")
  # -n: stay in the foreground so $! is the KDC itself. setsid detaches it
  # from the caller's process group (a Ctrl-C in a test runner must not kill
  # it half-way), and closing stdio keeps callers that wait for EOF on our
  # stdout (execFile, $(...)) from hanging until the KDC exits.
  krb_env_prefix "${d}"
  "${KRB_ENV[@]}" "${trace[@]}" setsid krb5kdc -n -r "${REALM}" \
    </dev/null >>"${d}/kdc.stderr.log" 2>&1 &
  pid=$!
  echo "${pid}" >"${d}/krb5kdc.pid"
  for ((i = 0; i < START_WAIT; i++)); do
    if tcp_open "${port}"; then
      # The recorded pid must be the KDC itself (not a wrapper or subshell),
      # otherwise kdc-stop and down could not stop it.
      live_pid "${d}/krb5kdc.pid" krb5kdc >/dev/null ||
        die "recorded KDC pid ${pid} is not krb5kdc"
      return 0
    fi
    pid_alive "${pid}" || break
    sleep 0.1
  done
  tail_log "${d}/kdc.stderr.log" "${d}/kdc.log"
  die "KDC did not start listening on 127.0.0.1:${port}"
}

stop_kdc() {
  local d=$1 pid
  if pid=$(live_pid "${d}/krb5kdc.pid" krb5kdc); then
    stop_pid krb5kdc "${pid}" TERM
  fi
  rm -f "${d}/krb5kdc.pid"
}

start_apache() {
  local d=$1 port=$2 pid="" i code
  tcp_open "${port}" && die "port ${port} (HTTP) is already in use"
  local -a trace=()
  # Apache children (www-data) open the trace file, hence DIR/trace.
  [[ ${REALM_TRACE:-0} == 1 ]] && trace=(KRB5_TRACE="${d}/trace/httpd.log")
  # apache2 -f inherits our environment; env -i (in krb_env) keeps the
  # caller's KRB5CCNAME etc. out, then we pass exactly what mod_auth_gssapi
  # needs: the realm's krb5.conf, the keytab, and a www-data-writable replay
  # cache directory (the default /var/tmp is outside DIR).
  krb_env "${d}" KRB5_KTNAME="FILE:${d}/http.keytab" \
    KRB5RCACHEDIR="${d}/rcache" "${trace[@]}" \
    apache2 -f "${d}/httpd.conf" -k start \
    </dev/null >>"${d}/httpd.stderr.log" 2>&1 ||
    { tail_log "${d}/httpd.stderr.log" "${d}/error.log"; die "apache2 failed to start"; }
  # apache2 daemonizes before binding, so a zero exit proves little: poll.
  for ((i = 0; i < START_WAIT; i++)); do
    if [[ -z ${pid} ]]; then
      pid=$(live_pid "${d}/httpd.pid" apache2) || pid=""
    fi
    if [[ -n ${pid} ]]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
        "http://127.0.0.1:${port}/public/" 2>/dev/null) || true
      [[ ${code} == 200 ]] && return 0
      pid_alive "${pid}" || break
    fi
    sleep 0.1
  done
  tail_log "${d}/httpd.stderr.log" "${d}/error.log"
  die "Apache did not answer on http://127.0.0.1:${port}/public/"
}

stop_apache() {
  local d=$1 pid
  if pid=$(live_pid "${d}/httpd.pid" apache2); then
    # graceful-stop (WINCH) lets in-flight requests finish; it is bounded by
    # GracefulShutdownTimeout in httpd.conf, then stop_pid escalates.
    stop_pid apache2 "${pid}" WINCH
  fi
  rm -f "${d}/httpd.pid"
}

# kinit from a client keytab (no prompt needed) into an explicit cache.
kinit_into() {
  local d=$1 ccache=$2 lifetime=$3 principal=$4 name keytab pw
  [[ ${ccache} == *:* ]] || ccache="FILE:${ccache}"
  [[ ${principal} == *@* ]] || principal="${principal}@${REALM}"
  name=${principal%@*}
  keytab="${d}/${name//\//_}.keytab"
  local -a life=()
  [[ -n ${lifetime} ]] && life=(-l "${lifetime}")
  if [[ -s ${keytab} ]]; then
    krb_env "${d}" kinit -c "${ccache}" "${life[@]}" -k -t "${keytab}" "${principal}"
  else
    case ${name} in
      alice) pw=${ALICE_PASSWORD} ;;
      bob) pw=${BOB_PASSWORD} ;;
      *) die "no keytab or known password for ${principal}" ;;
    esac
    # MIT kinit reads the password from stdin when it is not a terminal.
    krb_env "${d}" kinit -c "${ccache}" "${life[@]}" "${principal}" \
      <<<"${pw}" >/dev/null
  fi
}

# End-to-end check through Apache with a separate cache, so the default
# cache keeps only alice's TGT. Catches the silent failure modes (keytab not
# readable by www-data, wrong realm mapping) at `up` time instead of as a
# mysterious 401 inside a test. The access log is emptied afterwards so
# tests and benchmarks count only their own requests.
smoke_test() {
  local d=$1 port=$2 out
  kinit_into "${d}" "${d}/smoke.ccache" "" alice
  out=$(krb_env "${d}" KRB5CCNAME="FILE:${d}/smoke.ccache" \
    curl -s -i --max-time 5 --negotiate -u : \
    "http://localhost:${port}/negotiate/" 2>&1) || true
  rm -f "${d}/smoke.ccache"
  if ! grep -qi "^X-Remote-User: alice@${REALM}" <<<"${out}"; then
    printf '%s\n' "${out}" | head -n 20 >&2
    tail_log "${d}/error.log" "${d}/kdc.log"
    die "Negotiate smoke test against /negotiate/ failed"
  fi
  : >"${d}/access.log"
}

kdc_port_of() {
  local d=$1 port
  port=$(sed -n 's/^ *kdc_tcp_listen = 127\.0\.0\.1:\([0-9]*\)$/\1/p' "${d}/kdc.conf" 2>/dev/null)
  [[ -n ${port} ]] || die "${d} has no kdc.conf; run 'up' first"
  printf '%s\n' "${port}"
}

# --------------------------------------------------------------- commands ---

# EXIT trap while `up` is starting daemons: stop whatever already started.
UP_DIR=""
abort_up() {
  local rc=$?
  if [[ ${rc} -ne 0 && -n ${UP_DIR} ]]; then
    log "up failed; stopping what was started in ${UP_DIR}"
    stop_apache "${UP_DIR}" || true
    stop_kdc "${UP_DIR}" || true
  fi
}

cmd_up() {
  local d kdc_port http_port proxy_port t0 tool
  d=$(abs_dir "$1")
  t0=$(date +%s%N)
  if [[ -d ${d} ]] && { live_pid "${d}/krb5kdc.pid" krb5kdc ||
    live_pid "${d}/httpd.pid" apache2; } >/dev/null; then
    die "a realm is already running in ${d}; run 'down' first"
  fi
  for tool in kdb5_util kadmin.local krb5kdc kinit apache2 curl; do
    command -v "${tool}" >/dev/null || die "missing tool: ${tool}"
  done
  [[ -e ${APACHE_MODDIR}/mod_auth_gssapi.so ]] || die "mod_auth_gssapi not installed"

  prepare_dirs "${d}"
  read -r kdc_port http_port proxy_port < <(pick_ports 3) || true
  [[ -n ${proxy_port:-} ]] || die "could not pick free ports"

  write_krb5_conf "${d}" "${kdc_port}"
  write_kdc_conf "${d}" "${kdc_port}"
  create_database "${d}"
  create_principals "${d}"
  # From here on a failure (die -> exit) must not leave daemons running.
  UP_DIR=${d}
  trap 'abort_up' EXIT
  start_kdc "${d}"

  write_www "${d}"
  write_cgi "${d}"
  write_httpd_conf "${d}" "${http_port}" "${proxy_port}"
  start_apache "${d}" "${http_port}"

  kinit_into "${d}" "${d}/ccache" "" alice ||
    { tail_log "${d}/kdc.log"; die "kinit alice failed"; }
  smoke_test "${d}" "${http_port}"
  trap - EXIT

  write_env_files "${d}" "${kdc_port}" "${http_port}" "${proxy_port}"
  log "up in $((($(date +%s%N) - t0) / 1000000)) ms: KDC 127.0.0.1:${kdc_port}, HTTP http://localhost:${http_port}"
  cat "${d}/env"
}

cmd_down() {
  local d=$1 purge=$2
  d=$(abs_dir "${d}")
  if [[ -d ${d} ]]; then
    stop_apache "${d}"
    stop_kdc "${d}"
  fi
  if [[ ${purge} == 1 && -d ${d} ]]; then
    # Guard against an accidental `down / --purge`.
    [[ -f ${d}/krb5.conf || -f ${d}/httpd.conf || -z $(ls -A "${d}") ]] ||
      die "refusing to purge ${d}: it does not look like a realm dir"
    rm -rf -- "${d}"
  fi
}

# A new session key (the old cookies no longer decrypt) and a graceful reload,
# as an operator would rotate it. mod_auth_gssapi writes a fresh random key
# when the file is missing; the reload returns once the new generation serves.
cmd_rotate_session_key() {
  local d pid port i code
  d=$(abs_dir "$1")
  pid=$(live_pid "${d}/httpd.pid" apache2) || die "Apache is not running in ${d}"
  port=$(sed -n 's/^Listen 127\.0\.0\.1:\([0-9]*\)$/\1/p' "${d}/httpd.conf" | head -n 1)
  rm -f "${d}/session.key"
  krb_env "${d}" KRB5_KTNAME="FILE:${d}/http.keytab" KRB5RCACHEDIR="${d}/rcache" \
    apache2 -f "${d}/httpd.conf" -k graceful </dev/null >>"${d}/httpd.stderr.log" 2>&1 ||
    die "graceful reload failed"
  for ((i = 0; i < START_WAIT; i++)); do
    if [[ -s ${d}/session.key ]]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${port}/public/") || true
      [[ ${code} == 200 ]] && return 0
    fi
    sleep 0.1
  done
  die "Apache did not come back after the reload"
}

cmd_status() {
  local d rc=0 pid
  d=$(abs_dir "$1")
  if pid=$(live_pid "${d}/krb5kdc.pid" krb5kdc); then
    echo "krb5kdc: running (pid ${pid})"
  else
    echo "krb5kdc: stopped"
    rc=1
  fi
  if pid=$(live_pid "${d}/httpd.pid" apache2); then
    echo "apache2: running (pid ${pid})"
  else
    echo "apache2: stopped"
    rc=1
  fi
  return "${rc}"
}

main() {
  [[ $# -ge 2 ]] || usage
  local cmd=$1 d=$2
  shift 2
  case ${cmd} in
    up)
      [[ $# -eq 0 ]] || usage
      cmd_up "${d}"
      ;;
    down)
      local purge=0
      case ${1:-} in
        --purge) purge=1 ;;
        "") ;;
        *) usage ;;
      esac
      cmd_down "${d}" "${purge}"
      ;;
    status) cmd_status "${d}" ;;
    kdc-stop) stop_kdc "$(abs_dir "${d}")" ;;
    kdc-start) start_kdc "$(abs_dir "${d}")" ;;
    rotate-session-key) cmd_rotate_session_key "${d}" ;;
    kinit)
      [[ $# -ge 1 && $# -le 3 ]] || usage
      d=$(abs_dir "${d}")
      [[ -f ${d}/krb5.conf ]] || die "${d} has no krb5.conf; run 'up' first"
      kinit_into "${d}" "$1" "${2:-}" "${3:-alice}"
      ;;
    *) usage ;;
  esac
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi

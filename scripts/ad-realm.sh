#!/usr/bin/env bash
#
# ad-realm.sh - a throwaway Active Directory domain (Samba AD DC, KDC only) plus
# Apache/mod_auth_gssapi on 127.0.0.1, for the integration tests of axios-kerberos.
#
# Usage:
#   ad-realm.sh up DIR              copy a provisioned domain into DIR, start the
#                                   DC (KDC service only) and Apache, kinit alice,
#                                   write DIR/env + DIR/env.json, print DIR/env
#   ad-realm.sh down DIR [--purge]  stop what `up` started (idempotent);
#                                   --purge also removes DIR
#   ad-realm.sh status DIR          exit 0 if the DC and Apache are both running
#   ad-realm.sh samba-tool DIR ARGS...
#                                   samba-tool against this domain's sam.ldb,
#                                   e.g. `samba-tool DIR user disable dora`
#   ad-realm.sh ldb DIR PYTHON      run PYTHON with `db` (a SamDB on sam.ldb),
#                                   `base` (the domain DN) and `lp` (the loaded
#                                   smb.conf) defined: changes that samba-tool
#                                   refuses or would make slowly
#   ad-realm.sh kinit DIR CCACHE USER PASSWORD [-- KINIT-ARGS...]
#   ad-realm.sh template            provision the template now if it is not cached
#                                   (scripts/test.sh runs it beside the checks)
#
# Provisioning a domain takes seconds (10+ on a busy machine), so `up` copies a
# template provisioned once into AD_REALM_CACHE (default ~/.cache/axios-kerberos)
# and only writes a new smb.conf with this run's paths and ports.
#
# The domain: realm AD.AK.TEST (NetBIOS AKAD), password complexity and ageing
# off; users alice (alice-Passw0rd), crowd (member of 1600 groups) and club (500
# groups), both with password <name>-Passw0rd; the service account httpsvc holds
# HTTP/localhost and HTTP/127.0.0.1 (DIR/http.keytab: its AES keys under its own
# name, RC4 keys under the SPNs, as `samba-tool domain exportkeytab` gives them).
# Apache is the one of scripts/realm.sh (same locations and echo CGI).
#
# Everything lives in DIR (and the template cache); nothing is written to /etc
# and nothing listens outside 127.0.0.1. Samba is given an explicit smb.conf at
# every call, so the host's /etc/samba/smb.conf never leaks in.

set -euo pipefail

readonly REALM=AD.AK.TEST
readonly DOMAIN=AKAD
readonly DNS_DOMAIN=ad.ak.test
readonly ADMIN_PASSWORD='Admin-Passw0rd-1'
readonly GROUPS_CROWD=1600 GROUPS_CLUB=500
# Bump when the template's content changes, so an old cached template is not used.
readonly TEMPLATE_VERSION=2
readonly PY=/usr/bin/python3 # Debian's Samba bindings are for the system Python only

# The Apache set-up, process and port helpers of the MIT realm.
# shellcheck source=scripts/realm.sh
source "$(dirname "${BASH_SOURCE[0]}")/realm.sh"

ad_log() { printf 'ad-realm: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- template ---

template_dir() {
  local cache=${AD_REALM_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/axios-kerberos}
  local version
  version=$(samba --version | tr -c 'A-Za-z0-9.\n' '_')
  printf '%s/samba-ad-%s-v%s\n' "${cache}" "${version}" "${TEMPLATE_VERSION}"
}

# smb.conf for a domain in $1 (the DC's private, state and lock folders below it).
write_smb_conf() {
  local s=$1 kdc_port=$2 kpasswd_port=$3
  render smb.conf "${s}/etc/smb.conf" REALM="${REALM}" DOMAIN="${DOMAIN}" DIR="${s}" \
    KDC_PORT="${kdc_port}" KPASSWD_PORT="${kpasswd_port}"
}

samba_tool_in() {
  local s=$1
  shift
  env -i PATH="/usr/sbin:/usr/bin:/sbin:/bin" LANG=C samba-tool "$@" -s "${s}/etc/smb.conf"
}

# Users, groups, SPNs and keytabs of the template, in one Python process on sam.ldb:
# samba-tool would take a process (about half a second) per change and per group.
populate_template() {
  local s=$1 out=$2
  env -i PATH="/usr/sbin:/usr/bin:/sbin:/bin" LANG=C "${PY}" - "${s}/etc/smb.conf" "${out}" \
    "${GROUPS_CROWD}" "${GROUPS_CLUB}" <<'PY'
import sys
import ldb
from samba import dckeytab  # noqa: F401 (adds Net.export_keytab)
from samba.auth import system_session
from samba.net import Net
from samba.param import LoadParm
from samba.samdb import SamDB
lp = LoadParm()
lp.load(sys.argv[1])
out, crowd, club = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
db = SamDB(url=lp.private_path("sam.ldb"), session_info=system_session(), lp=lp)
base = str(db.domain_dn())

def replace(dn, **values):
    m = ldb.Message(ldb.Dn(db, dn))
    for name, value in values.items():
        m[name] = ldb.MessageElement(str(value), ldb.FLAG_MOD_REPLACE, name)
    db.modify(m)

# No complexity, history or ageing (maxPwdAge "never", as samba-tool writes it): tests change
# passwords freely and the template does not expire.
replace(base, pwdProperties=0, pwdHistoryLength=0, minPwdAge=0, maxPwdAge=-0x8000000000000000)
for user in ["alice", "crowd", "club"]:
    db.newuser(user, user + "-Passw0rd")
db.newuser("httpsvc", "httpsvc-Passw0rd-1")
m = ldb.Message(ldb.Dn(db, "CN=httpsvc,CN=Users," + base))
m["servicePrincipalName"] = ldb.MessageElement(["HTTP/localhost", "HTTP/127.0.0.1"], ldb.FLAG_MOD_ADD, "servicePrincipalName")
db.modify(m)
db.transaction_start()
for i in range(crowd):
    members = ["CN=crowd,CN=Users," + base] + (["CN=club,CN=Users," + base] if i < club else [])
    db.add({"dn": f"CN=g{i:04d},CN=Users,{base}", "objectClass": "group",
            "sAMAccountName": f"g{i:04d}", "member": members})
db.transaction_commit()
net = Net(None, lp)
# The account name brings the AES keys; an SPN only RC4 (samba-tool domain exportkeytab).
for principal in ["httpsvc", "HTTP/localhost", "HTTP/127.0.0.1"]:
    net.export_keytab(keytab=out + "/http.keytab", principal=principal)
net.export_keytab(keytab=out + "/alice.keytab", principal="alice")
PY
}

build_template() {
  local t=$1 tmp s
  tmp=$(mktemp -d "${t}.tmp.XXXXXX")
  s=${tmp}/samba
  mkdir -p "${s}/etc" "${s}/run"
  : >"${s}/etc/empty.conf"
  ad_log "provisioning the template domain in ${t} (once; takes a few seconds)"
  env -i PATH="/usr/sbin:/usr/bin:/sbin:/bin" LANG=C samba-tool domain provision \
    -s "${s}/etc/empty.conf" --targetdir="${s}" --realm="${REALM}" --domain="${DOMAIN}" \
    --server-role=dc --dns-backend=NONE --use-rfc2307 --host-ip=127.0.0.1 --host-name=dc1 \
    --adminpass="${ADMIN_PASSWORD}" >"${tmp}/provision.log" 2>&1 ||
    { tail_log "${tmp}/provision.log"; rm -rf "${tmp}"; die "samba-tool domain provision failed"; }
  # Ports are set per run; these are placeholders.
  write_smb_conf "${s}" 1 2
  populate_template "${s}" "${tmp}" >>"${tmp}/provision.log" 2>&1 ||
    { tail_log "${tmp}/provision.log"; rm -rf "${tmp}"; die "setting up the template domain failed"; }
  rm -f "${s}"/*.tdb "${s}/samba.log" # run-time state, recreated per run
  mv -T "${tmp}" "${t}" 2>/dev/null || rm -rf "${tmp}" # another run built it meanwhile
}

ensure_template() {
  local t
  t=$(template_dir)
  if [[ ! -f ${t}/samba/private/sam.ldb ]]; then
    mkdir -p "$(dirname "${t}")"
    # One builder at a time; the others wait for it and reuse its template.
    (
      flock 9
      [[ -f ${t}/samba/private/sam.ldb ]] || build_template "${t}"
    ) 9>"${t}.lock"
  fi
  printf '%s\n' "${t}"
}

# ------------------------------------------------------------------ samba ---

# Samba rewrites its command line ("samba: root process"), so a pid is ours when its
# executable is samba and its working directory is this domain's folder.
samba_pid() {
  local s=$1 pid
  [[ -s ${s}/samba.pid ]] || return 1
  pid=$(<"${s}/samba.pid")
  [[ ${pid} =~ ^[0-9]+$ ]] || return 1
  pid_alive "${pid}" || return 1
  [[ $(readlink "/proc/${pid}/exe" 2>/dev/null) == */samba ]] || return 1
  [[ $(readlink "/proc/${pid}/cwd" 2>/dev/null) == "${s}" ]] || return 1
  printf '%s\n' "${pid}"
}

start_samba() {
  local s=$1 port=$2 pid i
  tcp_open "${port}" && die "port ${port} (KDC) is already in use"
  # -i: foreground, no daemon fork; -M single: one process. setsid and closed stdio as
  # for the MIT KDC (see start_kdc in realm.sh).
  (cd "${s}" && exec env -i PATH="/usr/sbin:/usr/bin:/sbin:/bin" LANG=C \
    setsid samba -i -M single -s "${s}/etc/smb.conf" </dev/null >>"${s}/samba.stderr.log" 2>&1) &
  pid=$!
  echo "${pid}" >"${s}/samba.pid"
  for ((i = 0; i < START_WAIT * 2; i++)); do
    if tcp_open "${port}"; then
      samba_pid "${s}" >/dev/null || die "recorded Samba pid ${pid} is not samba in ${s}"
      return 0
    fi
    pid_alive "${pid}" || break
    sleep 0.1
  done
  tail_log "${s}/samba.stderr.log" "${s}/samba.log"
  die "Samba did not start listening on 127.0.0.1:${port}"
}

stop_samba() {
  local s=$1 pid
  if pid=$(samba_pid "${s}"); then
    stop_pid samba "${pid}" TERM
  fi
  rm -f "${s}/samba.pid"
}

# ---------------------------------------------------------- configuration ---

# templates/krb5.conf with the domain's kpasswd server, its DNS domain, and MIT's default skew.
write_ad_krb5_conf() {
  local d=$1 kdc_port=$2 kpasswd_port=$3
  render krb5.conf "${d}/krb5.conf" GENERATOR=scripts/ad-realm.sh REALM="${REALM}" DIR="${d}" \
    KDC_PORT="${kdc_port}" CLOCKSKEW=300 \
    REALM_EXTRA="        kpasswd_server = 127.0.0.1:${kpasswd_port}" \
    DOMAIN_REALM="    .${DNS_DOMAIN} = ${REALM}"
}

write_ad_env_files() {
  local d=$1 kdc_port=$2 http_port=$3 proxy_port=$4
  local -a pairs=(
    REALM_DIR "${d}"
    REALM "${REALM}"
    KRB5_CONFIG "${d}/krb5.conf"
    KRB5CCNAME "FILE:${d}/ccache"
    KRB5_KTNAME "${d}/http.keytab"
    KRB5RCACHEDIR "${d}/rcache-client"
    SMB_CONF "${d}/samba/etc/smb.conf"
    KDC_PORT "${kdc_port}"
    HTTP_PORT "${http_port}"
    HTTP_URL "http://localhost:${http_port}"
    HTTP_URL_IP "http://127.0.0.1:${http_port}"
    PROXY_URL "http://localhost:${proxy_port}"
    ALICE_PRINCIPAL "alice@${REALM}"
    ALICE_KEYTAB "${d}/alice.keytab"
    ACCESS_LOG "${d}/access.log"
    ERROR_LOG "${d}/error.log"
    DELEG_DIR "${d}/deleg"
  )
  save_env "${d}" "scripts/ad-realm.sh up" "${pairs[@]}"
}

ad_kinit() {
  local d=$1 ccache=$2 user=$3 password=$4
  shift 4
  [[ ${ccache} == *:* ]] || ccache="FILE:${ccache}"
  krb_env "${d}" kinit -c "${ccache}" "$@" "${user}" <<<"${password}" >/dev/null
}

# --------------------------------------------------------------- commands ---

AD_UP_DIR=""
abort_ad_up() {
  local rc=$?
  if [[ ${rc} -ne 0 && -n ${AD_UP_DIR} ]]; then
    ad_log "up failed; stopping what was started in ${AD_UP_DIR}"
    stop_apache "${AD_UP_DIR}" || true
    stop_samba "${AD_UP_DIR}/samba" || true
  fi
}

cmd_ad_up() {
  local d t kdc_port http_port proxy_port kpasswd_port t0 tool out
  d=$(abs_dir "$1")
  t0=$(date +%s%N)
  if [[ -d ${d} ]] && { samba_pid "${d}/samba" || live_pid "${d}/httpd.pid" apache2; } >/dev/null; then
    die "a domain is already running in ${d}; run 'down' first"
  fi
  for tool in samba samba-tool kinit apache2 curl flock "${PY}"; do
    command -v "${tool}" >/dev/null || die "missing tool: ${tool}"
  done
  [[ -e ${APACHE_MODDIR}/mod_auth_gssapi.so ]] || die "mod_auth_gssapi not installed"
  t=$(ensure_template)

  prepare_dirs "${d}"
  rm -rf "${d}/samba"
  read -r kdc_port http_port proxy_port kpasswd_port < <(pick_ports 4) || true
  [[ -n ${kpasswd_port:-} ]] || die "could not pick free ports"

  cp -a "${t}/samba" "${d}/samba"
  mkdir -p "${d}/samba/run"
  write_smb_conf "${d}/samba" "${kdc_port}" "${kpasswd_port}"
  cp "${t}/http.keytab" "${t}/alice.keytab" "${d}/"
  chmod 640 "${d}/http.keytab"
  if is_root; then chgrp "${WWW_USER}" "${d}/http.keytab"; fi
  chmod 600 "${d}/alice.keytab"
  write_ad_krb5_conf "${d}" "${kdc_port}" "${kpasswd_port}"

  AD_UP_DIR=${d}
  trap 'abort_ad_up' EXIT
  start_samba "${d}/samba" "${kdc_port}"
  write_www "${d}"
  write_cgi "${d}"
  write_httpd_conf "${d}" "${http_port}" "${proxy_port}"
  start_apache "${d}" "${http_port}"

  ad_kinit "${d}" "${d}/ccache" alice alice-Passw0rd ||
    { tail_log "${d}/samba/samba.log"; die "kinit alice failed"; }
  out=$(krb_env "${d}" curl -s -i --max-time 5 --negotiate -u : "http://localhost:${http_port}/negotiate/" 2>&1) || true
  if ! grep -qi "^X-Remote-User: alice@${REALM}" <<<"${out}"; then
    printf '%s\n' "${out}" | head -n 20 >&2
    tail_log "${d}/error.log" "${d}/samba/samba.log"
    die "Negotiate smoke test against /negotiate/ failed"
  fi
  : >"${d}/access.log"
  trap - EXIT

  write_ad_env_files "${d}" "${kdc_port}" "${http_port}" "${proxy_port}"
  ad_log "up in $((($(date +%s%N) - t0) / 1000000)) ms: KDC 127.0.0.1:${kdc_port}, HTTP http://localhost:${http_port}"
  cat "${d}/env"
}

cmd_ad_down() {
  local d=$1 purge=$2
  d=$(abs_dir "${d}")
  if [[ -d ${d} ]]; then
    stop_apache "${d}"
    stop_samba "${d}/samba"
  fi
  if [[ ${purge} == 1 && -d ${d} ]]; then
    [[ -f ${d}/krb5.conf || -d ${d}/samba || -z $(ls -A "${d}") ]] ||
      die "refusing to purge ${d}: it does not look like a domain dir"
    rm -rf -- "${d}"
  fi
}

cmd_ad_status() {
  local d rc=0 pid
  d=$(abs_dir "$1")
  if pid=$(samba_pid "${d}/samba"); then echo "samba: running (pid ${pid})"; else
    echo "samba: stopped"
    rc=1
  fi
  if pid=$(live_pid "${d}/httpd.pid" apache2); then echo "apache2: running (pid ${pid})"; else
    echo "apache2: stopped"
    rc=1
  fi
  return "${rc}"
}

cmd_ldb() {
  local d=$1 code=$2
  env -i PATH="/usr/sbin:/usr/bin:/sbin:/bin" LANG=C "${PY}" - "${d}/samba/etc/smb.conf" "${code}" <<'PY'
import sys
import ldb
from samba.auth import system_session
from samba.param import LoadParm
from samba.samdb import SamDB
lp = LoadParm()
lp.load(sys.argv[1])
db = SamDB(url=lp.private_path("sam.ldb"), session_info=system_session(), lp=lp)
base = str(db.domain_dn())
exec(sys.argv[2])
PY
}

ad_main() {
  if [[ $# -eq 1 && $1 == template ]]; then
    ensure_template >/dev/null
    return
  fi
  [[ $# -ge 2 ]] || usage
  local cmd=$1 d=$2
  shift 2
  case ${cmd} in
    up)
      [[ $# -eq 0 ]] || usage
      cmd_ad_up "${d}"
      ;;
    down)
      local purge=0
      case ${1:-} in
        --purge) purge=1 ;;
        "") ;;
        *) usage ;;
      esac
      cmd_ad_down "${d}" "${purge}"
      ;;
    status) cmd_ad_status "${d}" ;;
    samba-tool) samba_tool_in "$(abs_dir "${d}")/samba" "$@" ;;
    ldb)
      [[ $# -eq 1 ]] || usage
      cmd_ldb "$(abs_dir "${d}")" "$1"
      ;;
    kinit)
      [[ $# -ge 3 ]] || usage
      local ccache=$1 user=$2 password=$3
      shift 3
      [[ ${1:-} == -- ]] && shift
      ad_kinit "$(abs_dir "${d}")" "${ccache}" "${user}" "${password}" "$@"
      ;;
    *) usage ;;
  esac
}

ad_main "$@"

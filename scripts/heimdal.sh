#!/usr/bin/env bash
#
# heimdal.sh - Heimdal Kerberos peers for the integration tests, next to the MIT realm of
# realm.sh: Debian's Heimdal 7.8 packages unpacked into a cache folder (Heimdal conflicts with
# MIT as installed packages, so they are never installed), the `kerberos` addon built against
# Heimdal's GSS-API, and a throwaway Heimdal KDC on 127.0.0.1.
#
# Usage:
#   heimdal.sh fetch              download + unpack the packages into the cache (once)
#   heimdal.sh addon              fetch, then build the addon against Heimdal (once);
#                                 prints the preload file that makes require('kerberos')
#                                 load it: node -r <file> ... (one process, one GSS library)
#   heimdal.sh up DIR             a Heimdal KDC for realm HK.TEST in DIR, alice's ticket
#                                 in DIR/ccache; writes DIR/env + DIR/env.json, prints DIR/env
#   heimdal.sh down DIR [--purge] stop that KDC (by the pid it recorded); --purge removes DIR
#
# The cache is HEIMDAL_CACHE (default node_modules/.cache/heimdal); nothing is written
# outside it and DIR, and nothing listens outside 127.0.0.1.

set -euo pipefail
# shellcheck source=scripts/env-files.sh
source "$(dirname "${BASH_SOURCE[0]}")/env-files.sh"
# shellcheck source=scripts/ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"
# shellcheck source=scripts/render.sh
source "$(dirname "${BASH_SOURCE[0]}")/render.sh"
# shellcheck source=scripts/procs.sh
source "$(dirname "${BASH_SOURCE[0]}")/procs.sh"

ROOT=$(cd "$(dirname "$0")/.." && pwd)
readonly ROOT
readonly CACHE=${HEIMDAL_CACHE:-${ROOT}/node_modules/.cache/heimdal}
readonly PKG_ROOT=${CACHE}/root
readonly ADDON=${CACHE}/kerberos
readonly PRELOAD=${CACHE}/use-heimdal.cjs
readonly REALM=HK.TEST
readonly ALICE_PASSWORD='alice-Passw0rd'
# The packages of heimdal-kdc, heimdal-clients and heimdal-multidev (headers), with the Heimdal
# libraries they need. Their other dependencies (libcom-err2, libedit2, libcap-ng0, comerr-dev)
# come with MIT's packages.
readonly PACKAGES=(heimdal-kdc heimdal-clients heimdal-multidev libasn1-8-heimdal libgssapi3-heimdal
  libhcrypto5-heimdal libhdb9-heimdal libheimbase1-heimdal libheimntlm0-heimdal libhx509-5-heimdal
  libkadm5clnt7-heimdal libkadm5srv8-heimdal libkafs0-heimdal libkdc2-heimdal libkrb5-26-heimdal
  libotp0-heimdal libroken19-heimdal libsl0-heimdal libwind0-heimdal)

log() { printf 'heimdal: %s\n' "$*" >&2; }
die() { printf 'heimdal: error: %s\n' "$*" >&2; exit 1; }

libdir() { printf '%s/usr/lib/%s' "${PKG_ROOT}" "$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)"; }

# ------------------------------------------------------------------ fetch ---

fetch() {
  local stamp=${PKG_ROOT}/.packages want
  want="${PACKAGES[*]}"
  [[ -f ${stamp} && $(<"${stamp}") == "${want}" ]] && return 0
  command -v apt-get >/dev/null || die "apt-get is needed to download the Heimdal packages"
  log "downloading and unpacking ${#PACKAGES[@]} Heimdal packages into ${PKG_ROOT}"
  local tmp
  tmp=$(mktemp -d)
  # apt-get download writes into the current folder; as root it warns that _apt cannot.
  # A fresh machine may have no package lists yet: as root, fetch them once and try again.
  if ! (cd "${tmp}" && chmod 755 . && apt-get download -qq "${PACKAGES[@]}" >&2); then
    if [[ ${EUID} -eq 0 ]] && apt-get update -qq >&2 && (cd "${tmp}" && apt-get download -qq "${PACKAGES[@]}" >&2); then
      :
    else
      rm -rf "${tmp}"
      die "apt-get download failed (run apt-get update?)"
    fi
  fi
  rm -rf "${PKG_ROOT}"
  mkdir -p "${PKG_ROOT}"
  local deb
  for deb in "${tmp}"/*.deb; do dpkg -x "${deb}" "${PKG_ROOT}"; done
  rm -rf "${tmp}"
  printf '%s\n' "${want}" >"${stamp}"
}

# ------------------------------------------------------------------ addon ---

# The addon's sources, copied and adapted to Heimdal 7.8: it has no gssapi_generic.h (a shim
# gives MIT's name for the host-based service name type), its krb5_kt_cursor is a struct,
# its keytab entries are freed with krb5_kt_free_entry, and its own krb5_get_err_text would
# make the addon's helper of that name ambiguous. Only keytab listing and password checks
# use those; the client code is unchanged. Linked at build time (no dlopen of MIT's
# libgssapi_krb5), with an RPATH to the unpacked libraries.
addon() {
  fetch
  local src=${ROOT}/node_modules/kerberos version stamp=${ADDON}/.built
  [[ -f ${src}/package.json ]] || die "node_modules/kerberos is missing: run npm ci"
  version=$(node -p "require('${src}/package.json').version")
  if [[ -f ${stamp} && $(<"${stamp}") == "${version}" && -f ${PRELOAD} ]]; then
    printf '%s\n' "${PRELOAD}"
    return 0
  fi
  log "building kerberos ${version} against Heimdal into ${ADDON}"
  rm -rf "${ADDON}"
  mkdir -p "${ADDON}/heimdal-shim/gssapi"
  cp -r "${src}/src" "${src}/lib" "${src}/package.json" "${ADDON}/"
  cat >"${ADDON}/heimdal-shim/gssapi/gssapi_generic.h" <<'EOF'
/* Heimdal has no gssapi_generic.h: MIT's name for the host-based service name type. */
#include <gssapi/gssapi.h>
#include <krb5.h>
#define gss_nt_service_name GSS_C_NT_HOSTBASED_SERVICE
EOF
  local file=${ADDON}/src/unix/kerberos_gss.cc
  perl -0pi -e '
    s/krb5_kt_cursor cursor = NULL;/krb5_kt_cursor cursor{};\n    bool cursor_open = false;/ or die "cursor";
    s/(Cannot get sequence cursor from keytab", code\);\n        goto end;\n    \})/$1\n    cursor_open = true;/ or die "cursor_open";
    s/if \(cursor\)\n/if (cursor_open)\n/ or die "end_seq_get";
    s/krb5_free_keytab_entry_contents/krb5_kt_free_entry/g or die "free_entry";
    s/gss_error_result_with_message_and_code\(krb5_get_err_text\(/gss_error_result_with_message_and_code(node_kerberos::krb5_get_err_text(/g or die "err_text";
  ' "${file}" || die "the sources of kerberos ${version} changed: adapt the patch in scripts/heimdal.sh"
  local lib
  lib=$(libdir)
  cat >"${ADDON}/binding.gyp" <<EOF
{
  'targets': [{
    'target_name': 'kerberos',
    'type': 'loadable_module',
    'include_dirs': [
      "<!(node -p \"require('node-addon-api').include_dir\")",
      'heimdal-shim',
      '${PKG_ROOT}/usr/include/heimdal',
    ],
    'sources': ['src/kerberos.cc', 'src/unix/base64.cc', 'src/unix/kerberos_gss.cc', 'src/unix/kerberos_unix.cc'],
    'cflags!': ['-fno-exceptions'],
    'cflags_cc!': ['-fno-exceptions'],
    'cflags_cc': ['-Wno-deprecated-declarations'],
    'libraries': [
      '-L${lib}/heimdal',
      '-Wl,--disable-new-dtags,-rpath,${lib}',
      '-lgssapi', '-lkrb5', '-lcom_err',
    ],
  }]
}
EOF
  local nodedir=${npm_config_nodedir:-}
  if [[ -z ${nodedir} ]]; then
    local dir
    for dir in /usr /usr/local; do
      if [[ -f ${dir}/include/node/node_api.h ]]; then nodedir=${dir}; break; fi
    done
  fi
  # node-gyp as npm bundles it (npm's bin/npm-cli.js sits beside its node_modules), or a local one.
  local gyp='' candidate
  for candidate in "$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js" \
    "${ROOT}/node_modules/node-gyp/bin/node-gyp.js"; do
    if [[ -f ${candidate} ]]; then gyp=${candidate}; break; fi
  done
  [[ -n ${gyp} ]] || die "node-gyp not found (it comes with npm)"
  (cd "${ADDON}" && node "${gyp}" rebuild ${nodedir:+--nodedir="${nodedir}"} >"${ADDON}/build.log" 2>&1) ||
    { tail -n 30 "${ADDON}/build.log" >&2; die "building the addon failed (log: ${ADDON}/build.log)"; }
  cat >"${PRELOAD}" <<EOF
// Generated by scripts/heimdal.sh: require('kerberos') loads the addon built against Heimdal.
// Preload it with node -r in a process of its own: MIT's and Heimdal's gss_* symbols clash.
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolve.call(this, request === 'kerberos' ? '${ADDON}' : request, ...rest);
};
EOF
  printf '%s\n' "${version}" >"${stamp}"
  printf '%s\n' "${PRELOAD}"
}

# -------------------------------------------------------------------- KDC ---

heimdal_env() {
  HEIMDAL_ENV=(env -i PATH="/usr/sbin:/usr/bin:/sbin:/bin" LANG=C LD_LIBRARY_PATH="$(libdir)"
    KRB5_CONFIG="$1/krb5.conf")
}

pid_of_kdc() { live_pid "$1/kdc.pid" kdc; }

up() {
  local d=$1
  fetch
  pid_of_kdc "${d}" >/dev/null 2>&1 && die "a KDC already runs in ${d}"
  mkdir -p "${d}"
  d=$(cd "${d}" && pwd)
  local port
  port=$(pick_ports 1) || die "could not pick a free port"
  # The client side: templates/krb5.conf, with a realm this KDC has no trust to (wrong-realm
  # tests). The KDC's and kadmin's own settings (database, port, log) are in DIR/kdc.conf.
  render krb5.conf "${d}/krb5.conf" GENERATOR=scripts/heimdal.sh REALM="${REALM}" DIR="${d}" \
    KDC_PORT="${port}" CLOCKSKEW=5 REALM_EXTRA="" \
    DOMAIN_REALM="$(printf '    %s\n' ".example.test = ${REALM}" ".other.test = OTHER.TEST")"
  render heimdal-kdc.conf "${d}/kdc.conf" DIR="${d}" KDC_PORT="${port}"
  : >"${d}/kadmind.acl"
  heimdal_env "${d}"
  local kadmin=("${HEIMDAL_ENV[@]}" "${PKG_ROOT}/usr/bin/kadmin.heimdal" -l -c "${d}/kdc.conf")
  {
    "${HEIMDAL_ENV[@]}" "${PKG_ROOT}/usr/sbin/kstash" --random-key --key-file="${d}/m-key"
    "${kadmin[@]}" init --realm-max-ticket-life=1d --realm-max-renewable-life=1w "${REALM}"
    "${kadmin[@]}" add --password="${ALICE_PASSWORD}" --use-defaults alice
    "${kadmin[@]}" add --random-key --use-defaults HTTP/localhost
    "${kadmin[@]}" ext_keytab -k "${d}/http.keytab" HTTP/localhost
  } >>"${d}/kadmin.out" 2>&1 || { tail -n 20 "${d}/kadmin.out" >&2; die "creating the database failed"; }
  (cd "${d}" && exec "${HEIMDAL_ENV[@]}" "${PKG_ROOT}/usr/lib/heimdal-servers/kdc" \
    --config-file="${d}/kdc.conf" --ports="${port}" --addresses=127.0.0.1 >>"${d}/kdc.out" 2>&1) &
  echo $! >"${d}/kdc.pid"
  local i
  for ((i = 0; i < 100; i++)); do
    tcp_open "${port}" && break
    pid_alive "$(<"${d}/kdc.pid")" || { cat "${d}/kdc.out" >&2; die "the KDC did not start"; }
    sleep 0.1
  done
  (umask 077 && printf '%s\n' "${ALICE_PASSWORD}" |
    "${HEIMDAL_ENV[@]}" "${PKG_ROOT}/usr/bin/kinit.heimdal" --password-file=STDIN -c "FILE:${d}/ccache" \
      "alice@${REALM}") || die "kinit alice failed"
  save_env "${d}" "scripts/heimdal.sh up" \
    HEIMDAL_DIR "${d}" \
    HEIMDAL_REALM "${REALM}" \
    HEIMDAL_KRB5_CONFIG "${d}/krb5.conf" \
    HEIMDAL_KRB5CCNAME "FILE:${d}/ccache" \
    HEIMDAL_KDC_PORT "${port}" \
    HEIMDAL_KEYTAB "${d}/http.keytab"
  log "Heimdal KDC for ${REALM} on 127.0.0.1:${port}"
  cat "${d}/env"
}

down() {
  local d=$1 purge=${2:-} pid child
  if [[ -d ${d} ]] && pid=$(pid_of_kdc "${d}"); then
    # The KDC forks listeners; they are its children and leave with it, but are checked too.
    local children
    children=$(pgrep -P "${pid}" || true)
    stop_pid kdc "${pid}" TERM
    for child in ${children}; do
      if pid_is "${child}" kdc; then kill "${child}" 2>/dev/null || true; fi
    done
  fi
  rm -f "${d}/kdc.pid"
  if [[ ${purge} == --purge ]]; then rm -rf "${d}"; fi
}

case ${1:-} in
  fetch) fetch ;;
  addon) addon ;;
  up) [[ -n ${2:-} ]] || die "usage: heimdal.sh up DIR"; up "$2" ;;
  down) [[ -n ${2:-} ]] || die "usage: heimdal.sh down DIR [--purge]"; down "$2" "${3:-}" ;;
  *) sed -n '3,/^$/{s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac

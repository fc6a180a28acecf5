#!/usr/bin/env bash
#
# with-realm.sh CMD [ARGS...]
#
# Bring up a throwaway Kerberos realm + Apache (scripts/realm.sh) in a fresh
# temporary folder, run CMD with the realm's environment (KRB5_CONFIG,
# KRB5CCNAME, HTTP_URL, ... see DIR/env), always tear the realm down, and
# exit with CMD's exit code.
#
#   scripts/with-realm.sh npx jest __tests__/integration
#   scripts/with-realm.sh bash -c 'curl --negotiate -u : "$HTTP_URL/negotiate/"'
#
# The folder is removed afterwards unless CMD failed or KEEP_REALM=1, so
# that logs (access.log, error.log, kdc.log) can be inspected.

set -euo pipefail

[[ $# -ge 1 ]] || { sed -n '3,14{s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
realm_sh="${here}/realm.sh"

# mktemp -d gives 0700; realm.sh up makes it (and its parents) traversable
# for Apache's www-data children.
realm_dir=$(mktemp -d "${TMPDIR:-/tmp}/ak-realm.XXXXXX")
rc=1

# shellcheck disable=SC2317  # invoked via trap
cleanup() {
  # Runs on every exit path (normal, error, signal): never leave daemons.
  "${realm_sh}" down "${realm_dir}" >&2 || true
  if [[ ${rc} -eq 0 && ${KEEP_REALM:-0} != 1 ]]; then
    rm -rf -- "${realm_dir}"
  else
    echo "with-realm: realm files kept in ${realm_dir}" >&2
  fi
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap runs exactly once.
trap 'rc=130; exit 130' INT
trap 'rc=143; exit 143' TERM

"${realm_sh}" up "${realm_dir}" >/dev/null

# shellcheck source=/dev/null
source "${realm_dir}/env"

set +e
"$@"
rc=$?
set -e
exit "${rc}"

#!/usr/bin/env bash
# Installs what the tests, the demo and the benchmark need, and nothing that is there already:
# Debian packages for the MIT KDC, Apache with mod_auth_gssapi, Squid (a Kerberos proxy) and
# the headers the native `kerberos` module builds against, Samba's AD DC and OpenJDK for the
# interoperability peers (scripts/ad-realm.sh, the Java acceptor), shellcheck for the lint
# step, then the npm dependencies (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(krb5-kdc krb5-admin-server krb5-user libkrb5-dev apache2 libapache2-mod-auth-gssapi curl python3-requests-kerberos squid openssl shellcheck
  samba samba-ad-dc samba-ad-provision openjdk-17-jdk-headless)

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s ' "$p"
  done
}

missing=$(missing_packages)
if [[ -n $missing ]]; then
  if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: $missing" >&2
    # No service starts on install in this kind of machine; policy-rc.d keeps it that way elsewhere.
    apt-get update -qq >&2
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2
  else
    echo "setup: missing Debian packages: $missing" >&2
    echo "setup: run: sudo apt-get install -y $missing" >&2
    exit 1
  fi
fi

# node-gyp cannot download Node's headers here; build the native module against the local ones.
if [[ -z ${npm_config_nodedir:-} ]] && [[ -z $(npm config get nodedir 2>/dev/null | grep -v '^undefined$' || true) ]]; then
  for dir in /usr /usr/local; do
    if [[ -f $dir/include/node/node_api.h ]]; then export npm_config_nodedir=$dir; break; fi
  done
fi

if [[ ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund >&2
fi

if ! node -e "require('kerberos')" 2>/dev/null; then
  echo "setup: building the native kerberos module" >&2
  npm rebuild kerberos >&2
  node -e "require('kerberos')"
fi

# The addon again, built against Heimdal's GSS-API from Debian packages unpacked into
# node_modules/.cache/heimdal (never installed: Heimdal conflicts with MIT), for the
# integration tests that run the library on Heimdal (scripts/heimdal.sh).
if [[ ! -f node_modules/.cache/heimdal/kerberos/.built ]]; then
  echo "setup: building the kerberos module against Heimdal" >&2
  bash scripts/heimdal.sh addon >/dev/null
fi

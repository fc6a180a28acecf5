#!/usr/bin/env bash
# The demo of the README's quick start: installs what is missing, brings a throwaway realm
# up on 127.0.0.1 (MIT KDC + Apache with mod_auth_gssapi, a ticket for alice from kinit),
# makes one authenticated request with axios-kerberos, and brings the realm down again.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
npm run --silent build >/dev/null
exec bash scripts/with-realm.sh node examples/demo.mjs

#!/usr/bin/env bash
# The whole test suite, as the README's quick start runs it: set-up if needed, type check,
# lint, format check, build, then Jest (unit tests, and integration tests against a real
# throwaway realm that Jest's global setup brings up and down). Extra arguments go to Jest.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# On a fresh machine the AD domain's template takes seconds to provision: build it beside the
# checks below (`ad-realm.sh up` waits for it under its lock). Waited for on any exit.
bash scripts/ad-realm.sh template &
trap 'wait' EXIT
echo "== typecheck" >&2
npx tsc -p tsconfig.json
echo "== lint" >&2
npx eslint --max-warnings 0 .
shellcheck scripts/*.sh scripts/templates/cgi-bin/*.cgi
echo "== format" >&2
npx prettier --check --log-level warn .
echo "== build" >&2
npm run --silent build
echo "== package" >&2
bash scripts/check-package.sh
echo "== jest" >&2
npx jest "$@"

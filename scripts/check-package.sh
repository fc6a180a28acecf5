#!/usr/bin/env bash
# Checks the published shape of the package: publint (package.json fields, exports) and
# Are The Types Wrong (types resolve for require, import and bundlers) on the packed tarball.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm pack --silent --pack-destination "$out" >/dev/null
tarball=$(ls "$out"/*.tgz)
npx publint --strict --level suggestion "$tarball"
npx attw --format table-flipped "$tarball"

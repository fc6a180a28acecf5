#!/usr/bin/env bash
# Checks the published shape of the package: publint (package.json fields, exports) and
# Are The Types Wrong (types resolve for require, import and bundlers) on the packed tarball,
# and that the tarball holds the LICENSE and the docs the README links to.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npm pack --silent --pack-destination "$out" >/dev/null
tarball=$(ls "$out"/*.tgz)
npx publint --strict --level suggestion "$tarball"
npx attw --format table-flipped "$tarball"

# The README links into docs/ and the manifest names a licence: both must be in the tarball.
listing=$(tar -tzf "$tarball")
for required in package/LICENSE package/README.md package/docs/options.md package/docs/errors.md; do
  grep -qx "$required" <<<"$listing" || { echo "check-package: $required is not packed" >&2; exit 1; }
done

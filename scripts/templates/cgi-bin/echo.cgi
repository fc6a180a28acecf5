#!/bin/bash
# The echo CGI of scripts/realm.sh (copied to DIR/cgi-bin; runs under mod_cgid, as www-data
# when the realm runs as root): reports who authenticated, the method, and the sha256 and
# length of the body it actually read, so tests can prove a request body re-sent after a 401
# arrived intact.
set -u
# Scratch files go to DIR/tmp, which Apache's children may write.
tmp=$(mktemp "$(dirname "$0")/../tmp/body.XXXXXX") || exit 1
trap 'rm -f "$tmp"' EXIT
# mod_cgid half-closes stdin after the body, so cat also works for chunked
# uploads that carry no CONTENT_LENGTH.
if [ -n "${CONTENT_LENGTH:-}" ]; then
  head -c "$CONTENT_LENGTH" >"$tmp"
else
  cat >"$tmp"
fi
sum=$(sha256sum <"$tmp")
len=$(wc -c <"$tmp")
json_str() {
  if [ -z "$1" ]; then
    printf 'null'
    return
  fi
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}
printf 'Content-Type: application/json\r\n\r\n'
printf '{"user":%s,"method":%s,"path":%s,"auth_type":%s,"sha256":"%s","length":%d,"delegated":%s,"ccache":%s}\n' \
  "$(json_str "${REMOTE_USER:-}")" "$(json_str "${REQUEST_METHOD:-}")" \
  "$(json_str "${REQUEST_URI:-}")" "$(json_str "${AUTH_TYPE:-}")" \
  "${sum%% *}" "$len" \
  "$([ -n "${KRB5CCNAME:-}" ] && echo true || echo false)" \
  "$(json_str "${KRB5CCNAME:-}")"

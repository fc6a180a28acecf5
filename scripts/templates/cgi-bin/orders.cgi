#!/bin/bash
# The orders CGI of scripts/realm.sh (copied to DIR/cgi-bin; runs under mod_cgid), for
# redirects after a POST: `POST /krb/orders?run=R&status=303` (or 307, or `/public/orders`)
# counts one order for run R and answers `status` with Location `/krb/orders/42?run=R`; any
# request there reports the method, the body length and how many orders run R made, so a
# test proves the POST ran exactly once.
set -u
query=${QUERY_STRING:-}
run=$(printf '%s' "$query" | sed -n 's/.*run=\([A-Za-z0-9-]*\).*/\1/p')
status=$(printf '%s' "$query" | sed -n 's/.*status=\(30[1-8]\).*/\1/p')
# Counters live in DIR/tmp, which Apache's children may write.
counter="$(dirname "$0")/../tmp/orders-${run:-none}"
body=$(head -c "${CONTENT_LENGTH:-0}" | wc -c)
case "${REQUEST_URI%%\?*}" in
  */orders)
    if [ "${REQUEST_METHOD:-}" = POST ]; then echo x >>"$counter"; fi
    printf 'Status: %s Redirect\r\nLocation: /krb/orders/42?run=%s\r\n\r\n' "${status:-303}" "$run"
    ;;
  *)
    orders=$([ -f "$counter" ] && wc -l <"$counter" || echo 0)
    printf 'Content-Type: application/json\r\n\r\n'
    printf '{"user":"%s","method":"%s","length":%d,"orders":%d}\n' \
      "${REMOTE_USER:-}" "${REQUEST_METHOD:-}" "$body" "$orders"
    ;;
esac

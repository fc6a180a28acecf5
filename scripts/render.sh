#!/usr/bin/env bash
# render.sh - sourced by realm.sh, ad-realm.sh, heimdal.sh and squid.sh: fills the configuration
# templates of scripts/templates/.
#
#   render TEMPLATE OUT NAME=VALUE [NAME=VALUE ...]
#
# Every {{NAME}} in scripts/templates/TEMPLATE becomes VALUE (any text, several lines too,
# copied as is); a line that holds only {{NAME}} goes away when VALUE is empty. The result is
# written to OUT. It fails, writing nothing, when a {{NAME}} is left without a value or a NAME
# given does not occur in the template, so a misspelt placeholder is an error rather than an
# empty setting.

TEMPLATES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/templates" && pwd)

render() {
  local template=${TEMPLATES_DIR}/$1 out=$2 pair name text left='\{\{[A-Za-z0-9_]+\}\}'
  shift 2
  [[ -f ${template} ]] || { printf 'render: no template %s\n' "${template}" >&2; return 1; }
  # Framed by newlines, so that a whole-line placeholder on the first or last line is a line too.
  text=$'\n'$(<"${template}")$'\n'
  for pair in "$@"; do
    name=${pair%%=*}
    if [[ ${pair} != *=* || ! ${name} =~ ^[A-Z][A-Z0-9_]*$ ]]; then
      printf 'render: %s: NAME=VALUE expected, got %q\n' "${template}" "${pair}" >&2
      return 1
    fi
    if [[ ${text} != *"{{${name}}}"* ]]; then
      printf 'render: %s has no {{%s}}\n' "${template}" "${name}" >&2
      return 1
    fi
    if [[ -z ${pair#*=} ]]; then text=${text//$'\n'"{{${name}}}"$'\n'/$'\n'}; fi
    # Quoted, so that & and \ in the value stay as they are (bash 5.2's patsub_replacement).
    text=${text//"{{${name}}}"/"${pair#*=}"}
  done
  if [[ ${text} =~ ${left} ]]; then
    printf 'render: %s: no value for %s\n' "${template}" "${BASH_REMATCH[0]}" >&2
    return 1
  fi
  text=${text#$'\n'}
  printf '%s' "${text%$'\n'}"$'\n' >"${out}"
}

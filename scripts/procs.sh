#!/usr/bin/env bash
# procs.sh - sourced by realm.sh, ad-realm.sh, heimdal.sh and squid.sh: the process helpers
# that start, find and stop the daemons of the test realms.
#
#   pid_alive PID                 true if PID runs and is not a zombie
#   pid_is PID COMM               true if PID is alive and its command name is COMM
#   live_pid FILE COMM            prints the pid recorded in FILE if that process is still COMM
#   wait_gone PID TENTHS          waits (bounded, tenths of a second) for PID to go away
#   stop_pid NAME PID SIGNAL [TENTHS]
#                                 sends SIGNAL, then SIGKILL after TENTHS (default STOP_WAIT or
#                                 50) tenths of a second; uses the caller's log and die
#   tcp_open PORT                 true if something accepts TCP connections on 127.0.0.1:PORT
#   krb_env_prefix DIR            sets KRB_ENV, an `env -i` prefix pointed at DIR's realm only
#   krb_env DIR CMD [ARG ...]     runs CMD with that environment
#
# A pid file can outlive its daemon and the kernel can hand the pid to another process, so a
# signal goes only to a pid that live_pid (or pid_is) has checked.

# Only loopback services run, so a simple "is this process alive and not a
# zombie" check is enough. Zombies count as dead: when the caller's PID 1 does
# not reap orphans (some containers), `kill -0` keeps succeeding on them.
pid_alive() {
  local pid=$1 state
  [[ -n ${pid} && -e /proc/${pid} ]] || return 1
  state=$(awk '{print $3}' "/proc/${pid}/stat" 2>/dev/null) || return 1
  [[ ${state} != Z ]]
}

# The command name must match so a recycled pid is never signalled.
pid_is() {
  local pid=$1 comm=$2
  pid_alive "${pid}" || return 1
  [[ $(<"/proc/${pid}/comm") == "${comm}" ]]
}

# Read a pid file and print the pid only if that process is still ours.
live_pid() {
  local file=$1 comm=$2 pid
  [[ -s ${file} ]] || return 1
  pid=$(<"${file}")
  [[ ${pid} =~ ^[0-9]+$ ]] || return 1
  pid_is "${pid}" "${comm}" || return 1
  printf '%s\n' "${pid}"
}

# Wait (bounded) for a pid to disappear; returns 1 on timeout.
wait_gone() {
  local pid=$1 tenths=$2 i
  for ((i = 0; i < tenths; i++)); do
    pid_alive "${pid}" || return 0
    sleep 0.1
  done
  ! pid_alive "${pid}"
}

# Callers pass a pid that live_pid has just checked.
stop_pid() {
  local name=$1 pid=$2 first_sig=$3 tenths=${4:-${STOP_WAIT:-50}}
  kill "-${first_sig}" "${pid}" 2>/dev/null || true
  wait_gone "${pid}" "${tenths}" && return 0
  log "${name} (pid ${pid}) still running after SIG${first_sig}; sending SIGKILL"
  kill -KILL "${pid}" 2>/dev/null || true
  wait_gone "${pid}" 20 || die "could not stop ${name} (pid ${pid})"
}

tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# krb5 tools, always pointed at this realm only (never /etc/krb5.conf).
# `env -i` keeps a caller's KRB5CCNAME/KRB5_TRACE etc. from leaking in.
# Sets the array KRB_ENV (an `env` command prefix) so that it can also be
# used for background jobs: `"${KRB_ENV[@]}" cmd &` makes $! the pid of cmd
# itself (env and setsid exec), whereas backgrounding a shell function
# would give the pid of a subshell.
krb_env_prefix() {
  local d=$1
  KRB_ENV=(env -i PATH="/usr/sbin:/usr/bin:/sbin:/bin" LANG=C
    KRB5_CONFIG="${d}/krb5.conf" KRB5_KDC_PROFILE="${d}/kdc.conf"
    KRB5RCACHEDIR="${d}/rcache-client")
}

krb_env() {
  local d=$1
  shift
  krb_env_prefix "${d}"
  "${KRB_ENV[@]}" "$@"
}

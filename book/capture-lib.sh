# Shared by book/capture.sh and every stages/*/capture.sh, which source it after `cd`-ing
# to the repository's root: the plumbing of a capture script, in one place.
# Processes are ended by the PIDs the script got for them, never by name.

# End the background jobs still running, and only those: `jobs -rp` lists only running
# children of this shell, so a PID that was already reaped (and may have been reused by
# someone else's process) is never signalled. A job the script stopped counts as
# running: it gets SIGCONT first, or SIGTERM would wait until it is continued.
# Each script installs it with `trap cleanup EXIT`.
cleanup() { local live; live=$(jobs -rp); [ -z "$live" ] || { kill -CONT $live 2>/dev/null; kill $live 2>/dev/null; wait $live 2>/dev/null; }; true; }

# wait_for FILE TEXT: wait (at most 10 s) until FILE contains TEXT.
wait_for() {
  for _ in $(seq 1000); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.01; done
  echo "capture: timed out waiting for '$2' in $1" >&2; return 1
}

# wait_until WHAT COMMAND...: re-run COMMAND until it succeeds, at most 10 s; on timeout,
# say what was awaited and fail (with set -e, the script stops: no output is captured
# from a state that was never reached).
wait_until() {
  local what=$1; shift
  for _ in $(seq 1000); do "$@" && return 0; sleep 0.01; done
  echo "capture: timed out waiting for $what" >&2; return 1
}

# stopped PID / pending PID: whether PID is stopped (state T), and whether a signal is
# pending for it (the process-wide pending set, ShdPnd, is not empty).
stopped() { grep -Eq '^State:[[:space:]]*T' "/proc/$1/status"; }
pending() { grep -Eq '^ShdPnd:[[:space:]]*0*[1-9a-f]' "/proc/$1/status"; }

# try LABEL ARGS...: show the command as typed (LABEL), run it, show its exit code.
try() {
  local label=$1; shift
  echo "\$ $label"
  "$@" 2>&1 && echo "(exit code 0)" || echo "(exit code $?)"
}

#!/usr/bin/env bash
# Regenerates the signals lab's program output for the book (book/src/output/lab-*.txt)
# by running the real programs. Each file starts with the command lines that produced it.
# The terminal experiments run in a real shell on a pseudo-terminal (lab/examples/
# at_terminal.rs types at it and records what it shows).
# Usage: bash lab/capture.sh   (book/capture.sh runs it too)
# Processes started here are ended by the PIDs this script got for them, never by name;
# every signal goes to a process this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p lab --bins --examples
out=book/src/output
bin=target/debug
mkdir -p "$out"
source book/capture-lib.sh
trap cleanup EXIT
trap 'echo "capture: failed at line $LINENO" >&2' ERR
at_terminal() { target/debug/examples/at_terminal "$@"; }
# ended: how the last command ended, as a shell would tell (128+N is "killed by signal N").
ended() {
  local code=$1
  if [ "$code" -gt 128 ]; then echo "(killed by SIG$(kill -l $((code - 128))))"; else echo "(exit code $code)"; fi
}
# run LABEL ARGS...: show the command as typed (LABEL), run it, show how it ended.
run() {
  local label=$1; shift
  echo "\$ $label"
  local code=0
  "$@" 2>&1 || code=$?
  ended "$code"
}
# in_syscall PID NUMBER…: whether PID sleeps in one of these system calls (/proc/PID/syscall).
in_syscall() {
  local pid=$1 now; shift
  now=$(cut -d' ' -f1 "/proc/$pid/syscall" 2>/dev/null) || return 1
  for number; do [ "$now" = "$number" ] && return 0; done
  return 1
}
log=$(mktemp); fifo=$(mktemp -u); mkfifo "$fifo"

# --- rt-queue ---------------------------------------------------------------------------
run "target/debug/lab-rt-queue" "$bin/lab-rt-queue" > "$out/lab-rt-queue.txt"

# --- eintr: a read, a poll, a nanosleep interrupted by a handler -------------------------
# eintr_run NAME ARGS…: start lab-eintr ARGS with stdin from an empty pipe, wait until it
# sleeps in its system call (x86-64 numbers: read 0, poll 7, ppoll 271, nanosleep 35,
# clock_nanosleep 230), send SIGUSR1, and for the restarted read write a line after it.
eintr_run() {
  local name=$1; shift
  "$bin/lab-eintr" "$@" <"$fifo" >"$log" 2>&1 & local pid=$!
  exec 3>"$fifo"
  wait_for "$log" "now in"
  wait_until "lab-eintr to sleep in its system call" in_syscall "$pid" 0 7 271 35 230
  kill -USR1 "$pid"
  local restarted=no code=0
  if [ "$*" = "read --restart" ]; then
    restarted=yes
    wait_for "$log" "handler"
    wait_until "the read to go on" in_syscall "$pid" 0
    echo hello >&3
    exec 3>&-
    wait "$pid" || code=$?
  else
    # The pipe stays open until the program is done: closed, it would read end of file.
    wait "$pid" || code=$?
    exec 3>&-
  fi
  {
    echo "\$ target/debug/lab-eintr $*     # stdin: a pipe with nothing in it yet"
    sed -n 1p "$log"
    echo "\$ kill -USR1 $pid"
    if [ "$restarted" = yes ]; then
      sed -n 2p "$log"; echo "(written into the pipe: \"hello\\n\")"; tail -n +3 "$log"
    else
      tail -n +2 "$log"
    fi
    ended "$code"
  } > "$out/lab-eintr-$name.txt"
}
eintr_run read read
eintr_run read-restart read --restart
eintr_run poll poll --restart
eintr_run sleep sleep --restart

# --- handler-flags ----------------------------------------------------------------------
{
  for mode in resethand defer nodefer; do
    run "target/debug/lab-handler-flags $mode" "$bin/lab-handler-flags" "$mode"
  done
} > "$out/lab-handler-flags.txt"

# --- inherit ----------------------------------------------------------------------------
run "target/debug/lab-inherit" "$bin/lab-inherit" > "$out/lab-inherit.txt"

# --- the terminal: Ctrl-C, job control ---------------------------------------------------
at_terminal "type:target/debug/lab-foreground" "expect:press Ctrl-C" "ps:$log.ps" \
  "ctrl:c" "expect:child 3" "prompt" > "$out/lab-foreground.txt"
cp "$log.ps" "$out/lab-foreground-ps.txt"
at_terminal "type:target/debug/lab-job read" "expect:reading a line from the terminal" \
  "ctrl:z" "expect:stopping" "stopped" "prompt" \
  "type:bg" "expect:SIGTTIN: stopping" "stopped" \
  "type:fg" "expect:SIGCONT" "type:hello" "expect:read" "prompt" > "$out/lab-job.txt"
at_terminal "type:stty tostop" "prompt" "type:target/debug/lab-job write &" \
  "expect:SIGTTOU: stopping" "stopped" \
  "type:fg" "expect:both lines written" "prompt" > "$out/lab-job-tostop.txt"

# --- hangup -----------------------------------------------------------------------------
run "target/debug/lab-hangup" "$bin/lab-hangup" > "$out/lab-hangup.txt"

# --- threads ----------------------------------------------------------------------------
run "target/debug/lab-thread-target" "$bin/lab-thread-target" > "$out/lab-thread-target.txt"
for mode in late early; do
  "$bin/lab-thread-mask" "$mode" >"$log" 2>&1 & pid=$!
  wait_for "$log" "reading SIGUSR1"
  wait_until "lab-thread-mask to read its signalfd" in_syscall "$pid" 0
  {
    echo "\$ target/debug/lab-thread-mask $mode &"
    sed -n 1,2p "$log"
    echo "\$ kill -USR1 $pid"
    kill -USR1 "$pid"
    code=0; wait "$pid" || code=$?
    tail -n +3 "$log"
    ended "$code"
  } > "$out/lab-thread-mask-$mode.txt"
done

# --- reaping children, pidfd ------------------------------------------------------------
for mode in signalfd self-pipe; do
  run "target/debug/lab-reap $mode" "$bin/lab-reap" "$mode" > "$out/lab-reap-$mode.txt"
done
run "unshare --pid --fork --kill-child --mount-proc target/debug/lab-pidfd" \
  unshare --pid --fork --kill-child --mount-proc "$bin/lab-pidfd" > "$out/lab-pidfd.txt"

# --- shutdown ---------------------------------------------------------------------------
# shutdown_run NAME ARGS…: copy one message and half of another, send SIGTERM, then (if
# the program is still there) the rest of the second message and a third.
shutdown_run() {
  local name=$1; shift
  "$bin/lab-shutdown" "$@" <"$fifo" >"$log" 2>"$log.err" & local pid=$!
  exec 3>"$fifo"
  printf 'one\n' >&3; wait_for "$log" "one"
  printf 'two, first half' >&3; wait_for "$log" "first half"
  kill -TERM "$pid"
  local alive=yes code=0
  if [ -n "$*" ]; then
    wait "$pid" || code=$?; alive=no
  else
    wait_for "$log.err" "finishing"
    # It stops reading after the first newline: what it does not take fails with EPIPE.
    ( trap '' PIPE; printf ' and second half\nthree\n' >&3 ) 2>/dev/null || true
  fi
  exec 3>&-
  [ "$alive" = no ] || wait "$pid" || code=$?
  {
    echo "\$ target/debug/lab-shutdown${1:+ $*} < messages > copy     # messages: a pipe, written bit by bit"
    echo "(written into the pipe: \"one\\n\", then \"two, first half\")"
    echo "\$ kill -TERM $pid"
    if [ "$alive" = yes ]; then echo "(written into the pipe: \" and second half\\nthree\\n\")"; fi
    ended "$code"
    echo "\$ cat copy"; cat "$log"
    if [ -n "$(tail -c1 "$log")" ]; then echo "     # (no newline at the end: the message was cut)"; fi
    if [ -s "$log.err" ]; then echo "# and on stderr:"; cat "$log.err"; fi
  } > "$out/lab-shutdown-$name.txt"
}
shutdown_run naive --naive
shutdown_run orderly

# --- synchronous signals ----------------------------------------------------------------
run "target/debug/lab-segv handler" "$bin/lab-segv" handler > "$out/lab-segv-handler.txt"
dir=$(mktemp -d)
{
  echo "\$ ulimit -c unlimited; target/debug/lab-segv core; ls"
  (cd "$dir" && ulimit -c unlimited && "$OLDPWD/$bin/lab-segv" core && ls)
  rm -f "$dir"/core*
  echo "\$ ulimit -c unlimited; target/debug/lab-segv core --not-dumpable; ls"
  (cd "$dir" && ulimit -c unlimited && "$OLDPWD/$bin/lab-segv" core --not-dumpable && ls)
  echo "\$ ulimit -c 0; target/debug/lab-segv core"
  (cd "$dir" && ulimit -c 0 && "$OLDPWD/$bin/lab-segv" core)
} > "$out/lab-segv-core.txt"
rm -rf "$dir"
{
  for mode in plain altstack std; do
    run "target/debug/lab-altstack $mode" "$bin/lab-altstack" "$mode"
  done
} > "$out/lab-altstack.txt"

# --- timers -----------------------------------------------------------------------------
run "target/debug/lab-timers" "$bin/lab-timers" > "$out/lab-timers.txt"

rm -f "$log" "$log".* "$fifo"
echo "captured the lab: $(ls "$out"/lab-* | wc -l) files"

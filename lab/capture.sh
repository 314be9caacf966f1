#!/usr/bin/env bash
# Regenerates the signals lab's program output for the book (book/src/output/lab-*.txt)
# by running the real programs; book/capture-lib.sh says how a transcript is made.
# Usage: bash lab/capture.sh   (book/capture.sh runs it too)
#
# The terminal experiments (Ctrl-C, Ctrl-Z, bg, fg) run in a real bash on a
# pseudo-terminal: lab/examples/at_terminal.rs types at it, and what the terminal showed
# becomes a part of the transcript, the shell's prompt shown as `bash$ `. What is written
# into a program's stdin comes through a pipe the script holds (`background_with_stdin`),
# and a comment says what was written.
# Every signal here goes to a process this script started.
source "$(dirname "$0")/../book/capture-lib.sh"
build -p lab --bins --examples

# in_syscall PID NUMBER…: whether PID sleeps in one of these system calls (x86-64: read
# 0, poll 7, ppoll 271, nanosleep 35, clock_nanosleep 230), from /proc/PID/syscall.
in_syscall() {
  local pid=$1 now number; shift
  now=$(cut -d' ' -f1 "/proc/$pid/syscall" 2>/dev/null) || return 1
  for number; do [ "$now" = "$number" ] && return 0; done
  return 1
}
# at_terminal STEP…: a part of the transcript made at a real shell on a pty (see
# lab/examples/at_terminal.rs for the steps).
at_terminal() { next_part; target/debug/examples/at_terminal "$@" > "$part_file.txt"; }

# --- rt-queue ---------------------------------------------------------------------------
transcript lab-rt-queue
run 'target/debug/lab-rt-queue'
done_transcript

# --- eintr: a read, a poll, a nanosleep interrupted by a handler -------------------------
# eintr NAME ARGS: lab-eintr ARGS in the background, its stdin an empty pipe; SIGUSR1
# once it sleeps in its call; for the restarted read, a line written afterwards.
eintr() {
  local name=$1 args=$2
  transcript "lab-eintr-$name"
  background_with_stdin eintr "target/debug/lab-eintr $args     # its stdin: a pipe, empty for now" 'now in'
  wait_until "lab-eintr to sleep in its system call" in_syscall "${pids[eintr]}" 0 7 271 35 230
  run "kill -USR1 ${pids[eintr]}"
  if [ "$args" = "read --restart" ]; then
    printed eintr 'handler'
    wait_until "the read to go on" in_syscall "${pids[eintr]}" 0
    output eintr
    say 'written into the pipe: hello'
    write_stdin eintr 'hello\n'
  fi
  # Until the program is done the pipe stays open: closed, it would read end of file.
  printed eintr 'returned\|failed'
  output eintr
  close_stdin eintr
  status_of eintr
  done_transcript
}
eintr read 'read'
eintr read-restart 'read --restart'
eintr poll 'poll --restart'
eintr sleep 'sleep --restart'

# --- handler-flags ----------------------------------------------------------------------
transcript lab-handler-flags
run_status 'target/debug/lab-handler-flags resethand'
run_status 'target/debug/lab-handler-flags defer'
run_status 'target/debug/lab-handler-flags nodefer'
done_transcript

# --- inherit ----------------------------------------------------------------------------
transcript lab-inherit
run 'target/debug/lab-inherit'
done_transcript

# --- the terminal: Ctrl-C ---------------------------------------------------------------
# The session runs in the background until lab-foreground waits for Ctrl-C; then `ps`
# (its own transcript) looks at it from outside, and the session goes on.
go="$work/go"; mkfifo "$go"
session="$work/foreground.session"
target/debug/examples/at_terminal "type:target/debug/lab-foreground" "expect:press Ctrl-C" \
  "pause:$go" "ctrl:c" "expect:child 3" > "$session" &
terminal_pid=$!
wait_for "$go.pids" ','
transcript lab-foreground-ps
say 'in another terminal, while lab-foreground waits for Ctrl-C:'
run "ps -o pid,pgid,sid,tpgid,stat,comm -p $(cat "$go.pids")"
done_transcript
echo go > "$go"
wait "$terminal_pid"
transcript lab-foreground
next_part; cp "$session" "$part_file.txt"
done_transcript

# --- job control: Ctrl-Z, bg, fg, SIGTTIN, SIGTTOU ---------------------------------------
transcript lab-job
at_terminal "type:target/debug/lab-job read" "expect:reading a line from the terminal" \
  "ctrl:z" "expect:stopping" "stopped" "prompt" \
  "type:bg" "expect:SIGTTIN: stopping" "stopped" \
  "type:fg" "expect:SIGCONT" "type:hello" "expect:read"
done_transcript
transcript lab-job-tostop
at_terminal "type:stty tostop" "prompt" "type:target/debug/lab-job write &" \
  "expect:SIGTTOU: stopping" "stopped" \
  "type:fg" "expect:both lines written"
done_transcript

# --- hangup -----------------------------------------------------------------------------
transcript lab-hangup
run 'target/debug/lab-hangup'
done_transcript

# --- threads ----------------------------------------------------------------------------
transcript lab-thread-target
run 'target/debug/lab-thread-target'
done_transcript
for mode in late early; do
  transcript "lab-thread-mask-$mode"
  background mask "target/debug/lab-thread-mask $mode"
  printed mask 'reading SIGUSR1'
  wait_until "lab-thread-mask to read its signalfd" in_syscall "${pids[mask]}" 0
  output mask
  run "kill -USR1 ${pids[mask]}"
  status_of mask
  output mask
  done_transcript
done

# --- reaping children, pidfd ------------------------------------------------------------
for mode in signalfd self-pipe; do
  transcript "lab-reap-$mode"
  run "target/debug/lab-reap $mode"
  done_transcript
done
transcript lab-pidfd
run 'unshare --pid --fork --kill-child --mount-proc target/debug/lab-pidfd'
done_transcript

# --- shutdown ---------------------------------------------------------------------------
# shutdown NAME ARGS: one message and half of another into its stdin, SIGTERM; then, if it
# is still there, the rest of the second message and a third.
shutdown() {
  local name=$1 args=$2
  transcript "lab-shutdown-$name"
  background_with_stdin shutdown "target/debug/lab-shutdown$args     # its stdin: a pipe, written bit by bit"
  say 'written into the pipe: "one\n", then "two, first half"'
  write_stdin shutdown 'one\n'; printed shutdown 'one'
  write_stdin shutdown 'two, first half'; printed shutdown 'first half'
  output shutdown
  # Half a message has no newline; the terminal's next line starts after it.
  printf '     # (half a message so far: no newline)\n' >> "$part_file.txt"
  run "kill -TERM ${pids[shutdown]}"
  if [ -z "$args" ]; then
    printed shutdown 'finishing'
    output shutdown
    say 'written into the pipe: " and second half\nthree\n"'
    # It stops reading after that newline: what it does not take fails with EPIPE.
    ( trap '' PIPE; write_stdin shutdown ' and second half\nthree\n' ) 2>/dev/null || true
  fi
  finish shutdown
  close_stdin shutdown
  output shutdown
  status_of shutdown
  done_transcript
}
shutdown naive ' --naive'
shutdown orderly ''

# --- synchronous signals ----------------------------------------------------------------
transcript lab-segv-handler
run_status 'target/debug/lab-segv handler'
done_transcript
# The dumped core goes where core_pattern says: here a file `core` in the working
# directory, which the same command removes.
transcript lab-segv-core
run 'ulimit -c unlimited; target/debug/lab-segv core; ls core*; rm -f core*'
run 'ulimit -c unlimited; target/debug/lab-segv core --not-dumpable'
run 'ulimit -c 0; target/debug/lab-segv core'
done_transcript
transcript lab-altstack
run_status 'target/debug/lab-altstack plain'
run_status 'target/debug/lab-altstack altstack'
run_status 'target/debug/lab-altstack std'
done_transcript

# --- timers -----------------------------------------------------------------------------
transcript lab-timers
run 'target/debug/lab-timers'
done_transcript

echo "captured the lab: $(ls book/src/output/lab-* | wc -l) files"

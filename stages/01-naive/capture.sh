#!/usr/bin/env bash
# Regenerates stage 01's program output for the book (book/src/output/01-*.txt) by
# running the real programs; book/capture-lib.sh says how a transcript is made.
# Usage: bash stages/01-naive/capture.sh   (book/capture.sh runs it too)
source "$(dirname "$0")/../../book/capture-lib.sh"
build -p stage-01 --bins

# --- a session ---------------------------------------------------------------------------
# Sleep-paced delivery works only when the server gets the CPU within each pause, which a
# busy machine does not promise (that is the chapter's point).
session() {
  transcript 01-session
  run 'cargo build -q -p stage-01'
  terminal 1
  serve server 'target/debug/stage01-server'
  pid=$(pid_of server)
  terminal 2
  run "target/debug/stage01-client $pid \"Hello from stage 01\""
  run "target/debug/stage01-client $pid \"and from a second client\""
  printed server 'second client' 2>/dev/null || true
  terminal 1
  output server
  stop server
  [ "$(tail -n +2 "${outputs[server]}")" = $'Hello from stage 01\nand from a second client' ] &&
    done_transcript
}
attempts 5 session

# --- no pause between signals: most of them coalesce -----------------------------------
# The chapter says the damage ran on into the paced message and that the server printed
# nothing at all (it never saw a terminator where a byte began): a run in which it printed
# anything is tried again.
unpaced() {
  transcript 01-unpaced
  terminal 1
  serve server 'target/debug/stage01-server | cat -v     # cat -v shows bytes that are not text'
  pid=$(pid_of server)
  terminal 2
  run "MINITALK_DELAY_US=0 target/debug/stage01-client $pid \"no pause between signals\""
  run "target/debug/stage01-client $pid \"a paced message after it\""
  # Whatever the server made of it (it may be nothing): its last words, or 10 s.
  printed server 'after it' 2>/dev/null || true
  terminal 1
  output server
  local after_pid; after_pid=$(tail -n +2 "${outputs[server]}")
  stop server
  [ -z "$after_pid" ] && done_transcript
}
attempts 5 unpaced

# --- a stopped server: 24 signals sent, 2 pending ----------------------------------------
transcript 01-stopped
terminal 1
serve server 'target/debug/stage01-server'
pid=$(pid_of server)
output server
terminal 2
run "kill -STOP $pid                                # the server cannot run now"
wait_until "the server to stop" stopped "$pid"
run_status "target/debug/stage01-client $pid hi"
run "grep ShdPnd /proc/$pid/status     # 0xa00 = signals 10 and 12: one SIGUSR1, one SIGUSR2"
done_transcript
stop server

# --- a client killed mid-byte, then a healthy one -----------------------------------------
# stages/02-siginfo/capture.sh does the same against stage 02: book/capture-killed.sh.
source book/capture-killed.sh
attempts 5 killed_client 01

#!/usr/bin/env bash
# Regenerates stage 02's program output for the book (book/src/output/02-*.txt) by
# running the real programs; book/capture-lib.sh says how a transcript is made.
# Usage: bash stages/02-siginfo/capture.sh   (book/capture.sh runs it too)
source "$(dirname "$0")/../../book/capture-lib.sh"
build -p stage-02 --bins

# --- a session: the server names each sender on stderr ---------------------------------
# Sleep-paced, as in stage 01: a busy machine may need another try.
session() {
  transcript 02-session
  run 'cargo build -q -p stage-02'
  terminal 1
  serve server 'target/debug/stage02-server'
  pid=$(pid_of server)
  terminal 2
  run "target/debug/stage02-client $pid \"Hello from stage 02\""
  run "target/debug/stage02-client $pid \"and from a second client\""
  printed server '24 bytes' 2>/dev/null || true
  terminal 1
  output server
  stop server
  [ "$(grep -v '^stage02-server: ' "${outputs[server]}" | tail -n +2)" = \
    $'Hello from stage 02\nand from a second client' ] && done_transcript
}
attempts 5 session

# --- a client killed mid-byte no longer corrupts the next message --------------------
source book/capture-killed.sh
attempts 5 killed_client 02

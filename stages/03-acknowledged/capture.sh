#!/usr/bin/env bash
# Regenerates stage 03's program output for the book (book/src/output/03-*.txt) by
# running the real programs; book/capture-lib.sh says how a transcript is made.
# Usage: bash stages/03-acknowledged/capture.sh   (book/capture.sh runs it too)
source "$(dirname "$0")/../../book/capture-lib.sh"
build -p stage-02 -p stage-03 --bins

# --- stage 02 under load: a bit lost, the message garbled --------------------------------
# The chapter opens with what stage 03 fixes: a sleep-paced client, given no pause, and
# nothing tells it that its bits were lost.
# The chapter says the server printed nothing: a run in which it printed anything is
# tried again.
idle() { quiet "$1" && sleeping "$1"; }
unpaced() {
  transcript 03-stage02-unpaced
  terminal 1
  serve server 'target/debug/stage02-server 2>&1 | cat -v     # cat -v shows bytes that are not text'
  pid=$(pid_of server)
  terminal 2
  run "MINITALK_DELAY_US=0 target/debug/stage02-client $pid \"no pause between signals\"; echo \"exit code: \$?\""
  # Whatever the server makes of it, it has made it once it sleeps with nothing pending.
  wait_until "the server to take every signal" idle "$pid"
  terminal 1
  output server
  local lines; lines=$(wc -l < "${outputs[server]}")
  stop server
  [ "$lines" = 1 ] && done_transcript
}
attempts 5 unpaced

# --- a session: every client confirms ----------------------------------------------
transcript 03-session
run 'cargo build -q -p stage-03'
terminal 1
serve server 'target/debug/stage03-server'
pid=$(pid_of server)
terminal 2
run "target/debug/stage03-client $pid \"Hello from stage 03\""
run "target/debug/stage03-client $pid \"and every bit was answered\""
printed server '26 bytes'
terminal 1
output server
done_transcript

# --- a stopped server: the client waits, with exactly one signal in flight -----------
transcript 03-stopped
terminal 2
run "kill -STOP $pid                                       # the server answers nothing now"
wait_until "the server to stop" stopped "$pid"
background client "target/debug/stage03-client $pid patience"
wait_until "a bit pending at the stopped server" pending "$pid"
sleep 0.5 # give the client every chance to send more, if it were going to
run "grep -E 'State|ShdPnd' /proc/$pid/status     # half a second later"
run "kill -CONT $pid"
finish client
output client
done_transcript
stop server

# --- the lost wake-up, on purpose ----------------------------------------------------
# The demo checks its flag, then waits for a line on stdin before it sleeps: what the
# learner types reaches it through its stdin pipe. SIGUSR1 goes into that gap, then the
# line. With pause() it sleeps through; a second signal is needed. With sigsuspend the
# first one is enough.
for mode in pause sigsuspend; do
  transcript "03-lost-wakeup-$mode"
  terminal 1
  serve_with_stdin demo "target/debug/stage03-lost-wakeup $mode" 'going to sleep'
  demo=$(pid_of demo)
  terminal 2
  run "kill -USR1 $demo"
  terminal 1
  say 'Enter'
  write_stdin demo '\n'
  # A correct program returns within microseconds; give it a whole second.
  for _ in $(seq 100); do grep -q "returned after" "${outputs[demo]}" && break; sleep 0.01; done
  if ! grep -q "returned after" "${outputs[demo]}"; then
    say 'a second later, nothing: pause() still sleeps'
    terminal 2
    run "grep State /proc/$demo/status"
    run "kill -USR1 $demo     # again"
    terminal 1
    printed demo 'returned after'
  fi
  output demo
  close_stdin demo
  finish demo
  done_transcript
done
echo "captured stage 03: $(ls "$out"/03-* | wc -l) files"

#!/usr/bin/env bash
# Regenerates stage 05's program output for the book (book/src/output/05-*.txt) by
# running the real programs; book/capture-lib.sh says how a transcript is made.
# Usage: bash stages/05-robust/capture.sh   (book/capture.sh runs it too)
# Every PID given to a client here is one this script started, or one no process has.
source "$(dirname "$0")/../../book/capture-lib.sh"
build -p stage-04 -p stage-05 --bins

# --- stage 04, given the PID of a process that is not a server -------------------------
transcript 05-stage04-kills
background sleeper 'sleep 1000'
sleeper=${pids[sleeper]}
background client "target/debug/stage04-client $sleeper hi"
wait_until "the sleep to die of SIGUSR1" gone_or_zombie "$sleeper"
run_here "wait $sleeper; echo \"exit code: \$?\"     # 128 + 10: SIGUSR1 killed the sleep"
sleep 1 # the client waits for an answer that never comes
run "grep State /proc/${pids[client]}/status     # a second later: the client still waits, forever"
run "kill ${pids[client]}"
finish client
done_transcript

# --- usage ---------------------------------------------------------------------------
transcript 05-help
run 'cargo build -q -p stage-05'
run 'target/debug/stage05-client --help'
done_transcript

# --- every PID that is refused, and why ------------------------------------------------
transcript 05-refusals
run_status 'target/debug/stage05-client 12abc hi'
run_status 'target/debug/stage05-client 0 hi'
run_status 'target/debug/stage05-client -1 hi'
run_status 'target/debug/stage05-client "$(cat /proc/sys/kernel/pid_max)" hi     # pid_max: one more than the largest PID'
run_status 'true & wait $!; target/debug/stage05-client $! hi     # the PID of a process that has ended'
background sleeper 'sleep 1000'
sleeper=${pids[sleeper]}
run_status "target/debug/stage05-client $sleeper hi     # the sleep's PID"
if [ "$(id -u)" = 0 ]; then
  say 'as root: the client runs as the user nobody (as an ordinary user, try PID 1)'
  run_status "setpriv --reuid=nobody --regid=nogroup --clear-groups target/debug/stage05-client $sleeper hi"
else
  run_status 'target/debug/stage05-client 1 hi     # init, which belongs to root'
fi
run "grep -E 'State|ShdPnd' /proc/$sleeper/status     # the sleep never got a signal"
stop sleeper
done_transcript

# --- a server that dies mid-transfer ----------------------------------------------------
transcript 05-server-killed
terminal 1
serve server 'target/debug/stage05-server'
pid=$(pid_of server)
output server
terminal 2
run "kill -STOP $pid     # the server"
wait_until "the server to stop" stopped "$pid"
background client "MINITALK_TIMEOUT_MS=1000 target/debug/stage05-client $pid \"never delivered\""
wait_until "a bit pending at the stopped server" pending "$pid"
run "kill -KILL $pid     # the server, mid-transfer"
# Reap it, so that its PID is gone (bash's `wait` may first report the earlier stop).
reaped() { wait "$1" 2>/dev/null || true; [ ! -e "/proc/$1" ]; }
wait_until "the killed server to be reaped" reaped "$pid"
wait_until "the client to give up" gone "${pids[client]}"
output client
run_here "wait ${pids[client]}; echo \"exit code: \$?\"     # the client's"
done_transcript

# --- a sender that goes silent mid-message ------------------------------------------------
transcript 05-silent-sender
terminal 1
serve server 'MINITALK_TIMEOUT_MS=500 target/debug/stage05-server'
pid=$(pid_of server)
terminal 2
run "target/debug/stage05-forge $pid 100 ab     # announce 100 bytes, send 2, stop"
printed server 'silent for'
run "target/debug/stage05-client $pid \"the next client\""
printed server '15 bytes'
terminal 1
output server
done_transcript
stop server
echo "captured stage 05: $(ls "$out"/05-* | wc -l) files"

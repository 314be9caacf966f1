#!/usr/bin/env bash
# Regenerates stage 03's program output for the book (book/src/output/03-*.txt) by
# running the real programs. Each file starts with the command lines that produced it.
# Usage: bash stages/03-acknowledged/capture.sh   (book/capture.sh runs it too)
# Processes started here are ended by the PIDs this script got for them, never by name.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q -p stage-03 --bins
out=book/src/output
bin=target/debug
mkdir -p "$out"
source book/capture-lib.sh
trap cleanup EXIT

# --- a session: every client confirms ----------------------------------------------
log=$(mktemp)
"$bin/stage03-server" >"$log" 2>"$log.err" & server=$!
wait_for "$log" "PID"
pid=$(head -1 "$log" | tr -dc 0-9)
{
  echo "\$ target/debug/stage03-client $pid \"Hello from stage 03\"     # in a second terminal"
  "$bin/stage03-client" "$pid" "Hello from stage 03"
  echo "\$ target/debug/stage03-client $pid \"and every bit was answered\""
  "$bin/stage03-client" "$pid" "and every bit was answered"
} > "$out/03-clients.txt"
wait_for "$log.err" "26 bytes"
{ echo '$ target/debug/stage03-server'; cat "$log"; echo '# and on its stderr:'; cat "$log.err"; } > "$out/03-server.txt"

# --- a stopped server: the client waits, with exactly one signal in flight -----------
kill -STOP "$server"
wait_until "the server to stop" stopped "$server" # SIGSTOP is not instantaneous
"$bin/stage03-client" "$pid" "patience" > "$log.client" & client=$!
wait_until "a bit pending at the stopped server" pending "$server"
sleep 0.5 # give the client every chance to send more, if it were going to
{
  echo "\$ kill -STOP $pid                                       # the server answers nothing now"
  echo "\$ target/debug/stage03-client $pid patience &"
  echo "\$ grep -E 'State|ShdPnd' /proc/$pid/status     # half a second later"
  grep -E '^(State|ShdPnd)' "/proc/$server/status"
  echo "\$ kill -CONT $pid"
  kill -CONT "$server"; wait "$client"
  cat "$log.client"
} > "$out/03-stopped.txt"
kill "$server"; wait "$server" || true

# --- the lost wake-up, on purpose ----------------------------------------------------
# The demo checks its flag, then waits for a line on stdin before it sleeps. We send
# SIGUSR1 into that gap, then the line. With pause() it sleeps through; a second signal
# is needed. With sigsuspend the first one is enough.
for mode in pause sigsuspend; do
  fifo=$(mktemp -u); mkfifo "$fifo"
  "$bin/stage03-lost-wakeup" "$mode" <"$fifo" >"$log.$mode" & demo=$!
  exec 3>"$fifo"
  wait_for "$log.$mode" "going to sleep"
  kill -USR1 "$demo"
  echo >&3
  {
    echo "\$ target/debug/stage03-lost-wakeup $mode"
    head -2 "$log.$mode"
    echo "# kill -USR1 $demo in the gap, then Enter"
    # A correct program returns within microseconds; give it a whole second.
    for _ in $(seq 100); do grep -q "returned after" "$log.$mode" && break; sleep 0.01; done
    if ! grep -q "returned after" "$log.$mode"; then
      state=$(awk '/^State/{print $2, $3}' "/proc/$demo/status")
      echo "# a second later it still sleeps, state $state: kill -USR1 $demo again"
      kill -USR1 "$demo"
      wait_for "$log.$mode" "returned after"
    fi
    tail -n +3 "$log.$mode"
  } > "$out/03-lost-wakeup-$mode.txt"
  exec 3>&-
  wait "$demo" || true
  rm -f "$fifo"
done
rm -f "$log" "$log".*
echo "captured stage 03: $(ls "$out"/03-* | wc -l) files"

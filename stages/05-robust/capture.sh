#!/usr/bin/env bash
# Regenerates stage 05's program output for the book (book/src/output/05-*.txt) by
# running the real programs. Each file starts with the command lines that produced it.
# Usage: bash stages/05-robust/capture.sh   (book/capture.sh runs it too)
# Processes started here are ended by the PIDs this script got for them, never by name.
# Every PID given to a client here is one this script started, or one no process has.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q -p stage-05 --bins
out=book/src/output
bin=target/debug
mkdir -p "$out"
source book/capture-lib.sh
trap cleanup EXIT

# --- usage ---------------------------------------------------------------------------
{ echo '$ target/debug/stage05-client --help'; "$bin/stage05-client" --help; } > "$out/05-help.txt"

# --- every PID that is refused, and why ------------------------------------------------
sleep 1000 & sleeper=$!
pid_max=$(cat /proc/sys/kernel/pid_max)
{
  try "target/debug/stage05-client 12abc hi" "$bin/stage05-client" 12abc hi
  try "target/debug/stage05-client 0 hi" "$bin/stage05-client" 0 hi
  try "target/debug/stage05-client -1 hi" "$bin/stage05-client" -1 hi
  try "target/debug/stage05-client $((pid_max + 1)) hi     # pid_max is $pid_max" \
    "$bin/stage05-client" $((pid_max + 1)) hi
  try "target/debug/stage05-client $pid_max hi     # PIDs stop below pid_max" \
    "$bin/stage05-client" "$pid_max" hi
  echo "\$ sleep 1000 &     # PID $sleeper"
  try "target/debug/stage05-client $sleeper hi" "$bin/stage05-client" "$sleeper" hi
  if [ "$(id -u)" = 0 ]; then
    try "setpriv --reuid=nobody --regid=nogroup --clear-groups target/debug/stage05-client $sleeper hi" \
      setpriv --reuid=65534 --regid=65534 --clear-groups "$bin/stage05-client" "$sleeper" hi
  fi
  echo "\$ grep -E 'State|ShdPnd' /proc/$sleeper/status     # the sleep never got a signal"
  grep -E '^(State|ShdPnd)' "/proc/$sleeper/status"
} | sed "s|$bin/|target/debug/|g" > "$out/05-refusals.txt"
kill "$sleeper"; wait "$sleeper" || true

# --- a server that dies mid-transfer ----------------------------------------------------
log=$(mktemp)
"$bin/stage05-server" >"$log" 2>"$log.err" & server=$!
wait_for "$log" "PID"
pid=$(head -1 "$log" | tr -dc 0-9)
kill -STOP "$server"
wait_until "the server to stop" stopped "$server" # SIGSTOP is not instantaneous
MINITALK_TIMEOUT_MS=1000 "$bin/stage05-client" "$pid" "never delivered" >"$log.client" 2>&1 & client=$!
wait_until "a bit pending at the stopped server" pending "$server"
kill -KILL "$server"
# Reap it, so that its PID is gone (bash's `wait` may first report the earlier stop).
reaped() { wait "$1" 2>/dev/null || true; [ ! -e "/proc/$1" ]; }
wait_until "the killed server to be reaped" reaped "$server"
status=0; wait "$client" || status=$?
{
  echo "\$ MINITALK_TIMEOUT_MS=1000 target/debug/stage05-client $pid \"never delivered\" &"
  echo "\$ kill -KILL $pid     # the server, mid-transfer"
  cat "$log.client"; echo "(exit code $status)"
} > "$out/05-server-killed.txt"

# --- a sender that goes silent mid-message ------------------------------------------------
MINITALK_TIMEOUT_MS=500 "$bin/stage05-server" >"$log" 2>"$log.err" & server=$!
wait_for "$log" "PID"
pid=$(head -1 "$log" | tr -dc 0-9)
{
  echo "\$ MINITALK_TIMEOUT_MS=500 target/debug/stage05-server"
  echo "\$ target/debug/stage05-forge $pid 100 ab     # announce 100 bytes, send 2, stop"
  "$bin/stage05-forge" "$pid" 100 ab
  wait_for "$log.err" "silent for"
  echo "\$ target/debug/stage05-client $pid \"the next client\""
  "$bin/stage05-client" "$pid" "the next client"
  wait_for "$log.err" "15 bytes"
  echo "# the server printed:"; tail -n +2 "$log"
  echo "# and on its stderr:"; cat "$log.err"
} > "$out/05-silent-sender.txt"
kill "$server"; wait "$server" || true
rm -f "$log" "$log".*
echo "captured stage 05: $(ls "$out"/05-* | wc -l) files"

#!/usr/bin/env bash
# Regenerates the program output shown in the book (book/src/output/*.txt) by running the
# real programs. Each file starts with the command(s) that produced it, as `$ …` lines.
# Usage: bash book/capture.sh [--early]   (from anywhere; builds first)
#
# This script captures the background chapters and stages 00-02; then every later stage's
# own stages/*/capture.sh runs, unless --early is given.
# Processes started here are ended by the PIDs this script got for them, never by name.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q --workspace --bins
out=book/src/output
mkdir -p "$out"
bin=target/debug
source book/capture-lib.sh
trap cleanup EXIT
trap 'exit 1' INT TERM
# start_server NAME LOG: start a server in the background; sets $pid from its first line.
start_server() {
  "$bin/$1" >"$2" 2>"$2.err" &
  wait_for "$2" "PID"
  pid=$(head -1 "$2" | tr -dc 0-9)
  [ "$pid" = "$!" ]
}
# The message lines a server printed after its PID line.
messages() { tail -n +2 "$1"; }

# --- stage 00 -------------------------------------------------------------------------
{ echo '$ target/debug/stage00-process exit 3'; "$bin/stage00-process" exit 3; } > "$out/00-process-exit.txt"

log=$(mktemp); "$bin/stage00-process" wait-for-signal >"$log" & parent=$!
wait_for "$log" "child:"
child=$(sed -n 's/^child: pid=\([0-9]*\) .*/\1/p' "$log")
# Signal only the child of the process this script started.
[ "$(awk '/^PPid:/{print $2}' /proc/$child/status)" = "$parent" ]
kill -USR1 "$child"; wait "$parent" || true
{ echo '$ target/debug/stage00-process wait-for-signal &'; sed -n 1,2p "$log";
  echo "\$ kill -USR1 $child        # the child's PID"; sed -n '3,$p' "$log"; } > "$out/00-process-signal.txt"

{ echo '$ kill -l'; bash -c 'kill -l'; } > "$out/00-kill-l.txt"

fifo=$(mktemp -u); mkfifo "$fifo"; log=$(mktemp)
"$bin/stage00-receiver" --block <"$fifo" >"$log" & receiver=$!; exec 3>"$fifo"
wait_for "$log" "blocking"
sent=$("$bin/stage00-sender" "$receiver" USR1 1000)
pending=$(grep -E '^(ShdPnd)' /proc/$receiver/status)
echo >&3; exec 3>&-; wait "$receiver"
{ echo '$ target/debug/stage00-receiver --block'; sed -n 1,2p "$log";
  echo "\$ target/debug/stage00-sender $receiver USR1 1000     # in a second terminal"; echo "$sent";
  echo "\$ grep ShdPnd /proc/$receiver/status                # bit 9 (0x200) is signal 10, SIGUSR1"; echo "$pending";
  echo '(Enter pressed in the first terminal)'; sed -n '3,$p' "$log"; } > "$out/00-blocked.txt"

log=$(mktemp)
"$bin/stage00-receiver" <"$fifo" >"$log" & receiver=$!; exec 3>"$fifo"
wait_for "$log" "counting"
sent=$("$bin/stage00-sender" "$receiver" USR2 1000)
exec 3>&-; wait "$receiver"
{ echo '$ target/debug/stage00-receiver'; sed -n 1,2p "$log";
  echo "\$ target/debug/stage00-sender $receiver USR2 1000     # in a second terminal"; echo "$sent";
  echo '(Ctrl-D pressed in the first terminal)'; sed -n '3,$p' "$log"; } > "$out/00-unblocked.txt"
rm -f "$fifo"

# --- stage 01 -------------------------------------------------------------------------
log=$(mktemp); start_server stage01-server "$log"
"$bin/stage01-client" "$pid" "Hello from stage 01"
"$bin/stage01-client" "$pid" "and from a second client"
wait_for "$log" "second client"
{ echo '$ target/debug/stage01-server'; cat "$log";
  echo "\$ target/debug/stage01-client $pid \"Hello from stage 01\"     # in a second terminal";
  echo "\$ target/debug/stage01-client $pid \"and from a second client\""; } > "$out/01-session.txt"

# The client, unpaced: with no sleep between signals, most of them coalesce.
"$bin/stage01-client" "$pid" "Hello from stage 01" 
MINITALK_DELAY_US=0 "$bin/stage01-client" "$pid" "no pause between signals"
"$bin/stage01-client" "$pid" "a paced message after it"
# Whatever the server made of it (it may be nothing): wait for the last client's words or 2 s.
wait_for "$log" "after it" || true
{ echo "\$ MINITALK_DELAY_US=0 target/debug/stage01-client $pid \"no pause between signals\"";
  echo "\$ target/debug/stage01-client $pid \"a paced message after it\"";
  echo "# what the server printed for these two messages:";
  messages "$log" | tail -n +4 | cat -v; } > "$out/01-unpaced.txt"
kill "$pid"; wait "$pid" 2>/dev/null || true

log=$(mktemp); start_server stage01-server "$log"
kill -STOP "$pid"
"$bin/stage01-client" "$pid" "hi"; status=$?
pending=$(grep -E '^ShdPnd' /proc/$pid/status)
{ echo "\$ kill -STOP $pid                                # the server cannot run now";
  echo "\$ target/debug/stage01-client $pid hi; echo \"client exit status: \$?\"";
  echo "client exit status: $status";
  echo "\$ grep ShdPnd /proc/$pid/status     # 0xa00 = signals 10 and 12: one SIGUSR1, one SIGUSR2";
  echo "$pending"; } > "$out/01-stopped.txt"
kill -CONT "$pid"; kill "$pid"; wait "$pid" 2>/dev/null || true

# --- stage 02 -------------------------------------------------------------------------
log=$(mktemp); start_server stage02-server "$log"
"$bin/stage02-client" "$pid" "Hello from stage 02"
"$bin/stage02-client" "$pid" "and from a second client"
wait_for "$log.err" "24 bytes"
{ echo '$ target/debug/stage02-server'; cat "$log"; echo '# and on its stderr:'; cat "$log.err";
  echo "\$ target/debug/stage02-client $pid \"Hello from stage 02\"     # in a second terminal";
  echo "\$ target/debug/stage02-client $pid \"and from a second client\""; } > "$out/02-session.txt"
kill "$pid"; wait "$pid" 2>/dev/null || true

# A client killed mid-message, then a healthy one: stage 01 against stage 02. As in the
# stage 02 test, the server is stopped while the doomed client starts, so that it can
# receive at most two of its signals (one SIGUSR1, one SIGUSR2): never a whole byte.
for stage in 01 02; do
  log=$(mktemp); start_server "stage$stage-server" "$log"
  kill -STOP "$pid"
  until grep -q '^State:[[:space:]]*T' "/proc/$pid/status"; do sleep 0.001; done
  MINITALK_DELAY_US=2000 "$bin/stage$stage-client" "$pid" "this message is never finished" & doomed=$!
  # Until SIGUSR1 or SIGUSR2 (mask 0xa00) is pending: the client has started sending.
  until (( 0x$(awk '/^ShdPnd:/{print $2}' "/proc/$pid/status") & 0xa00 )); do sleep 0.001; done
  kill -KILL "$doomed"; wait "$doomed" 2>/dev/null || true
  kill -CONT "$pid"
  # Let the server take the dead client's pending signals before the next client starts.
  until (( (0x$(awk '/^ShdPnd:/{print $2}' "/proc/$pid/status") & 0xa00) == 0 )); do sleep 0.001; done
  MINITALK_DELAY_US=2000 "$bin/stage$stage-client" "$pid" "the next client"
  wait_for "$log" "next client" || true
  # What the chapters say this shows: stage 02 intact, stage 01 not.
  if [ "$stage" = 02 ]; then [ "$(messages "$log")" = "the next client" ]; else [ "$(messages "$log")" != "the next client" ]; fi
  { echo "\$ kill -STOP $pid; target/debug/stage$stage-client $pid \"this message is never finished\" &";
    echo "\$ kill -KILL \$!; kill -CONT $pid        # the client dies after its first signals";
    echo "\$ target/debug/stage$stage-client $pid \"the next client\"";
    echo "# the server printed:"; messages "$log" | cat -v; } > "$out/$stage-killed-client.txt"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done

# --- later stages ---------------------------------------------------------------------
if [ "${1:-}" != "--early" ]; then
  for script in stages/*/capture.sh; do
    [ -f "$script" ] && bash "$script"
  done
fi
echo "captured: $(ls "$out" | wc -l) files in $out"

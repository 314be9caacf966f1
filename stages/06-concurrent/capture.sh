#!/usr/bin/env bash
# Regenerates stage 06's program output for the book (book/src/output/06-*.txt) by
# running the real programs. Each file starts with the command lines that produced it.
# Usage: bash stages/06-concurrent/capture.sh   (book/capture.sh runs it too)
# Processes started here are ended by the PIDs this script got for them, never by name.
# Every PID given to a client here is one this script started.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q -p stage-05 -p stage-06 --bins
out=book/src/output
bin=target/debug
mkdir -p "$out"
source book/capture-lib.sh
trap cleanup EXIT
# start_server PROGRAM LOG: start a server in the background; sets $server and $pid.
start_server() {
  "$bin/$1" >"$2" 2>"$2.err" & server=$!
  wait_for "$2" "PID"
  pid=$(head -1 "$2" | tr -dc 0-9)
}
# wait_state PID LETTER: wait until the process is in that state (S sleeping, T stopped).
wait_state() {
  for _ in $(seq 1000); do grep -q "^State:[[:space:]]*$2" "/proc/$1/status" && return 0; sleep 0.01; done
  echo "capture: PID $1 never reached state $2" >&2; return 1
}
log=$(mktemp)

# --- the surprise: sigwaitinfo unblocks what it waits for -------------------------------
# A stage-05 client waits for its answer in sigtimedwait; a stage-06 client reads a
# signalfd. Both wait here for a server that is stopped, so /proc shows them waiting.
start_server stage05-server "$log"
server5=$server
kill -STOP "$server5"; wait_state "$server5" T
"$bin/stage05-client" "$pid" "hello" >/dev/null 2>&1 & c5=$!
wait_state "$c5" S
start_server stage06-server "$log.6"
pid6=$pid; server6=$server
kill -STOP "$server6"; wait_state "$server6" T
"$bin/stage06-client" "$pid6" "hello" >/dev/null 2>&1 & c6=$!
wait_state "$c6" S
{
  echo "\$ target/debug/stage05-client $(head -1 "$log" | tr -dc 0-9) hello &     # waits in sigtimedwait for a stopped server"
  echo "\$ grep -E 'SigBlk|SigCgt' /proc/$c5/status"
  grep -E '^(SigBlk|SigCgt)' "/proc/$c5/status"
  echo "\$ target/debug/stage06-client $pid6 hello &     # waits on a signalfd for a stopped server"
  echo "\$ grep -E 'SigBlk|SigCgt' /proc/$c6/status"
  grep -E '^(SigBlk|SigCgt)' "/proc/$c6/status"
  echo "# SIGUSR1 is bit 9 (0x200), SIGUSR2 bit 11 (0x800), SIGALRM bit 13 (0x2000)"
} > "$out/06-proc-status.txt"
kill -KILL "$c5" "$c6"; wait "$c5" "$c6" 2>/dev/null || true
kill -CONT "$server5" "$server6"; kill "$server5" "$server6"
wait "$server5" "$server6" 2>/dev/null || true

# --- three clients at once ---------------------------------------------------------------
start_server stage06-server "$log"
{
  echo "\$ target/debug/stage06-server &     # PID $pid"
  echo "\$ for n in 1 2 3; do target/debug/stage06-client $pid \"client \$n: \$(head -c 600 /dev/zero | tr '\\0' \$n)\" & done; wait"
  clients=()
  for n in 1 2 3; do
    "$bin/stage06-client" "$pid" "client $n: $(head -c 600 /dev/zero | tr '\0' "$n")" 2>&1 & clients+=($!)
  done
  wait "${clients[@]}"
  echo "# the server printed (each message cut to 40 bytes here):"
  tail -n +2 "$log" | cut -c 1-40
  echo "# and on its stderr:"
  cat "$log.err"
} > "$out/06-clients.txt"
kill "$server"; wait "$server" 2>/dev/null || true

# --- stray signals during a transfer -------------------------------------------------------
start_server stage06-server "$log"
sh -c 'while :; do kill -USR1 "$1"; kill -USR2 "$1"; sleep 0.01; done' stray "$pid" & stray=$!
message=$(head -c 3000 /dev/zero | tr '\0' 's')
"$bin/stage06-client" "$pid" "$message" > "$log.client"
wait_for "$log.err" "stray"
stray_masks=$(grep -E '^(SigBlk|SigCgt)' "/proc/$stray/status")
kill -0 "$stray" && stray_alive="alive" || stray_alive="gone"
kill "$stray"; wait "$stray" 2>/dev/null || true
{
  echo "\$ sh -c 'while :; do kill -USR1 $pid; kill -USR2 $pid; sleep 0.01; done' &     # noise"
  echo "\$ target/debug/stage06-client $pid \"\$(head -c 3000 /dev/zero | tr '\\0' s)\""
  cat "$log.client"
  echo "\$ tail -n +2 server.log | wc -c     # 3000 bytes and a newline: nothing else was printed"
  tail -n +2 "$log" | wc -c
  echo "\$ grep -E 'SigBlk|SigCgt' /proc/$stray/status     # the noise maker: USR1 (0x200) and USR2 (0x800) neither blocked nor caught"
  echo "$stray_masks"
  echo "\$ kill -0 $stray && echo alive     # so an answer would have killed it"
  echo "$stray_alive"
  echo "# the server's stderr:"
  cat "$log.err"
} > "$out/06-stray.txt"
kill "$server"; wait "$server" 2>/dev/null || true

# --- a client killed mid-message, one waiting in line -------------------------------------
start_server stage06-server "$log"
long=$(head -c 40000 /dev/zero | tr '\0' 'k')
"$bin/stage06-client" "$pid" "$long" >/dev/null 2>&1 & doomed=$!
wait_for "$log.err" "PID $doomed: receiving"
"$bin/stage06-client" "$pid" "waiting in line, then printed" > "$log.next" 2>&1 & next=$!
wait_for "$log.err" "PID $next waits in line"
kill -KILL "$doomed"; wait "$doomed" 2>/dev/null || true
wait "$next"
wait_for "$log.err" "checksum verified"
{
  echo "\$ target/debug/stage06-client $pid \"\$(head -c 40000 /dev/zero | tr '\\0' k)\" &     # PID $doomed"
  echo "\$ target/debug/stage06-client $pid \"waiting in line, then printed\" &"
  echo "\$ kill -KILL $doomed     # mid-message"
  cat "$log.next"
  echo "# the server printed:"; tail -n +2 "$log"
  echo "# and on its stderr:"; cat "$log.err"
} > "$out/06-killed-client.txt"
kill "$server"; wait "$server" 2>/dev/null || true

# --- stage06-forge: what the server refuses -----------------------------------------------
start_server stage06-server "$log"
{
  echo "\$ target/debug/stage06-forge bad-checksum $pid \"damaged on the way\""
  "$bin/stage06-forge" bad-checksum "$pid" "damaged on the way" 2>&1 && echo "(exit code 0)" || echo "(exit code $?)"
  echo "\$ target/debug/stage06-forge claim-length=4294967295 $pid short"
  "$bin/stage06-forge" claim-length=4294967295 "$pid" short 2>&1 && echo "(exit code 0)" || echo "(exit code $?)"
  "$bin/stage06-forge" no-catch "$pid" "" > "$log.forge" & forge=$!
  wait_for "$log.err" "not answering PID $forge"
  echo "\$ target/debug/stage06-forge no-catch $pid \"\" &     # PID $forge: knocks, catches nothing"
  cat "$log.forge"
  echo "\$ grep -E 'State|ShdPnd' /proc/$forge/status     # alive, and never answered"
  grep -E '^(State|ShdPnd)' "/proc/$forge/status"
  kill "$forge"; wait "$forge" 2>/dev/null || true
  echo "# the server printed nothing; on its stderr:"
  cat "$log.err"
} | sed "s|$bin/|target/debug/|g" > "$out/06-forge.txt"
kill "$server"; wait "$server" 2>/dev/null || true

rm -f "$log" "$log".*
echo "captured stage 06: $(ls "$out"/06-* | wc -l) files"

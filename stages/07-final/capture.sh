#!/usr/bin/env bash
# Regenerates stage 07's program output for the book (book/src/output/07-*.txt) by
# running the real programs, built in release mode as the README runs them. Each file
# starts with the command lines that produced it.
# Usage: bash stages/07-final/capture.sh   (book/capture.sh runs it too)
# Processes started here are ended by the PIDs this script got for them, never by name.
# Every PID given to a client here is one this script started.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q --release -p stage-07 --bins
cargo build -q -p stage-06 --bins
out=book/src/output
bin=target/release
mkdir -p "$out"
source book/capture-lib.sh
trap cleanup EXIT
# start_server PROGRAM LOG [ARGS...]: start a server in the background; sets $server, $pid.
start_server() {
  local program=$1 file=$2; shift 2
  "$program" "$@" >"$file" 2>"$file.err" & server=$!
  wait_for "$file" "PID"
  pid=$(head -1 "$file" | tr -dc 0-9)
}
log=$(mktemp)
work=$(mktemp -d)

# --- the command lines ----------------------------------------------------------------
{ echo '$ client --help'; "$bin/client" --help; } > "$out/07-client-help.txt"
{ echo '$ server --help'; "$bin/server" --help; } > "$out/07-server-help.txt"
{
  try "client --version" "$bin/client" --version
  try "client" "$bin/client"
  try "client 0 hello" "$bin/client" 0 hello
  try "client 42abc hello" "$bin/client" 42abc hello
  try "client --timeout 0 4242 hello" "$bin/client" --timeout 0 4242 hello
  try "client --loud 4242 hello" "$bin/client" --loud 4242 hello
} > "$out/07-usage-errors.txt"

# --- a session: classic and payload ------------------------------------------------------
# Random text of exactly the size (base64 makes 4 characters of every 3 bytes).
head -c 7500 /dev/urandom | base64 -w 0 > "$work/10k.txt"
head -c 75000 /dev/urandom | base64 -w 0 > "$work/100k.txt"
start_server "$bin/server" "$log"
{
  echo "\$ cargo run --release -p stage-07 --bin server &     # PID $pid"
  try "client $pid 'Hello, final server!'" "$bin/client" "$pid" 'Hello, final server!'
  try "client --summary $pid - < 10k.txt" "$bin/client" --summary "$pid" - < "$work/10k.txt"
  try "client --payload --summary $pid - < 100k.txt" "$bin/client" --payload --summary "$pid" - < "$work/100k.txt"
  try "client --quiet --payload $pid - < 100k.txt" "$bin/client" --quiet --payload "$pid" - < "$work/100k.txt"
  echo "# the server printed $(tail -n +2 "$log" | wc -l) lines; the first one:"
  sed -n 2p "$log"
  echo "# and on its stderr:"
  cat "$log.err"
} > "$out/07-session.txt"
kill "$server"; wait "$server" 2>/dev/null || true

# --- the payload mode against a server that does not know it ------------------------------
start_server target/debug/stage06-server "$log"
{
  echo "\$ target/debug/stage06-server &     # PID $pid, stage 06: classic mode only"
  try "client --payload $pid 'sixty-four bits at a time'" "$bin/client" --payload "$pid" 'sixty-four bits at a time'
  try "client $pid 'one bit at a time'" "$bin/client" "$pid" 'one bit at a time'
  echo "# the server's stderr:"
  cat "$log.err"
} > "$out/07-payload-refused.txt"
kill "$server"; wait "$server" 2>/dev/null || true

# --- the progress bar, on a terminal ----------------------------------------------------
# `script` runs the client on a pseudo-terminal; what the terminal received is then
# replayed here as the lines it showed, each redraw on its own line, escapes removed.
head -c 22500 /dev/urandom | base64 -w 0 > "$work/30k.txt"
start_server "$bin/server" "$log"
script -qec "$bin/client $pid - < $work/30k.txt" /dev/null > "$work/tty" 2>&1
{
  echo "\$ client $pid - < 30k.txt     # on a terminal; three of its redraws, then the end"
  tr '\r' '\n' < "$work/tty" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | grep -v '^[[:space:]]*$' \
    | awk '/ETA/ { bar[n++] = $0; next } { print_later = print_later $0 "\n" }
           END { step = (n > 3) ? int(n / 3) : 1
                 for (i = 0; i < n; i += step) print bar[i]
                 printf "%s", print_later }'
} > "$out/07-progress.txt"
kill "$server"; wait "$server" 2>/dev/null || true

rm -rf "$log" "$log".* "$work"
echo "captured stage 07: $(ls "$out"/07-* | wc -l) files"

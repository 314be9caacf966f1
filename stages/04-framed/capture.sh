#!/usr/bin/env bash
# Regenerates stage 04's program output for the book (book/src/output/04-*.txt) by
# running the real programs. Each file starts with the command lines that produced it.
# Usage: bash stages/04-framed/capture.sh   (book/capture.sh runs it too)
# Processes started here are ended by the PIDs this script got for them, never by name.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q -p stage-04 --bins
out=book/src/output
bin=target/debug
mkdir -p "$out"
source book/capture-lib.sh
trap cleanup EXIT

log=$(mktemp)
"$bin/stage04-server" >"$log" 2>"$log.err" & server=$!
wait_for "$log" "PID"
pid=$(head -1 "$log" | tr -dc 0-9)

# --- any bytes -----------------------------------------------------------------------
{
  echo "\$ target/debug/stage04-client $pid 'déjà vu, 日本語, 😀'"
  "$bin/stage04-client" "$pid" 'déjà vu, 日本語, 😀'
  echo "\$ target/debug/stage04-client $pid ''"
  "$bin/stage04-client" "$pid" ''
  echo "\$ target/debug/stage04-client $pid \$'caf\\xe9 \\xff'     # Latin-1 é and a 0xff: not UTF-8"
  "$bin/stage04-client" "$pid" $'caf\xe9 \xff'
  echo "\$ printf 'two\\nlines' | target/debug/stage04-client $pid -"
  printf 'two\nlines' | "$bin/stage04-client" "$pid" -
} > "$out/04-clients.txt"
wait_for "$log.err" "9 bytes"
{
  echo '$ target/debug/stage04-server | od -c     # od shows every byte'
  od -c "$log" | sed 's/ *$//'
  echo '# and on its stderr:'; cat "$log.err"
} > "$out/04-server.txt"

# --- one argument holds at most 128 KiB ----------------------------------------------
{
  echo "\$ target/debug/stage04-client $pid \"\$(head -c 140000 /dev/zero | tr '\\0' x)\""
  "$bin/stage04-client" "$pid" "$(head -c 140000 /dev/zero | tr '\0' x)" 2>&1 |
    sed -E "s|^.*: line [0-9]+: $bin/|bash: target/debug/|" || true
  echo "\$ head -c 140000 /dev/zero | tr '\\0' x | target/debug/stage04-client $pid -"
  head -c 140000 /dev/zero | tr '\0' x | "$bin/stage04-client" "$pid" -
} > "$out/04-argv-limit.txt" 2>&1

# --- a header that lies ----------------------------------------------------------------
seen=$(wc -l < "$log.err")
{
  echo "\$ target/debug/stage04-forge $pid 4294967295     # announces 4 GiB - 1 bytes"
  "$bin/stage04-forge" "$pid" 4294967295 || echo "(exit code $?)"
  echo "\$ head -c 20000000 /dev/zero | target/debug/stage04-client $pid -     # 20 MB, really"
  head -c 20000000 /dev/zero | "$bin/stage04-client" "$pid" - 2>&1 || echo "(exit code $?)"
  wait_for "$log.err" "20000000"
  echo '# the server, on its stderr:'
  tail -n +$((seen + 1)) "$log.err"
} > "$out/04-refused.txt" 2>&1

kill "$server"; wait "$server" || true
rm -f "$log" "$log".*
echo "captured stage 04: $(ls "$out"/04-* | wc -l) files"

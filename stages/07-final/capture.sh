#!/usr/bin/env bash
# Regenerates stage 07's program output for the book (book/src/output/07-*.txt) by
# running the real programs, built in release mode as the README runs them;
# book/capture-lib.sh says how a transcript is made.
# Usage: bash stages/07-final/capture.sh   (book/capture.sh runs it too)
# Every PID given to a client here is one this script started.
source "$(dirname "$0")/../../book/capture-lib.sh"
build --release -p stage-07 --bins
build -p stage-06 --bins

# --- the command lines ----------------------------------------------------------------
transcript 07-client-help
run 'cargo build -q --release -p stage-07'
run 'target/release/client --help'
done_transcript

transcript 07-server-help
run 'target/release/server --help'
done_transcript

transcript 07-usage-errors
run_status 'target/release/client --version'
run_status 'target/release/client'
run_status 'target/release/client 0 hello'
run_status 'target/release/client 42abc hello'
run_status 'target/release/client --timeout 0 4242 hello'
run_status 'target/release/client --loud 4242 hello'
run_status 'target/release/client 4242 hello world'
done_transcript

# --- messages that look like options ----------------------------------------------------
transcript 07-dash-messages
terminal 1
serve server 'target/release/server'
pid=$(pid_of server)
terminal 2
run "target/release/client $pid -1"
run "target/release/client $pid -hello"
run "target/release/client --quiet $pid --help     # options come before the PID"
run "target/release/client $pid -- --"
printed server '2 bytes from' # the last message, "--"
terminal 1
output server
done_transcript
stop server

# --- a session: classic and payload ------------------------------------------------------
transcript 07-session
terminal 1
serve server 'target/release/server'
pid=$(pid_of server)
terminal 2
# Random text of exactly the size (base64 makes 4 characters of every 3 bytes).
run 'head -c 7500 /dev/urandom | base64 -w 0 > /tmp/10k.txt'
run 'head -c 75000 /dev/urandom | base64 -w 0 > /tmp/100k.txt'
run "target/release/client $pid 'Hello, final server!'"
run "target/release/client --summary $pid - < /tmp/10k.txt"
run "target/release/client --summary --payload $pid - < /tmp/10k.txt"
run "target/release/client --summary --payload $pid - < /tmp/100k.txt"
run "target/release/client --quiet --payload $pid - < /tmp/100k.txt"
wait_until "the last message" test "$(grep -c '100000 bytes from' "${outputs[server]}")" = 2
terminal 1
output server "sed -E '/^server: /!s/^(.{40}).*/\\1/'"
say 'each message cut to 40 bytes here'
done_transcript
stop server

# --- where the classic mode runs: pinned, then with --no-pin ----------------------------
# Each client sends 100 kB in the background; while it does, taskset shows where the kernel
# lets each process run, and field 39 of /proc/PID/stat where it ran last.
received() { [ "$(grep -c receiving "${outputs[server]}")" -ge "$1" ]; }
transcript 07-pinning
terminal 1
serve server 'target/release/server'
pid=$(pid_of server)
output server
terminal 2
run "taskset -pc $pid     # the server, before any client"
turns=0
for options in "" "--no-pin "; do
  background client "target/release/client --quiet $options$pid - < /tmp/100k.txt"
  client=${pids[client]}
  turns=$((turns + 1))
  wait_until "the server to receive" received "$turns"
  run "taskset -pc $client; taskset -pc $pid     # while it sends"
  run "awk '{ print \$39 }' /proc/$client/stat /proc/$pid/stat     # where they ran last"
  finish client
done
run "taskset -pc $pid     # the server, after the turns"
done_transcript
stop server

# --- the payload mode against a server that does not know it ------------------------------
transcript 07-payload-refused
terminal 1
serve server 'target/debug/stage06-server     # stage 06: classic mode only'
pid=$(pid_of server)
terminal 2
run_status "target/release/client --payload $pid 'sixty-four bits at a time'"
run_status "target/release/client $pid 'one bit at a time'"
printed server 'checksum verified'
terminal 1
output server
done_transcript
stop server

# --- SIGTERM in the middle of a message -------------------------------------------------
# The client is held stopped mid-message while the server is asked to stop: the request
# lands in the middle of the message for certain.
transcript 07-shutdown
terminal 1
serve server 'target/release/server'
pid=$(pid_of server)
terminal 2
run 'head -c 30000 /dev/urandom | base64 -w 0 > /tmp/40k.txt'
background client "target/release/client --quiet $pid - < /tmp/40k.txt"
client=${pids[client]}
printed server 'receiving'
run "kill -STOP $client     # the client, in the middle of its message"
wait_until "the client to stop" stopped "$client"
run "kill -TERM $pid     # the server"
printed server 'finishing the message'
run "kill -CONT $client"
status_of client
terminal 1
wait_until "the server to exit" gone_or_zombie "$pid"
output server "sed -E '/^server: /!s/^(.{40}).*/\\1/'"
say 'the message cut to 40 bytes here'
status_of server
done_transcript
rm -f /tmp/40k.txt

# --- the progress bar, on a terminal ----------------------------------------------------
# `script` runs the client on a pseudo-terminal and prints what the terminal received;
# the transcript shows it as the lines the terminal showed, each redraw on its own line,
# escapes removed, three redraws and the end.
redraws() {
  tr '\r' '\n' | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' | grep -v '^[[:space:]]*$' \
    | awk '/ETA/ { bar[n++] = $0; next } { print_later = print_later $0 "\n" }
           END { step = (n > 3) ? int(n / 3) : 1
                 for (i = 0; i < n; i += step) print bar[i]
                 printf "%s", print_later }'
}
transcript 07-progress
terminal 1
serve server 'target/release/server --quiet'
pid=$(pid_of server)
output server
terminal 2
run 'head -c 22500 /dev/urandom | base64 -w 0 > /tmp/30k.txt'
say 'script(1) runs the client on a terminal; three of its redraws, then the end:'
run "script -qec 'target/release/client $pid - < /tmp/30k.txt' /dev/null"
done_transcript
# Only the progress lines are reworked, after the fact: the record keeps the command.
tmp=$(mktemp); sed -n '1,/^\$ script/p' "$out/07-progress.txt" > "$tmp"
sed -n '/^\$ script/,$p' "$out/07-progress.txt" | tail -n +2 | redraws | sed 's/[[:space:]]*$//' >> "$tmp"
mv "$tmp" "$out/07-progress.txt"
stop server
rm -f /tmp/10k.txt /tmp/100k.txt /tmp/30k.txt
echo "captured stage 07: $(ls "$out"/07-* | wc -l) files"

#!/usr/bin/env bash
# Regenerates the program output that chapter "Beyond signals: sockets" shows
# (book/src/output/08-*.txt) by running the real stage-08 programs. Each file starts with
# the command(s) that produced it, as `$ …` lines, run from the repository root.
# Usage: bash stages/08-sockets/capture.sh   (from anywhere; builds first)
#
# Servers listen on loopback ports the kernel picks (port 0), so the numbers change from
# one run to the next. Processes started here are ended by the PIDs this script got for
# them, never by name. Typed input comes through FIFOs, so it is not echoed: each command
# line says in a comment what was typed. A FIFO's reader sees end of file (Ctrl-D) only
# when every copy of its writing end is closed, and a background command inherits the
# script's copies: each client is started with the other FIFOs' ends closed (`5>&-`).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q -p stage-08
out=book/src/output
bin=target/debug
mkdir -p "$out"
work=$(mktemp -d)
started=()
cleanup() {
  for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# wait_until COMMAND...: re-run COMMAND until it succeeds, at most 10 s.
wait_until() {
  for _ in $(seq 1000); do "$@" && return 0; sleep 0.01; done
  echo "capture: timed out waiting for: $*" >&2; return 1
}
# has FILE TEXT: whether FILE contains the line TEXT (whole line, fixed string).
has() { grep -qxF -- "$2" "$1" 2>/dev/null; }
# count FILE PATTERN EXPECTED: whether FILE has EXPECTED lines matching PATTERN.
count() { [ "$(grep -c -- "$2" "$1" 2>/dev/null)" = "$3" ]; }
# start_server LOG ARGS...: start a server (stdout and stderr to LOG); sets $server, $address.
start_server() {
  local log=$1; shift
  # Empty the log here, not only in the redirection below: that one happens in the
  # background process, maybe after wait_until has read the previous server's address.
  : >"$log"
  "$bin/stage08-server" "$@" >"$log" 2>&1 & server=$!; started+=("$server")
  wait_until grep -q '^listening on ' "$log"
  address=$(head -1 "$log" | sed 's/^listening on //')
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; }
# family PID: the process and its children, as ps shows them.
family() {
  echo "\$ ps -o pid,ppid,stat,args -p $1 --ppid $1"
  ps -o pid,ppid,stat,args -p "$1" --ppid "$1"
}
children() { cat /proc/"$1"/task/*/children; }
childless() { [ -z "$(children "$1")" ]; }
# zombies PID N: whether PID has exactly N children, all of them zombies.
zombies() { [ "$(ps -o stat= --ppid "$1" | grep -c '^Z')" = "$2" ] && [ "$(children "$1" | wc -w)" = "$2" ]; }

# --- one-way: two clients in a row ----------------------------------------------------
start_server "$work/server"
{
  echo "\$ printf 'hello\\nhow are you?\\n' | target/debug/stage08-client $address"
  printf 'hello\nhow are you?\n' | "$bin/stage08-client" "$address"
  echo "\$ echo 'a second client' | target/debug/stage08-client $address"
  echo 'a second client' | "$bin/stage08-client" "$address"
  echo "\$ echo \$?"
  echo $?
} > "$out/08-one-way-clients.txt"
# A client exits only after the server's child has shown everything and closed.
wait_until count "$work/server" ' left$' 2
stop_server
{ echo '$ target/debug/stage08-server'; cat "$work/server"; } > "$out/08-one-way-server.txt"

# --- fork per client: two clients connected at once -----------------------------------
start_server "$work/server"
mkfifo "$work/in1" "$work/in2"
"$bin/stage08-client" "$address" <"$work/in1" >/dev/null & first=$!; started+=("$first")
exec 3>"$work/in1"
"$bin/stage08-client" "$address" <"$work/in2" >/dev/null 3>&- & second=$!; started+=("$second")
exec 4>"$work/in2"
wait_until count "$work/server" ' joined$' 2
echo 'I am the first' >&3
echo 'I am the second' >&4
wait_until count "$work/server" ': I am the ' 2
{
  echo "\$ target/debug/stage08-server &"
  head -1 "$work/server"
  echo "\$ # two clients connect, each in a terminal of its own; then:"
  family "$server"
} > "$out/08-fork.txt"
exec 3>&- 4>&-
wait "$first" "$second"
stop_server

# --- zombies: without the handler, and with it ----------------------------------------
for mode in no-reap reap; do
  if [ "$mode" = no-reap ]; then start_server "$work/server" --no-reap; else start_server "$work/server"; fi
  for n in 1 2 3; do echo "client $n" | "$bin/stage08-client" "$address" >/dev/null; done
  if [ "$mode" = no-reap ]; then
    wait_until zombies "$server" 3
    command="target/debug/stage08-server --no-reap &"
  else
    wait_until childless "$server"
    command="target/debug/stage08-server &"
  fi
  {
    echo "\$ $command"
    head -1 "$work/server"
    echo "\$ for n in 1 2 3; do echo \"client \$n\" | target/debug/stage08-client $address >/dev/null; done"
    family "$server"
  } > "$out/08-zombies-$mode.txt"
  stop_server
done

# --- two-way: a server and two clients, typing through FIFOs --------------------------
mkfifo "$work/typed-at-server" "$work/typed-at-1" "$work/typed-at-2"
: >"$work/server"
"$bin/stage08-server" --two-way <"$work/typed-at-server" >"$work/server" 2>&1 & server=$!
started+=("$server")
exec 5>"$work/typed-at-server"
wait_until grep -q '^listening on ' "$work/server"
address=$(head -1 "$work/server" | sed 's/^listening on //')
"$bin/stage08-client" --two-way "$address" <"$work/typed-at-1" >"$work/client-1" 2>&1 5>&- &
clients[1]=$!; started+=("${clients[1]}")
exec 6>"$work/typed-at-1"
wait_until count "$work/server" ' joined$' 1
"$bin/stage08-client" --two-way "$address" <"$work/typed-at-2" >"$work/client-2" 2>&1 5>&- 6>&- &
clients[2]=$!; started+=("${clients[2]}")
exec 7>"$work/typed-at-2"
wait_until count "$work/server" ' joined$' 2
echo 'hello, is anybody there?' >&6
wait_until count "$work/server" ': hello, is anybody there?$' 1
echo 'welcome, both of you' >&5
wait_until count "$work/client-1" ': welcome, both of you$' 1
wait_until count "$work/client-2" ': welcome, both of you$' 1
echo 'hi, I am here too' >&7
wait_until count "$work/server" ': hi, I am here too$' 1
exec 6>&-                                   # Ctrl-D at the first client
wait "${clients[1]}"
wait_until count "$work/server" ' left$' 1
exec 5>&-                                   # Ctrl-D at the server
wait "$server" || true
status_2=0; wait "${clients[2]}" || status_2=$?
exec 7>&-
{
  echo "\$ target/debug/stage08-server --two-way        # typed: welcome, both of you; then Ctrl-D"
  cat "$work/server"
} > "$out/08-two-way-server.txt"
{
  echo "\$ target/debug/stage08-client --two-way $address     # typed: hello, is anybody there?; then Ctrl-D"
  cat "$work/client-1"
} > "$out/08-two-way-client-1.txt"
{
  echo "\$ target/debug/stage08-client --two-way $address     # typed: hi, I am here too"
  cat "$work/client-2"
  echo "\$ echo \$?"
  echo "$status_2"
} > "$out/08-two-way-client-2.txt"

# --- a client that leaves in the middle of a line -------------------------------------
start_server "$work/server"
port=${address##*:}
printf 'complete line\nhalf a li' > "/dev/tcp/127.0.0.1/$port"
wait_until grep -q ' left$' "$work/server"
{
  echo '$ target/debug/stage08-server'
  head -1 "$work/server"
  echo "\$ printf 'complete line\\nhalf a li' > /dev/tcp/127.0.0.1/$port      # bash, in a second terminal"
  tail -n +2 "$work/server"
} > "$out/08-mid-line.txt"

# --- bad input --------------------------------------------------------------------------
# fails COMMAND...: show the command, what it printed, and its exit status.
fails() {
  echo "\$ $*"
  local status=0
  "$@" 2>&1 || status=$?
  echo "\$ echo \$?"
  echo "$status"
}
{
  fails "$bin/stage08-client" localhost:4242
  fails "$bin/stage08-server" --port 70000
  fails "$bin/stage08-server" --port "$port"       # the server above still listens there
  stop_server
  echo "\$ # the server at $address has been stopped"
  fails "$bin/stage08-client" "$address" </dev/null
} > "$out/08-errors.txt"

echo "capture: wrote $(ls "$out"/08-*.txt | wc -l) files in $out"

#!/usr/bin/env bash
# Regenerates the program output that chapter "Beyond signals: sockets" shows
# (book/src/output/08-*.txt) by running the real stage-08 programs;
# book/capture-lib.sh says how a transcript is made.
# Usage: bash stages/08-sockets/capture.sh   (book/capture.sh runs it too)
#
# Servers listen on loopback ports the kernel picks (port 0), so the numbers change from
# one run to the next. What is typed at a program comes through its stdin pipe, so it is
# not echoed: a comment says what was typed.
source "$(dirname "$0")/../../book/capture-lib.sh"
build -p stage-08 --bins

# address_of NAME: the address the server NAME printed on its first line.
address_of() {
  printed "$1" '^listening on '
  head -1 "${outputs[$1]}" | sed 's/^listening on //'
}
children() { cat /proc/"$1"/task/*/children; }
childless() { [ -z "$(children "$1")" ]; }
# count NAME PATTERN N: whether NAME printed N lines matching PATTERN.
count() { [ "$(grep -c -- "$2" "${outputs[$1]}" 2>/dev/null)" = "$3" ]; }
# zombies PID N: whether PID has exactly N children, all of them zombies.
zombies() { [ "$(ps -o stat= --ppid "$1" | grep -c '^Z')" = "$2" ] && [ "$(children "$1" | wc -w)" = "$2" ]; }
# family PID: the process and its children, as ps shows them.
family() { run "ps -o pid,ppid,stat,args -p $1 --ppid $1"; }

# --- one-way: two clients in a row ----------------------------------------------------
transcript 08-one-way
run 'cargo build -q -p stage-08'
terminal 1
serve server 'target/debug/stage08-server'
address=$(address_of server)
terminal 2
run "printf 'hello\\nhow are you?\\n' | target/debug/stage08-client $address"
run "echo 'a second client' | target/debug/stage08-client $address; echo \"exit code: \$?\""
# A client exits only after the server's child has shown everything and closed.
wait_until "both clients to leave" count server ' left$' 2
terminal 1
output server
done_transcript
stop server

# --- fork per client: two clients connected at once -----------------------------------
transcript 08-fork
terminal 1
serve server 'target/debug/stage08-server'
address=$(address_of server)
output server
server=${pids[server]}
terminal 2
serve_with_stdin first "target/debug/stage08-client $address     # typed: I am the first"
terminal 3
serve_with_stdin second "target/debug/stage08-client $address     # typed: I am the second"
wait_until "two clients to join" count server ' joined$' 2
write_stdin first 'I am the first\n'
write_stdin second 'I am the second\n'
wait_until "their lines" count server ': I am the ' 2
terminal 4
family "$server"
close_stdin first; close_stdin second
finish first; finish second
terminal 2; output first
terminal 3; output second
done_transcript
stop server

# --- zombies: without the handler, and with it ----------------------------------------
for mode in no-reap reap; do
  transcript "08-zombies-$mode"
  terminal 1
  if [ "$mode" = no-reap ]; then serve server 'target/debug/stage08-server --no-reap'
  else serve server 'target/debug/stage08-server'; fi
  address=$(address_of server)
  output server
  server=${pids[server]}
  terminal 2
  run "for n in 1 2 3; do echo \"client \$n\" | target/debug/stage08-client $address >/dev/null; done"
  if [ "$mode" = no-reap ]; then wait_until "three zombies" zombies "$server" 3
  else wait_until "no child left" childless "$server"; fi
  family "$server"
  done_transcript
  stop server
done

# --- two-way: a server and two clients, typing at each -------------------------------
transcript 08-two-way
terminal 1
serve_with_stdin server 'target/debug/stage08-server --two-way     # typed: welcome, both of you; then Ctrl-D'
address=$(address_of server)
terminal 2
serve_with_stdin one "target/debug/stage08-client --two-way $address     # typed: hello, is anybody there?; then Ctrl-D"
wait_until "the first client" count server ' joined$' 1
terminal 3
serve_with_stdin two "target/debug/stage08-client --two-way $address     # typed: hi, I am here too"
wait_until "the second client" count server ' joined$' 2
write_stdin one 'hello, is anybody there?\n'
wait_until "the first line" count server ': hello, is anybody there?$' 1
write_stdin server 'welcome, both of you\n'
wait_until "the server's line at the first client" count one ': welcome, both of you$' 1
wait_until "the server's line at the second client" count two ': welcome, both of you$' 1
write_stdin two 'hi, I am here too\n'
wait_until "the second client's line" count server ': hi, I am here too$' 1
close_stdin one                             # Ctrl-D at the first client
finish one
wait_until "the first client to leave" count server ' left$' 1
close_stdin server                          # Ctrl-D at the server
finish server
wait_until "the second client to exit" gone "${pids[two]}"
close_stdin two
terminal 1; output server
terminal 2; output one
terminal 3; output two; status_of two
done_transcript

# --- a client that leaves in the middle of a line -------------------------------------
transcript 08-mid-line
terminal 1
serve server 'target/debug/stage08-server'
address=$(address_of server)
port=${address##*:}
terminal 2
run "printf 'complete line\\nhalf a li' > /dev/tcp/127.0.0.1/$port      # bash's /dev/tcp: a client that leaves mid-line"
wait_until "the client to leave" count server ' left$' 1
terminal 1
output server
done_transcript

# --- bad input --------------------------------------------------------------------------
transcript 08-errors
terminal 2
run_status 'target/debug/stage08-client localhost:4242'
run_status 'target/debug/stage08-server --port 70000'
run_status "target/debug/stage08-server --port $port     # the server in terminal 1 listens there"
run "kill ${pids[server]}     # the server in terminal 1 (Ctrl-C there does the same)"
finish server
run_status "target/debug/stage08-client $address < /dev/null     # nobody listens there any more"
done_transcript

echo "captured stage 08: $(ls "$out"/08-* | wc -l) files"

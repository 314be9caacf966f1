#!/usr/bin/env bash
# Regenerates stage 06's program output for the book (book/src/output/06-*.txt) by
# running the real programs; book/capture-lib.sh says how a transcript is made.
# Usage: bash stages/06-concurrent/capture.sh   (book/capture.sh runs it too)
# Every PID given to a client here is one this script started.
source "$(dirname "$0")/../../book/capture-lib.sh"
build -p stage-05 -p stage-06 --bins
# The stray sender, as a learner types it: SIGUSR1 and SIGUSR2 a hundred times a second.
noise() { echo "sh -c 'while :; do kill -USR1 $1; kill -USR2 $1; sleep 0.01; done'"; }
# The same, but ignoring both signals, so that no answer can end it.
stubborn_noise() { echo "sh -c 'trap \"\" USR1 USR2; while :; do kill -USR1 $1; kill -USR2 $1; sleep 0.01; done'"; }

# --- stage 05 with three clients at once ------------------------------------------------
# The chapter says that some of them time out: a run in which all three got through is
# tried again.
crowd() {
  transcript 06-stage05-crowd
  terminal 1
  serve server 'target/debug/stage05-server'
  pid=$(pid_of server)
  terminal 2
  run "for n in 1 2 3; do MINITALK_TIMEOUT_MS=2000 target/debug/stage05-client $pid \"client \$n: \$(head -c 100 /dev/zero | tr '\\0' \$n)\" & done; wait"
  local timed_out=no; grep -q 'no answer from PID' "$part_file.txt" && timed_out=yes
  sleep 1 # what the server makes of it, it has made by now
  terminal 1
  output server 'cut -c 1-60 | cat -v'
  stop server
  [ "$timed_out" = yes ] && done_transcript
}
attempts 5 crowd

# --- stage 05 with a stray sender ---------------------------------------------------------
# The chapter says the client timed out and the server took some of the noise for a frame:
# a run that did not show both is tried again.
stray5() {
  transcript 06-stage05-stray
  terminal 1
  serve server 'target/debug/stage05-server'
  pid=$(pid_of server)
  terminal 2
  background stray "$(stubborn_noise "$pid")     # noise that answers cannot end"
  local stray=${pids[stray]}
  run_status "MINITALK_TIMEOUT_MS=2000 target/debug/stage05-client $pid \"\$(head -c 3000 /dev/zero | tr '\\0' s)\""
  local timed_out=no; grep -q 'exit code: 6' "$part_file.txt" && timed_out=yes
  run "kill $stray     # the noise"
  stop stray
  terminal 1
  say "the server's first 6 lines, cut to 72 bytes:"
  output server 'head -6 | cut -c 1-72'
  # Among the lines shown, or the reader cannot see it.
  local framed=no
  grep -q "announced by PID $stray\|bytes from PID $stray" <<< "$(head -6 "${outputs[server]}")" &&
    framed=yes
  stop server
  [ "$timed_out$framed" = yesyes ] && done_transcript
}
attempts 5 stray5

# --- the surprise: sigwaitinfo unblocks what it waits for -------------------------------
# A stage-05 client waits for its answer in sigtimedwait; a stage-06 client reads a
# signalfd. Both wait here for a server that is stopped, so /proc shows them waiting.
transcript 06-proc-status
run 'cargo build -q -p stage-06'
terminal 1
serve server5 'target/debug/stage05-server'
pid5=$(pid_of server5)
output server5
terminal 2
serve server6 'target/debug/stage06-server'
pid6=$(pid_of server6)
output server6
terminal 3
run "kill -STOP $pid5 $pid6     # both servers"
wait_until "the servers to stop" stopped "$pid5"
wait_until "the servers to stop" stopped "$pid6"
background c5 "target/debug/stage05-client $pid5 hello     # waits in sigtimedwait"
wait_until "the stage-05 client to wait" sleeping "${pids[c5]}"
wait_until "the stage-05 client to knock" pending "$pid5"
run "grep -E 'SigBlk|SigCgt' /proc/${pids[c5]}/status"
background c6 "target/debug/stage06-client $pid6 hello     # waits on a signalfd"
wait_until "the stage-06 client to knock" pending "$pid6"
wait_until "the stage-06 client to wait" sleeping "${pids[c6]}"
run "grep -E 'SigBlk|SigCgt' /proc/${pids[c6]}/status"
say 'SIGUSR1 is bit 9 (0x200), SIGUSR2 bit 11 (0x800), SIGALRM bit 13 (0x2000)'
done_transcript
stop c5; stop c6; stop server5; stop server6

# --- three clients at once ---------------------------------------------------------------
transcript 06-clients
terminal 1
serve server 'target/debug/stage06-server'
pid=$(pid_of server)
terminal 2
run "for n in 1 2 3; do target/debug/stage06-client $pid \"client \$n: \$(head -c 600 /dev/zero | tr '\\0' \$n)\" & done; wait"
printed server 'checksum verified'
terminal 1
output server "sed -E '/^stage06-server: /!s/^(.{40}).*/\\1/'"
say 'each message cut to 40 bytes here'
done_transcript
stop server

# --- stray signals during a transfer -------------------------------------------------------
transcript 06-stray
terminal 1
serve server 'target/debug/stage06-server'
pid=$(pid_of server)
terminal 2
background stray "$(noise "$pid")     # noise"
stray=${pids[stray]}
run "target/debug/stage06-client $pid \"\$(head -c 3000 /dev/zero | tr '\\0' s)\""
printed server 'stray'
run "grep -E 'SigBlk|SigCgt' /proc/$stray/status     # the noise maker"
run "kill -0 $stray && echo alive     # so no answer went to it"
run "kill $stray"
stop stray
terminal 1
output server "sed -E '/^stage06-server: /!s/^(.{60}).*/\\1/'"
say 'the message of 3000 s cut to 60 bytes here'
done_transcript
stop server

# --- a client killed mid-message, one waiting in line -------------------------------------
transcript 06-killed-client
terminal 1
serve server 'target/debug/stage06-server'
pid=$(pid_of server)
terminal 2
background doomed "target/debug/stage06-client $pid \"\$(head -c 40000 /dev/zero | tr '\\0' k)\""
doomed=${pids[doomed]}
printed server "PID $doomed: receiving"
background next "target/debug/stage06-client $pid \"waiting in line, then printed\""
printed server "PID ${pids[next]} waits in line"
run "kill -KILL $doomed     # the first client, mid-message"
finish doomed
finish next
output next
printed server 'checksum verified'
terminal 1
output server
done_transcript
stop server

# --- stage06-forge: what the server refuses -----------------------------------------------
transcript 06-forge
terminal 1
serve server 'target/debug/stage06-server'
pid=$(pid_of server)
terminal 2
run_status "target/debug/stage06-forge bad-checksum $pid \"damaged on the way\""
run_status "target/debug/stage06-forge claim-length=4294967295 $pid short"
background forge "target/debug/stage06-forge no-catch $pid \"\"     # knocks, catches nothing"
forge=${pids[forge]}
printed server "not answering PID $forge"
output forge
run "grep -E 'State|ShdPnd' /proc/$forge/status     # alive, and never answered"
run "kill $forge"
stop forge
terminal 1
output server
done_transcript
stop server
echo "captured stage 06: $(ls "$out"/06-* | wc -l) files"

#!/usr/bin/env bash
# Regenerates stage 00's program output for the book (book/src/output/00-*.txt) by
# running the real programs; book/capture-lib.sh says how a transcript is made.
# Usage: bash stages/00-foundations/capture.sh   (book/capture.sh runs it too)
source "$(dirname "$0")/../../book/capture-lib.sh"
build -p stage-00 --bins

# --- a child that exits --------------------------------------------------------------
transcript 00-process-exit
run 'cargo build -q -p stage-00'
run 'target/debug/stage00-process exit 3'
done_transcript

# --- a child that a signal ends ------------------------------------------------------
transcript 00-process-signal
background process 'target/debug/stage00-process wait-for-signal'
printed process 'child:'
output process
child=$(sed -n 's/^child: pid=\([0-9]*\) .*/\1/p' "${outputs[process]}")
# Signal only the child of the process this script started.
[ "$(awk '/^PPid:/{print $2}' "/proc/$child/status")" = "${pids[process]}" ]
run "kill -USR1 $child        # the child's PID"
finish process
output process
done_transcript

transcript 00-kill-l
run 'kill -l'
done_transcript

# --- a thousand signals, blocked, then unblocked ---------------------------------------
# What the learner types at the receiver comes through its stdin pipe.
transcript 00-blocked
terminal 1
serve_with_stdin receiver 'target/debug/stage00-receiver --block' 'blocking'
receiver=$(pid_of receiver)
terminal 2
run "target/debug/stage00-sender $receiver USR1 1000"
run "grep ShdPnd /proc/$receiver/status     # bit 9 (0x200) is signal 10, SIGUSR1"
terminal 1
say 'once terminal 2 is done: Enter'
write_stdin receiver '\n'
close_stdin receiver
finish receiver
output receiver
done_transcript

transcript 00-unblocked
terminal 1
serve_with_stdin receiver 'target/debug/stage00-receiver' 'counting'
receiver=$(pid_of receiver)
terminal 2
run "target/debug/stage00-sender $receiver USR2 1000"
terminal 1
say 'once terminal 2 is done: Ctrl-D'
close_stdin receiver
finish receiver
output receiver
done_transcript
echo "captured stage 00: $(ls "$out"/00-* | wc -l) files"

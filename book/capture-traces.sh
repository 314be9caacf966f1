#!/usr/bin/env bash
# Regenerates the signal timelines the book shows (book/src/traces/*.svg) and the
# tracing page's output (book/src/output/trace-*.txt), each from a real run of a stage's
# programs traced by the kernel (minitalk-trace). Needs root and tracefs (the tool mounts
# it if needed); without them it says so in one line and writes nothing.
# Usage: bash book/capture-traces.sh   (from anywhere; builds first)
# The tool starts, and ends by PID, every process it traces; this script starts none.
source "$(dirname "$0")/capture-lib.sh"   # cds to the repository's root
cargo build -q -p minitalk-trace --workspace --bins
trace=target/debug/minitalk-trace
traces=book/src/traces
out=book/src/output
mkdir -p "$traces"
tmp=$work

# Refuse early, in the tool's own words, where tracing is impossible.
"$trace" --help >/dev/null
if ! "$trace" 01 x --delay-us 1000 >"$tmp/probe" 2>&1; then
  echo "capture-traces: $(tail -1 "$tmp/probe")" >&2; exit 1
fi

# shot NAME CHECKS ARGS...: trace, and keep the picture only if the run's summary or the
# picture itself matches every grep -E pattern in CHECKS (separated by " ;; "): some
# moments (a lost signal, a resend) depend on timing, so a run may be tried 20 times.
matches_all() {
  local checks=$1 pattern; shift
  while [ -n "$checks" ]; do
    pattern=${checks%% ;; *}
    [ "$pattern" = "$checks" ] && checks="" || checks=${checks#* ;; }
    cat "$@" 2>/dev/null | grep -Eq -- "$pattern" || return 1
  done
}
shot() {
  local name=$1 check=$2; shift 2
  for _ in $(seq 20); do
    "$trace" "$@" --svg "$tmp/$name.svg" >"$tmp/$name.txt" 2>&1 || true
    if matches_all "$check" "$tmp/$name.txt" "$tmp/$name.svg"; then
      mv "$tmp/$name.svg" "$traces/$name.svg"
      echo "captured $traces/$name.svg"
      return 0
    fi
  done
  echo "capture-traces: no run of '$*' showed '$check'; last summary:" >&2
  cat "$tmp/$name.txt" >&2
  return 1
}

# 01: no pause, the client real-time on the server's CPU: it sends all 24 bits before
# the server takes one; all but the first of each signal merge.
shot 01-unpaced 'lost signal' 01 hi --delay-us 0 --client-first \
  --title 'stage 01, no pause: "hi" (the client runs first, on the same CPU)'
# 02: two clients at once; each lane is one sender PID, which the server now sees.
shot 02-two-senders 'client 2: 24 items' 02 ab cd --bits 0..16 \
  --title 'stage 02: two clients at once, each signal with its sender'"'"'s PID'
# 03: every bit answered before the next is sent: the rhythm, nothing lost.
shot 03-answers 'no signal lost' 03 hi --bits 0..24 \
  --title 'stage 03: every bit answered ("hi")'
# 05: the server stops (SIGSTOP) after 20 bits; the client waits 300 ms, then gives up.
shot 05-timeout 'exit status: 6' 05 hello --timeout-ms 300 --stop-server-at 20 --bits 8..40 \
  --title 'stage 05: the server stops answering; the client times out after 300 ms'
# 06: two clients knock; one gets the turn, the other waits in line; a stray shell's
# SIGUSR1 merges with a knock or a bit, which is sent again after 20 ms.
shot 06-turns 'again \(resent ;; wait in line ;; your turn' 06 a b --stray 3 --bits 0..8 \
  --title 'stage 06: knocks, a turn, a wait in line, stray signals and a resend'
# 07: payload mode, two chunks in flight (the default): 63 bits of the frame per signal,
# chunk n + 1 sent before chunk n is answered; kept only from a run that lost nothing.
shot 07-payload 'messages confirmed ;; no signal lost ;; ack: holds chunks ;; in flight for' \
  07 --payload 'Hello, two chunks in flight!' \
  --title 'stage 07, payload mode: two chunks in flight, 63 bits per signal'
# And one chunk in flight (--one-in-flight): 64 bits per signal, each chunk answered
# before the next goes.
shot 07-payload-one 'messages confirmed ;; ack of 0' \
  07 --payload --client-arg --one-in-flight 'Hello, two chunks in flight!' \
  --title 'stage 07, payload mode, --one-in-flight: 64 bits per signal'

# The tracing page: a summary and a timeline, as the tool prints them (the PIDs, which
# change from run to run, shown as `PID …`).
transcript trace-03
run 'cargo run -q -p minitalk-trace -- 03 hi --timeline -'
done_transcript "sed -E 's/\\(PID [0-9]+\\)/(PID …)/g'"
transcript trace-01
run 'cargo run -q -p minitalk-trace -- 01 hi --delay-us 0 --client-first'
done_transcript "sed -E 's/\\(PID [0-9]+\\)/(PID …)/g'"
# The tracing page's "without the tool": the same record by hand, with the commands as
# the page shows them (this script's own instance, removed at the end).
bin=target/debug
tfs=/sys/kernel/tracing
inst=$tfs/instances/capture-traces-$$
mkdir "$inst"
# (Removed at the end already, unless the script stopped half-way.)
trap 'cleanup; if [ -d "$inst" ]; then echo 0 > "$inst/events/enable"; rmdir "$inst" || true; fi' EXIT
echo 1 > "$inst/options/event-fork"
echo $BASHPID > "$inst/set_event_pid"
echo 'sig == 10 || sig == 12' > "$inst/events/signal/signal_generate/filter"
echo 'sig == 10 || sig == 12' > "$inst/events/signal/signal_deliver/filter"
echo 1 > "$inst/events/signal/enable"
"$bin/stage03-server" > "$tmp/server.log" 2>/dev/null & server=$!
wait_for "$tmp/server.log" "PID"
"$bin/stage03-client" "$server" hi > /dev/null
kill "$server"; wait "$server" 2>/dev/null || true
echo 0 > "$inst/events/signal/enable"
# Shown as comments, not as commands: the page's instance is called `mine`.
transcript trace-raw
say "grep signal_ instances/mine/trace | head -3"
next_part; grep -m3 signal_ "$inst/trace" > "$part_file.txt"
say "grep -c 'res=2' instances/mine/trace"
next_part; { grep -c 'res=2' "$inst/trace" || true; } > "$part_file.txt"
done_transcript
rmdir "$inst"
echo "captured $(ls "$traces"/*.svg | wc -l) timelines"

#!/usr/bin/env bash
# Regenerates stage 04's program output for the book (book/src/output/04-*.txt) by
# running the real programs; book/capture-lib.sh says how a transcript is made.
# Usage: bash stages/04-framed/capture.sh   (book/capture.sh runs it too)
source "$(dirname "$0")/../../book/capture-lib.sh"
build -p stage-03 -p stage-04 --bins

# --- what stage 03 cannot send --------------------------------------------------------
transcript 04-stage03-limits
terminal 1
serve server 'target/debug/stage03-server'
pid=$(pid_of server)
terminal 2
run "target/debug/stage03-client $pid \"\$(printf 'one\\0two')\"     # a 0 byte inside"
run "target/debug/stage03-client $pid \"\$(head -c 140000 /dev/zero | tr '\\0' x)\"; echo \"exit code: \$?\""
run "printf 'from\\nstdin' | target/debug/stage03-client $pid -"
printed server '1 bytes'
terminal 1
output server
done_transcript
stop server

# --- any bytes -----------------------------------------------------------------------
transcript 04-clients
run 'cargo build -q -p stage-04'
terminal 1
serve server 'target/debug/stage04-server > /tmp/server.out'
pid=$(pid_of server /tmp/server.out)
terminal 2
run 'head -1 /tmp/server.out'
run "target/debug/stage04-client $pid 'déjà vu, 日本語, 😀'"
run "target/debug/stage04-client $pid ''"
run "target/debug/stage04-client $pid \$'caf\\xe9 \\xff'     # Latin-1 é and a 0xff: not UTF-8"
run "printf 'two\\nlines' | target/debug/stage04-client $pid -"
printed server '9 bytes'
run "od -c /tmp/server.out     # od shows every byte"
terminal 1
output server
done_transcript
stop server

# --- one argument holds at most 128 KiB ----------------------------------------------
transcript 04-argv-limit
terminal 1
serve server 'target/debug/stage04-server'
pid=$(pid_of server)
output server
terminal 2
run_status "target/debug/stage04-client $pid \"\$(head -c 140000 /dev/zero | tr '\\0' x)\""
run "head -c 140000 /dev/zero | tr '\\0' x | target/debug/stage04-client $pid -"
printed server '140000 bytes'
terminal 1
say 'a line of 140 000 x, cut here to 60:'
output server 'cut -c 1-60'
done_transcript

# --- a header that lies ----------------------------------------------------------------
transcript 04-refused
terminal 2
run_status "target/debug/stage04-forge $pid 4294967295     # announces 4 GiB - 1 bytes"
run_status "head -c 20000000 /dev/zero | target/debug/stage04-client $pid -     # 20 MB, really"
printed server '20000000'
terminal 1
output server
done_transcript
stop server
echo "captured stage 04: $(ls "$out"/04-* | wc -l) files"

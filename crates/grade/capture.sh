#!/usr/bin/env bash
# Regenerates the output of `workbook grade` shown on the book's page "Test your own
# implementation" (book/src/output/grade-*.txt), by grading two C minitalks of the
# tester's corpus (crates/grade/tests/corpus/): the correct one, one that reads its PID
# with atoi, and the correct one with a client that gives up after 3 s, on stage 06
# (clients at once). book/capture-lib.sh says how a transcript is made.
# Usage: bash crates/grade/capture.sh   (book/capture.sh runs it too; needs cc)
source "$(dirname "$0")/../../book/capture-lib.sh"
build -p workbook
demo=target/corpus-demo
corpus=crates/grade/tests/corpus
mkdir -p "$demo/correct" "$demo/atoi" "$demo/at-once"

# grade NAME DIR STAGES: a transcript of grading the programs in DIR (built first, as a
# student would with their Makefile).
grade() {
  transcript "grade-$1"
  local flags=""
  [ "$1" = atoi ] && flags=" -DATOI"
  [ "$1" = at-once ] && flags=" -DTIMEOUT"
  run "cc -O2 -o $2/server $corpus/server.c && cc -O2$flags -o $2/client $corpus/client.c"
  # A failing grade exits 1: the transcript shows it.
  run_status "cargo run -q -p workbook -- grade --server $2/server --client $2/client --stages $3 --out $2/report 2>/dev/null"
  done_transcript
}
grade correct "$demo/correct" 01-03
grade atoi "$demo/atoi" 01
grade at-once "$demo/at-once" 06

# Rows of the reports: a note, a skip, and the failures of the atoi client.
transcript grade-correct-rows
run "grep -E 'note:|skipped \\|' $demo/correct/report/report.md"
done_transcript
transcript grade-atoi-rows
run "grep FAIL $demo/atoi/report/report.md"
done_transcript
transcript grade-at-once-rows
run "grep FAIL $demo/at-once/report/report.md"
done_transcript

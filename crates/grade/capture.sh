#!/usr/bin/env bash
# Regenerates the output of `workbook grade` shown on the book's page "Test your own
# implementation" (book/src/output/grade-*.txt), by grading two C minitalks of the
# tester's corpus (crates/grade/tests/corpus/): the correct one, and one that reads its
# PID with atoi. Each file starts with the command that produced it, as a `$ …` line.
# Usage: bash crates/grade/capture.sh   (from anywhere; needs cc)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=book/src/output
demo=target/corpus-demo
mkdir -p "$out" "$demo/correct" "$demo/atoi"
corpus=crates/grade/tests/corpus
cc -O2 -o "$demo/correct/server" "$corpus/server.c"
cc -O2 -o "$demo/correct/client" "$corpus/client.c"
cc -O2 -o "$demo/atoi/server" "$corpus/server.c"
cc -O2 -DATOI -o "$demo/atoi/client" "$corpus/client.c"
cargo build -q -p workbook
# grade DIR STAGES: grade the programs in DIR, print the command and what it printed.
grade() {
  echo "\$ cargo run -p workbook -- grade --server $1/server --client $1/client --stages $2"
  cargo run -q -p workbook -- grade --server "$1/server" --client "$1/client" \
    --stages "$2" --out "$1/report" 2>/dev/null | sed "s|$PWD/||g" || true
}
grade "$demo/correct" 01-03 > "$out/grade-correct.txt"
grade "$demo/atoi" 01 > "$out/grade-atoi.txt"
# Rows of the reports: a note, a skip, and the failures of the atoi client.
{ echo "\$ grep -E 'note:|skipped' $demo/correct/report/report.md"
  grep -E 'note:|skipped \|' "$demo/correct/report/report.md" | sed "s|$PWD/||g"; } > "$out/grade-correct-rows.txt"
{ echo "\$ grep FAIL $demo/atoi/report/report.md"
  grep 'FAIL' "$demo/atoi/report/report.md" | sed "s|$PWD/||g"; } > "$out/grade-atoi-rows.txt"

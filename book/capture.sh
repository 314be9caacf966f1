#!/usr/bin/env bash
# Regenerates every program output the book shows (book/src/output/*.txt, with the
# record of their commands in book/commands/) by running each stage's own capture script,
# stages/*/capture.sh, in order, then those of the other pages (the kernel traces, the
# tester's reports, the signals lab). Each is built on book/capture-lib.sh, which says how.
# Usage: bash book/capture.sh [NN...]   (from anywhere; only stages NN if given)
set -euo pipefail
cd "$(dirname "$0")/.."
for script in stages/*/capture.sh; do
  stage=$(basename "$(dirname "$script")"); stage=${stage%%-*}
  if [ $# -gt 0 ] && [[ " $* " != *" $stage "* ]]; then continue; fi
  bash "$script"
done
if [ $# -eq 0 ]; then
  for script in book/capture-traces.sh crates/grade/capture.sh lab/capture.sh; do
    if [ -f "$script" ]; then bash "$script"; fi
  done
fi
echo "captured: $(ls book/src/output/*.txt | wc -l) files in book/src/output"

#!/usr/bin/env bash
# Regenerates every program output the book shows (book/src/output/*.txt, with the
# record of their commands in book/commands/) by running each stage's own capture script,
# stages/*/capture.sh, in order, then the signals lab's, lab/capture.sh, then those of the
# other pages (the kernel traces, the tester's reports). Each is built on
# book/capture-lib.sh, which says how.
# Usage: bash book/capture.sh [NN...|lab]   (from anywhere; only stages NN, or the lab, if given)
set -euo pipefail
cd "$(dirname "$0")/.."
for script in stages/*/capture.sh lab/capture.sh; do
  stage=$(basename "$(dirname "$script")"); stage=${stage%%-*}
  if [ $# -gt 0 ] && [[ " $* " != *" $stage "* ]]; then continue; fi
  bash "$script"
done
if [ $# -eq 0 ]; then
  bash book/capture-traces.sh
  bash crates/grade/capture.sh
fi
echo "captured: $(ls book/src/output/*.txt | wc -l) files in book/src/output"

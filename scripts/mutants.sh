#!/usr/bin/env bash
# cargo-mutants over the exercise parts, and only over them.
#
# An exercise part is the code between `// EXERCISE: name` and `// END EXERCISE` in a
# stage's sources: what a learner writes. A mutant (a small change cargo-mutants makes to
# that code: `==` into `!=`, a body into `Default::default()`, …) that the stage's tests
# do not catch is a wrong answer that would pass. Every missed mutant is either caught by
# a test written since, or explained in the record as one that cannot change what the
# programs do (an equivalent mutant).
#
#   bash scripts/mutants.sh list [STAGE…]   the mutants inside the exercise regions
#   bash scripts/mutants.sh run [STAGE…]    test them (long: each builds and tests a stage)
#                                           and write their outcomes to the record
#   bash scripts/mutants.sh run --missed STAGE…   test again only those recorded missed
#   bash scripts/mutants.sh check           fail if the record is stale (the list differs)
#                                           or a missed mutant has no reason (what CI runs)
#
# STAGE is a directory name under stages/ (03-acknowledged) or its number (03). The
# record is tests/mutants/record.txt, one mutant a line, tab-separated:
#
#   stage  part  outcome  mutant  [note]
#
# where `mutant` is the file, the line counted from the region's `// EXERCISE:` line
# (`+26`: edits elsewhere in the file leave it alone), the column, and what cargo-mutants
# does; `outcome` is caught, timeout (the tests hung: caught too), missed or unviable (it
# does not compile); a missed one's note says which test catches it now, or why it is
# equivalent.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=27.1.0
RECORD=tests/mutants/record.txt
OUT=target/mutants

ensure_cargo_mutants() {
  if [ "$(cargo mutants --version 2>/dev/null)" != "cargo-mutants $VERSION" ]; then
    echo "mutants: installing cargo-mutants $VERSION" >&2
    cargo install --locked "cargo-mutants@$VERSION"
  fi
}

# The stages, or those named.
stages() {
  if [ $# -eq 0 ]; then
    ls stages
  else
    local s found
    for s in "$@"; do
      found=$(cd stages && for d in "$s" "$s"-*; do [ -d "$d" ] && echo "$d"; done | head -n1)
      [ -n "$found" ] || { echo "mutants: no stage $s" >&2; return 2; }
      echo "$found"
    done
  fi
}

# The exercise regions of a stage: `file start end part` per region (start is the line of
# `// EXERCISE:`, end that of `// END EXERCISE`).
regions() {
  local stage=$1 file
  grep -rl --include='*.rs' '// EXERCISE:' "stages/$stage/src" 2>/dev/null | sort | while read -r file; do
    awk -v file="$file" '
      /^[[:space:]]*\/\/ EXERCISE:/ { name = $3; start = NR }
      /^[[:space:]]*\/\/ END EXERCISE/ { print file, start, NR, name }
    ' "$file"
  done
}

# The mutants of one stage that fall inside its regions, as record keys:
# `stage<TAB>part<TAB>file:+line:col: description<TAB>raw name` (the raw name is
# cargo-mutants' own, with the file's real line, for --re).
region_mutants() {
  local stage=$1 package regions_file
  package="stage-${stage%%-*}"
  regions_file=$(mktemp)
  regions "$stage" >"$regions_file"
  if [ ! -s "$regions_file" ]; then rm -f "$regions_file"; return; fi
  local files=()
  for f in $(cut -d' ' -f1 "$regions_file" | sort -u); do files+=(-f "$f"); done
  cargo mutants --list -p "$package" "${files[@]}" 2>/dev/null |
    awk -v stage="$stage" -v regions="$regions_file" '
      BEGIN {
        while ((getline line < regions) > 0) {
          split(line, r, " "); n++; file[n] = r[1]; start[n] = r[2]; end[n] = r[3]; part[n] = r[4]
        }
      }
      {
        # path:line:col: description
        split($0, f, ":"); path = f[1]; ln = f[2] + 0; col = f[3]
        rest = substr($0, length(path) + length(f[2]) + length(col) + 4)
        sub(/^ /, "", rest)
        for (i = 1; i <= n; i++) {
          if (path == file[i] && ln > start[i] && ln < end[i]) {
            printf "%s\t%s\t%s:+%d:%s: %s\t%s\n", stage, part[i], path, ln - start[i], col, rest, $0
          }
        }
      }' | sort -t$'\t' -k2,2 -k3,3
  rm -f "$regions_file"
}

list() {
  local stage
  for stage in $(stages "$@"); do region_mutants "$stage"; done | cut -f1-3
}

# Escape a string for an extended regular expression.
ere_escape() { sed -e 's/[][\.*^$+?(){}|/]/\\&/g'; }

run() {
  ensure_cargo_mutants
  # `run --missed STAGE…`: only the mutants the record says were missed (after a test was
  # written to catch them).
  local only_missed=""
  if [ "${1:-}" = --missed ]; then only_missed=1; shift; fi
  mkdir -p "$(dirname "$RECORD")" "$OUT"
  touch "$RECORD"
  local stage
  for stage in $(stages "$@"); do
    local package="stage-${stage%%-*}" listed
    listed=$(region_mutants "$stage")
    if [ -n "$only_missed" ]; then
      listed=$(printf '%s\n' "$listed" | awk -F'\t' -v record="$RECORD" '
        BEGIN { while ((getline l < record) > 0) { split(l, f, "\t"); if (f[3] == "missed") missed[f[1] "\t" f[4]] = 1 } }
        ($1 "\t" $3) in missed')
    fi
    if [ -z "$listed" ]; then echo "mutants: $stage has no mutant in an exercise region" >&2; continue; fi
    local count; count=$(printf '%s\n' "$listed" | wc -l)
    echo "mutants: $stage: $count mutants in its exercise regions" >&2
    local files=() regex
    for f in $(printf '%s\n' "$listed" | cut -f4 | cut -d: -f1 | sort -u); do files+=(-f "$f"); done
    regex="^($(printf '%s\n' "$listed" | cut -f4 | ere_escape | paste -sd'|'))\$"
    local started; started=$(date +%s)
    # The tests of the stage only; a mutant whose tests run past the timeout counts as
    # caught (it hangs). The tests' own deadlines are 30 s; the timeout leaves room.
    cargo mutants -p "$package" "${files[@]}" --re "$regex" --test-package "$package" \
      --baseline skip --timeout 240 --build-timeout 600 --no-shuffle \
      --output "$OUT/$stage" -j 1 || true
    echo "mutants: $stage took $(( $(date +%s) - started )) s" >&2
    record_outcomes "$stage" "$listed" "$([ -n "$only_missed" ] && echo 0 || echo 1)"
  done
  echo "mutants: record written to $RECORD" >&2
}

# Merge the outcomes of a run of one stage into the record, keeping the notes of mutants
# that were already there with the same outcome. After a run of all of a stage's mutants
# (`whole` = 1), the stage's other lines are stale (their code changed) and go.
record_outcomes() {
  local stage=$1 listed=$2 whole=$3 dir="$OUT/$1/mutants.out" tmp
  tmp=$(mktemp)
  printf '%s\n' "$listed" | while IFS=$'\t' read -r st part key raw; do
    local outcome=""
    for o in caught timeout missed unviable; do
      if [ -f "$dir/$o.txt" ] && grep -qxF -- "$raw" "$dir/$o.txt"; then outcome=$o; fi
    done
    [ -n "$outcome" ] || outcome=untested
    local note
    note=$(awk -F'\t' -v st="$st" -v part="$part" -v key="$key" -v o="$outcome" \
      '$1 == st && $2 == part && $4 == key && $3 == o { print $5 }' "$RECORD")
    printf '%s\t%s\t%s\t%s\t%s\n' "$st" "$part" "$outcome" "$key" "$note"
  done >"$tmp"
  # The header, then every line but those just tested, and those, sorted.
  {
    grep '^#' "$RECORD" || true
    {
      awk -F'\t' -v st="$stage" -v whole="$whole" 'NR == FNR { tested[$1 "\t" $4] = 1; next }
        !/^#/ && !(($1 "\t" $4) in tested) && !(whole && $1 == st)' "$tmp" "$RECORD"
      cat "$tmp"
    } | sort -t$'\t' -k1,1 -k2,2 -k4,4 | sed 's/\t$//'
  } >"$RECORD.new"
  mv "$RECORD.new" "$RECORD"
  rm -f "$tmp"
}

check() {
  ensure_cargo_mutants
  local problems=0 listed recorded
  listed=$(list | sort)
  recorded=$(grep -v '^#' "$RECORD" | awk -F'\t' 'NF { print $1 "\t" $2 "\t" $4 }' | sort)
  if [ "$listed" != "$recorded" ]; then
    echo "mutants: the record is stale: the exercise regions' mutants differ from $RECORD" >&2
    echo "(< in the regions now, > in the record; re-run: bash scripts/mutants.sh run STAGE)" >&2
    diff <(printf '%s\n' "$listed") <(printf '%s\n' "$recorded") >&2 || true
    problems=1
  fi
  local unexplained
  unexplained=$(awk -F'\t' '!/^#/ && ($3 == "missed" || $3 == "untested") && $5 == ""' "$RECORD")
  if [ -n "$unexplained" ]; then
    echo "mutants: missed or untested mutants without a test that catches them or a reason:" >&2
    printf '%s\n' "$unexplained" >&2
    problems=1
  fi
  awk -F'\t' '!/^#/ && NF { n[$1 "\t" $3]++ } END { for (k in n) print k "\t" n[k] }' "$RECORD" |
    sort | awk -F'\t' '{ printf "mutants: %-16s %-9s %d\n", $1, $2, $3 }' >&2
  [ $problems -eq 0 ] && echo "mutants: the record matches the exercise regions; every missed mutant is explained" >&2
  return $problems
}

case "${1:-}" in
  list) shift; ensure_cargo_mutants; list "$@" ;;
  run) shift; run "$@" ;;
  check) check ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac

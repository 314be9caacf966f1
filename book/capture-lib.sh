# The plumbing of every capture script (stages/*/capture.sh), in one place.
#
# A capture script runs the real programs and writes what a learner would see into
# book/src/output/NAME.txt, a *transcript*. Every command a transcript shows was run,
# exactly as shown, from the repository's root: the script hands the command to this
# library as text, the library prints `$ COMMAND` and runs that same text with `eval`.
# It also writes the commands it ran, in order, to book/commands/NAME.txt; the book's
# test (tests/book.rs) fails when the `$ ` lines of a transcript are not exactly those,
# so a command line cannot be typed into a transcript by hand.
#
#   source "$(dirname "$0")/../../book/capture-lib.sh"   # cds to the repository root
#   transcript 01-session        # start book/src/output/01-session.txt
#   terminal 1                   # what follows happens in the first terminal
#   serve server 'target/debug/stage01-server'     # shown, started in the background
#   pid=$(pid_of server)         # the PID it printed (checked: it is the one we started)
#   terminal 2
#   run "target/debug/stage01-client $pid hello"   # shown, run, its output shown
#   printed server hello         # wait until the server has printed it
#   terminal 1
#   output server                # what the server printed, in terminal 1
#   done_transcript              # write the transcript and its record
#
# A program that reads what a learner types gets its stdin from a pipe the script holds:
#
#   serve_with_stdin receiver 'target/debug/stage00-receiver' 'counting'
#                                # shown and started, its stdin a pipe kept open; waits
#                                # until it printed `counting`, shows what it printed
#   receiver=$(pid_of receiver)
#   write_stdin receiver '\n'    # what the learner types there: Enter
#   close_stdin receiver         # its input ends, as after Ctrl-D
#
# Lines that are not commands are comments (`say`), so they start with `# `. Waiting for
# a process to reach a state (`wait_for`, `wait_until`) is not shown: a learner typing
# the commands is slower than any of these waits.
# Processes are ended by the PIDs this library got for them, never by name.

set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=book/src/output
record=book/commands
mkdir -p "$out" "$record"
work=$(mktemp -d)
declare -A pids=()     # NAME -> PID of each process started with `serve`/`background`
declare -A outputs=()  # NAME -> the file its stdout and stderr go to
declare -A shown=()    # NAME -> how many bytes of it a transcript already shows
declare -A backgrounded=()  # NAME -> 1 for each process started with `background`
declare -A stdins=()   # NAME -> the descriptor this script writes NAME's stdin through

# --- building ---------------------------------------------------------------------------

# build CARGO-ARGS...: build quietly, without showing it (a transcript shows its own
# build step with `run 'cargo build …'` where the page needs one).
build() { cargo build -q "$@"; }

# --- transcripts ------------------------------------------------------------------------

# transcript NAME: start the transcript book/src/output/NAME.txt. It is made of parts,
# grouped by terminal; `done_transcript` writes them out in order.
transcript() {
  name=$1
  parts="$work/parts.$name"
  rm -rf "$parts"; mkdir -p "$parts"
  segments=(main)
  segment=main
  part=0
}

# terminal N: what follows happens in terminal N. A transcript shows each terminal's
# parts together, under `# terminal N`, in the order the terminals first appear.
terminal() {
  segment="terminal-$1"
  local known
  for known in "${segments[@]}"; do [ "$known" = "$segment" ] && return 0; done
  segments+=("$segment")
  say "terminal $1"
}

# next_part: set $part_file to the next part's file (numbered, so that `cat` puts them
# in order).
next_part() { part=$((part + 1)); part_file=$(printf '%s/%s.%04d' "$parts" "$segment" "$part"); }

# say TEXT: a comment line in the transcript.
say() { next_part; printf '# %s\n' "$*" > "$part_file.txt"; }

# show_command TEXT: the `$ TEXT` line, and the record of it.
show_command() {
  next_part
  printf '$ %s\n' "$1" > "$part_file.txt"
  printf '%s\n' "$1" > "$part_file.cmd"
}

# run COMMAND: show COMMAND, run it (in a subshell of the repository's root), show what
# it printed, stdout and stderr together as a terminal shows them. A command that fails
# stops the capture, unless the command itself handles its status (`…; echo "exit code: $?"`).
run() {
  show_command "$1"
  next_part
  local status=0
  ( eval "$1" ) > "$part_file.txt" 2>&1 < /dev/null || status=$?
  # The shell's own complaints name this library and a line in it; a learner's shell
  # says `bash:`.
  sed -i -E "s|^$(realpath "${BASH_SOURCE[0]}"): line [0-9]+: |bash: |; s|^${BASH_SOURCE[0]}: line [0-9]+: |bash: |" "$part_file.txt"
  if [ "$status" != 0 ]; then
    echo "capture: \`$1\` failed:" >&2; cat "$part_file.txt" >&2; return 1
  fi
}

# run_here COMMAND: the same, but in the script's own shell, for the builtins that need
# it (`wait PID`, for a child started with `background`).
run_here() {
  show_command "$1"
  next_part
  eval "$1" > "$part_file.txt" 2>&1 < /dev/null || true
}

# run_status COMMAND: run COMMAND and show its exit status after its output. A comment at
# the end of COMMAND (after two spaces and `#`) stays at the end.
run_status() { split_comment "$1"; run "$command; echo \"exit code: \$?\"$comment"; }

# split_comment COMMAND: set $command to COMMAND without its comment (after two spaces
# and `#`) and $comment to the comment, with its spaces.
split_comment() {
  command=$1 comment=""
  if [[ $command =~ ^(.*[^[:space:]])([[:space:]][[:space:]]+#.*)$ ]]; then
    command=${BASH_REMATCH[1]}; comment=${BASH_REMATCH[2]}
  fi
}

# serve NAME COMMAND: show COMMAND and start it in the background, as if in a terminal of
# its own; `output NAME` shows what it printed. `pids[NAME]` is its PID.
serve() { start "$1" "$2"; show_command "$2"; }

# background NAME COMMAND: the same, shown as `COMMAND &` (started from this terminal).
background() {
  start "$1" "$2"; split_comment "$2"; show_command "$command &$comment"; backgrounded[$1]=1
}

# start NAME COMMAND: run COMMAND in the background, its stdout and stderr to one file,
# its stdin empty (or the FIFO in $stdin, which `start_with_stdin` sets).
# The subshell `exec`s the command (after any leading VAR=value), so that the PID we get
# is the command's own.
start() {
  local name=$1 command=$2 assignments=""
  while [[ $command =~ ^([A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*[[:space:]]+)(.*)$ ]]; do
    assignments+=${BASH_REMATCH[1]}; command=${BASH_REMATCH[2]}
  done
  outputs[$name]="$work/output.$name"
  shown[$name]=0
  : > "${outputs[$name]}"
  # The writing ends of the other programs' stdin pipes are the script's own: closed
  # here, so that a program reads end of file when the script closes its pipe.
  ( for fd in "${stdins[@]}"; do exec {fd}>&-; done; eval "${assignments}exec $command" ) \
    > "${outputs[$name]}" 2>&1 < "${stdin:-/dev/null}" &
  pids[$name]=$!
}

# serve_with_stdin NAME COMMAND [READY]: `serve`, but COMMAND's stdin is a pipe (a FIFO of
# its own) that the script holds open, as a terminal holds a program's keyboard: it reads
# no end of file until `close_stdin NAME`. With READY (a grep pattern), wait until NAME
# printed it, then show what it printed (`output NAME`).
serve_with_stdin() { start_with_stdin serve "$@"; }

# background_with_stdin NAME COMMAND [READY]: the same, started with `&` (`background`).
background_with_stdin() { start_with_stdin background "$@"; }

# start_with_stdin serve|background NAME COMMAND [READY]: the two above.
start_with_stdin() {
  local how=$1 name=$2 command=$3 ready=${4:-} fifo="$work/stdin.$2" fd
  [ -z "${stdins[$name]:-}" ] || close_stdin "$name"
  rm -f "$fifo"; mkfifo "$fifo"
  stdin=$fifo "$how" "$name" "$command"
  # Opening a FIFO waits for its other end: NAME has opened it for reading by now.
  exec {fd}>"$fifo"
  stdins[$name]=$fd
  if [ -n "$ready" ]; then printed "$name" "$ready"; output "$name"; fi
}

# write_stdin NAME TEXT: write TEXT into NAME's stdin, what a learner types at it (TEXT as
# printf's `%b` reads it: `\n` is a newline, Enter). Where NAME may have stopped reading,
# write in a subshell that ignores SIGPIPE: `( trap '' PIPE; write_stdin … ) || true`.
write_stdin() { printf '%b' "$2" >&"${stdins[$1]}"; }

# close_stdin NAME: close NAME's stdin pipe; it reads end of file, as after Ctrl-D.
close_stdin() { local fd=${stdins[$1]}; exec {fd}>&-; unset 'stdins[$1]'; }

# output NAME [FILTER]: show here what NAME printed since the last `output NAME` (through
# FILTER, a command reading it on stdin, if given: `output server 'cut -c 1-40'`).
output() {
  local file=${outputs[$1]} size
  size=$(stat -c %s "$file")
  next_part
  tail -c +$((shown[$1] + 1)) "$file" | head -c $((size - shown[$1])) | eval "${2:-cat}" \
    > "$part_file.txt"
  shown[$1]=$size
}

# done_transcript [FILTER]: write the transcript (through FILTER, a command that reads
# it on stdin, if given; trailing blanks, which no terminal shows, removed) and the
# record of its commands.
done_transcript() {
  local filter=${1:-cat} seg
  {
    for seg in "${segments[@]}"; do
      cat "$parts/$seg".*.txt 2>/dev/null || true
    done
  } | eval "$filter" | sed 's/[[:space:]]*$//' > "$out/$name.txt"
  for seg in "${segments[@]}"; do
    cat "$parts/$seg".*.cmd 2>/dev/null || true
  done > "$record/$name.txt"
}

# attempts N FUNCTION ARGS...: run FUNCTION, which makes one transcript and fails when
# the run did not show what the chapter says, until it succeeds, at most N times. For the
# runs whose outcome depends on timing: the sleep-paced stages (01, 02), and the failures
# that a chapter shows (bits lost to a crowd or to strays). The chapter says that the
# outcome varies; the check keeps the transcript and the text in agreement.
attempts() {
  local n=$1 try; shift
  for try in $(seq "$n"); do
    "$@" && return 0
    echo "capture: $* did not go as its chapter says (try $try of $n; a busy machine?)" >&2
    stop_all
  done
  return 1
}

# --- processes --------------------------------------------------------------------------

# pid_of NAME [FILE]: wait for NAME's PID line (in FILE, if its stdout goes there) (the first line with a number) and print the PID.
# It must be the process started as NAME, or (for a pipeline, `server | cat -v`) one of
# its descendants: no capture signals a PID it did not create. Then wait until it sleeps,
# waiting for a client, as it always is by the time a learner has typed the next command.
pid_of() {
  local file=${2:-${outputs[$1]}}
  wait_for "$file" '[0-9]'
  local pid; pid=$(grep -m1 -o '[0-9][0-9]*' "$file" | head -1)
  if ! descends "$pid" "${pids[$1]}"; then
    echo "capture: $1 printed PID $pid, which is not the process we started" >&2; return 1
  fi
  wait_until "PID $pid to sleep" sleeping "$pid"
  echo "$pid"
}

# descends PID ANCESTOR: whether PID is ANCESTOR or one of its descendants, now.
descends() {
  local pid=$1
  while [ "$pid" -gt 1 ]; do
    [ "$pid" = "$2" ] && return 0
    pid=$(awk '/^PPid:/{print $2}' "/proc/$pid/status" 2>/dev/null) || return 1
    [ -n "$pid" ] || return 1
  done
  return 1
}

# stop NAME: end NAME (SIGTERM, after SIGCONT in case it is stopped) and reap it. In a
# pipeline, every process of it that is still ours gets the signal.
stop() {
  local pid=${pids[$1]} member
  for member in $(members "$pid") "$pid"; do
    kill -CONT "$member" 2>/dev/null || true
    kill "$member" 2>/dev/null || true
  done
  wait "$pid" 2>/dev/null || true
}

# members PID: the children of PID (the processes of a pipeline it runs).
members() { cat /proc/"$1"/task/*/children 2>/dev/null || true; }

# stop_all: stop every process started with `serve` or `background`.
stop_all() { local name; for name in "${!pids[@]}"; do stop "$name"; done; }

# status_of NAME: wait for NAME to exit, and show its exit status as its terminal shows it
# when the learner types the next command: `$ echo $?` after a program run in the
# foreground of its own terminal (`serve`); `$ wait PID; echo $?` after one started with
# `&` (`background`), since there `$?` is the status of the last command typed, not the
# job's.
status_of() {
  local shown='echo $?'
  [ -n "${backgrounded[$1]:-}" ] && shown="wait ${pids[$1]}; echo \$?"
  show_command "$shown"
  next_part
  set +e
  wait "${pids[$1]}" 2>/dev/null
  eval 'echo $?' > "$part_file.txt"
  set -e
}

# finish NAME: wait for NAME to exit by itself; its status is not a failure.
finish() { wait "${pids[$1]}" 2>/dev/null || true; }

# End the background jobs still running, and only those: `jobs -rp` lists only running
# children of this shell, so a PID that was already reaped (and may have been reused by
# someone else's process) is never signalled. A job the script stopped counts as
# running: it gets SIGCONT first, or SIGTERM would wait until it is continued.
cleanup() {
  local live job; live=$(jobs -rp)
  # A pipeline's processes first, while they are still our descendants.
  for job in $live; do
    for member in $(members "$job"); do kill -CONT "$member" 2>/dev/null; kill "$member" 2>/dev/null; done
  done
  [ -z "$live" ] || { kill -CONT $live 2>/dev/null; kill $live 2>/dev/null; wait $live 2>/dev/null; }
  [ -n "${CAPTURE_KEEP:-}" ] && echo "capture: kept $work" >&2 || rm -rf "$work"
  true
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- waiting ----------------------------------------------------------------------------

# wait_for FILE TEXT: wait (at most 10 s) until FILE contains TEXT (a grep pattern).
wait_for() {
  for _ in $(seq 1000); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.01; done
  echo "capture: timed out waiting for '$2' in $1" >&2; return 1
}

# wait_until WHAT COMMAND...: re-run COMMAND until it succeeds, at most 10 s; on timeout,
# say what was awaited and fail (the script stops: no output is captured from a state
# that was never reached).
wait_until() {
  local what=$1; shift
  for _ in $(seq 1000); do "$@" && return 0; sleep 0.01; done
  echo "capture: timed out waiting for $what" >&2; return 1
}

# printed NAME TEXT: wait until NAME's output contains TEXT.
printed() { wait_for "${outputs[$1]}" "$2"; }

# State checks for wait_until, from /proc/PID/status: stopped (state T), sleeping (S),
# pending (the process-wide pending set, ShdPnd, is not empty), pending_usr (SIGUSR1 or
# SIGUSR2, mask 0xa00, pending), quiet (neither of them pending), gone (reaped),
# gone_or_zombie (ended, maybe not reaped yet).
state() { grep -Eq "^State:[[:space:]]*$2" "/proc/$1/status"; }
stopped() { state "$1" T; }
sleeping() { state "$1" S; }
pending() { grep -Eq '^ShdPnd:[[:space:]]*0*[1-9a-f]' "/proc/$1/status"; }
pending_usr() { (( 0x$(awk '/^ShdPnd:/{print $2}' "/proc/$1/status") & 0xa00 )); }
quiet() { ! pending_usr "$1"; }
gone() { [ ! -e "/proc/$1" ]; }
gone_or_zombie() { gone "$1" || state "$1" Z; }

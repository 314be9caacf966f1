# The experiment that stages 01 and 02 both show (sourced by their capture.sh after
# book/capture-lib.sh): a client killed mid-message, then a healthy client.
#
# killed_client NN: the transcript NN-killed-client against stageNN. As in stage 02's
# test, the server is stopped while the doomed client starts, so that it can receive at
# most two of that client's signals (one SIGUSR1, one SIGUSR2): never a whole byte. The
# doomed client paces itself slowly (20 ms a bit, 5 s for its message), so that a learner
# who types the commands has time to kill it before it is done.
killed_client() {
  local stage=$1 pid doomed
  transcript "$stage-killed-client"
  terminal 1
  serve server "target/debug/stage$stage-server 2>&1 | cat -v     # cat -v shows bytes that are not text"
  pid=$(pid_of server)
  terminal 2
  run "kill -STOP $pid                      # the server"
  wait_until "the server to stop" stopped "$pid"
  background doomed "MINITALK_DELAY_US=20000 target/debug/stage$stage-client $pid \"this message is never finished\""
  doomed=${pids[doomed]}
  wait_until "the doomed client's first signal" pending_usr "$pid"
  run "kill -KILL $doomed; kill -CONT $pid     # the client (\$!), then the server"
  finish doomed
  # Let the server take the dead client's pending signals before the next client starts.
  wait_until "the server to take the dead client's signals" quiet "$pid"
  run "MINITALK_DELAY_US=2000 target/debug/stage$stage-client $pid \"the next client\""
  printed server 'next client' 2>/dev/null || true
  terminal 1
  output server
  # What the chapters say this shows: stage 02 intact, stage 01 not. (Stage 02 paces its
  # clients by sleeping too: on a busy machine, its next client may lose bits of its own.)
  local messages; messages=$(tail -n +2 "${outputs[server]}" | grep -v "^stage$stage-server: " || true)
  stop server
  local intact=false; [ "$messages" = "the next client" ] && intact=true
  if [ "$intact" != "$([ "$stage" = 02 ] && echo true || echo false)" ]; then
    echo "capture: stage $stage printed '$messages'" >&2; return 1
  fi
  done_transcript
}

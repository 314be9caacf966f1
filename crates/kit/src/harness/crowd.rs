//! A crowd: many clients at once, each sending its messages one after the other, for
//! the stages whose server takes them in turn.
//!
//! When a crowd fails, the failure says what the server did with it, not only that a
//! client did not finish: a server that does not keep clients apart mixes their messages
//! (see [`mixed_up`]), and loses their signals. Two clients' signals of the same number,
//! pending at the server at once, are one signal: the server answers one client, and the
//! other waits for an answer that never comes.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use nix::unistd::Pid;

use super::content::client_message;
use super::mixed::mixed_up;
use super::procfs;
use super::programs::Programs;
use super::server::Server;
use super::stillness::{STILL, Stillness};

/// How long one client may take, waiting in line included: generous, for a debug
/// build on a machine with every core busy (a passing run takes a fraction of it).
pub const CLIENT_DEADLINE: Duration = Duration::from_secs(180);

/// How often the crowd's clients are looked at together (each `/proc` reading costs the
/// processes under test some CPU).
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// The crowd's clients running now, watched together. The check of one client and its
/// server (see [`Server::wait_for_sender`]) cannot see a crowd in which every client
/// waits for an answer while something else keeps the server busy (a stray sender):
/// when *no* client has run for [`STILL`], none is sending, whatever the server does.
/// (The workbook's clients wake every few milliseconds, in line or not; another
/// client that waits longer than [`STILL`] before it tries again is taken for stuck.)
struct Watch {
    live: Vec<Pid>,
    stillness: Stillness,
    looked: Instant,
    /// How long the server had waited for a CPU, all told, at the last look.
    server_waited: Duration,
    /// Once no client has run for [`STILL`], why: it holds for every client running
    /// then, and stays said when they end (one that ends must not start the watch again).
    hopeless: Option<String>,
}

struct Crowd {
    watch: Mutex<Watch>,
    server: Pid,
}

impl Crowd {
    fn new(server: Pid) -> Crowd {
        Crowd {
            server,
            watch: Mutex::new(Watch {
                live: Vec::new(),
                stillness: Stillness::new(&[]),
                looked: Instant::now(),
                server_waited: Duration::ZERO,
                hopeless: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Watch> {
        self.watch.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A client starts: the watch starts again with the clients running now.
    fn join(&self, pid: Pid) {
        let mut watch = self.lock();
        watch.live.push(pid);
        watch.stillness = Stillness::new(&watch.live);
    }

    /// A client has ended: the same, without it.
    fn leave(&self, pid: Pid) {
        let mut watch = self.lock();
        watch.live.retain(|&p| p != pid);
        watch.stillness = Stillness::new(&watch.live);
    }

    /// Why no client can finish, if no client has run for [`STILL`] while the server
    /// was not starved of a CPU (a starved server answers nobody either: its clients'
    /// stillness proves nothing then).
    fn hopeless(&self) -> Option<String> {
        let mut watch = self.lock();
        if watch.hopeless.is_some() || watch.looked.elapsed() < LOOK_EVERY {
            return watch.hopeless.clone();
        }
        let since = watch.looked.elapsed();
        watch.looked = Instant::now();
        let waited = procfs::waited_for_a_cpu(self.server).unwrap_or_default();
        let starved = waited.saturating_sub(watch.server_waited) > since / 2;
        watch.server_waited = waited;
        if starved {
            watch.stillness = Stillness::new(&watch.live);
            return None;
        }
        let still = watch.stillness.still_for();
        if still >= STILL {
            watch.hopeless = Some(format!(
                "none of the {} clients still running has run for {still:.1?}: each waits for \
                 an answer that does not come (a signal lost, or never sent)",
                watch.live.len(),
            ));
        }
        watch.hopeless.clone()
    }
}

/// Run the client with `args` to completion and expect success; say why not otherwise.
/// Like every wait for a client, it ends early when the server exits or both sleep in a
/// deadlock (see [`Server::wait_for_sender`]), and when no client of the crowd runs.
fn run_client(
    programs: &Programs,
    server: &Server,
    crowd: &Crowd,
    args: &[&str],
) -> Result<(), String> {
    let client = programs.spawn_client(args);
    crowd.join(client.pid());
    let outcome = server.wait_for_sender_unless(&client, CLIENT_DEADLINE, || crowd.hopeless());
    crowd.leave(client.pid());
    let status = outcome?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "the client exited ({status}); its stderr: {:?}",
            client.stderr.text()
        ))
    }
}

/// The messages of `clients` clients, `each` apiece (see [`client_message`]: up to
/// `longest` characters, all different): one batch a client, for [`send_at_once`].
pub fn messages(clients: usize, each: usize, longest: usize) -> Vec<Vec<String>> {
    (0..clients)
        .map(|client| {
            (0..each)
                .map(|n| client_message(client, n, longest))
                .collect()
        })
        .collect()
}

/// Send every message of `batches` to `server`, the batches at once: one thread a batch,
/// which runs a client for each of its messages, one after the other, with
/// `options(batch)` before the PID. Returns once every client has exited successfully.
///
/// Otherwise it fails the test once every batch has ended (a batch ends at its first
/// client that does not succeed), with a diagnosis first: the server's output read as
/// pieces of the messages, if it mixed them up, or else how many clients did not finish;
/// then why each did not.
pub fn send_at_once(
    programs: &Programs,
    server: &Server,
    batches: &[Vec<String>],
    options: impl Fn(usize) -> &'static [&'static str] + Sync,
) {
    let pid = server.pid().to_string();
    let crowd = Crowd::new(server.pid());
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for (batch, messages) in batches.iter().enumerate() {
            let (pid, options, crowd, failures) = (pid.as_str(), &options, &crowd, &failures);
            scope.spawn(move || {
                for (n, message) in messages.iter().enumerate() {
                    let mut args = options(batch).to_vec();
                    args.extend([pid, message.as_str()]);
                    if let Err(why) = run_client(programs, server, crowd, &args) {
                        failures
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((batch, n, why));
                        return;
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    if failures.is_empty() {
        return;
    }
    // The messages of the clients that ran: a batch ends at its first failure.
    let mut sent: Vec<&[u8]> = Vec::new();
    for (batch, messages) in batches.iter().enumerate() {
        let ran = failures
            .iter()
            .find(|(failed, _, _)| *failed == batch)
            .map_or(messages.len(), |(_, n, _)| n + 1);
        sent.extend(messages[..ran].iter().map(|m| m.as_bytes()));
    }
    let printed = server.unread_output();
    let clients = batches.len();
    let unfinished = failures.len();
    let who = |(batch, n, _): &(usize, usize, String)| format!("client {batch}, message {n}");
    let diagnosis = match mixed_up(&printed, &sent) {
        Some(how) => format!(
            "with {clients} clients sending at once, your server mixed up their messages: \
             {how}; and {unfinished} of the clients did not finish"
        ),
        None => {
            let whole = sent
                .iter()
                .filter(|m| !m.is_empty() && printed.windows(m.len()).any(|w| w == **m))
                .count();
            format!(
                "with {clients} clients sending at once, {unfinished} of them did not finish \
                 (the server printed {whole} whole of the {} messages they sent, nothing mixed \
                 up): {}: {}; if your server does not take clients in turn: two clients' \
                 signals of one number pending at once are one signal, so it answers one and \
                 leaves the other waiting",
                sent.len(),
                who(&failures[0]),
                first_line(&failures[0].2)
            )
        }
    };
    // Every client that did not finish, in a line; the first one's details after.
    let each: Vec<String> = failures
        .iter()
        .map(|failure| format!("  {}: {}", who(failure), first_line(&failure.2)))
        .collect();
    panic!(
        "{diagnosis}\nthe clients that did not finish:\n{}\nthe first, in full: {}\n\
         server stderr: {:?}",
        each.join("\n"),
        failures[0].2,
        server.stderr_text()
    );
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Process;
    use std::process::Command;

    fn spawn(script: &str) -> Process {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        Process::spawn(command)
    }

    /// How long until the crowd of `clients` is hopeless, looking for at most `within`.
    fn hopeless_after(server: &Process, clients: &[Process], within: Duration) -> Option<Duration> {
        let crowd = Crowd::new(server.pid());
        for client in clients {
            crowd.join(client.pid());
        }
        let started = Instant::now();
        while started.elapsed() < within {
            if crowd.hopeless().is_some() {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    #[test]
    fn a_crowd_in_which_no_client_runs_is_hopeless_in_seconds() {
        // `exec sleep`: the process itself sleeps, and never wakes.
        let server = spawn("exec sleep 30");
        let clients: Vec<Process> = (0..3).map(|_| spawn("exec sleep 30")).collect();
        let after = hopeless_after(&server, &clients, STILL * 3)
            .expect("clients that never run were not seen as stuck");
        assert!(after >= STILL, "stuck after only {after:?}");
    }

    #[test]
    fn a_crowd_with_one_client_that_wakes_now_and_then_is_not() {
        let server = spawn("exec sleep 30");
        let mut clients: Vec<Process> = (0..2).map(|_| spawn("exec sleep 30")).collect();
        // It wakes every tenth of a second, as a client in line that knocks now and then.
        clients.push(spawn("while :; do sleep 0.1; done"));
        assert_eq!(hopeless_after(&server, &clients, STILL + STILL / 2), None);
    }
}

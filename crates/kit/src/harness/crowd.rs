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
/// (A client waiting in line still wakes now and then; the one being served runs.)
struct Watch {
    live: Vec<Pid>,
    stillness: Stillness,
    looked: Instant,
    still: Duration,
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
                still: Duration::ZERO,
                hopeless: None,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Watch> {
        self.watch.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A client joins or leaves: the watch starts again with the clients running now.
    fn change(&self, pid: Pid, joins: bool) {
        let mut watch = self.lock();
        watch.live.retain(|&p| p != pid);
        if joins {
            watch.live.push(pid);
        }
        watch.stillness = Stillness::new(&watch.live);
        watch.still = Duration::ZERO;
    }

    /// Why no client can finish, if no client has run for [`STILL`] and the server is
    /// not waiting for a CPU (a server starved of one would answer nobody either).
    fn hopeless(&self) -> Option<String> {
        let mut watch = self.lock();
        let server_waits_for_a_cpu =
            || procfs::activity(self.server).is_some_and(|(_, runnable)| runnable);
        if watch.hopeless.is_none()
            && watch.looked.elapsed() >= LOOK_EVERY
            && !server_waits_for_a_cpu()
        {
            watch.looked = Instant::now();
            watch.still = watch.stillness.still_for();
            if watch.still >= STILL {
                watch.hopeless = Some(format!(
                    "none of the {} clients still running has run for {:.1?}: each waits for \
                     an answer that does not come (a signal lost, or never sent)",
                    watch.live.len(),
                    watch.still
                ));
            }
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
    crowd.change(client.pid(), true);
    let outcome = server.wait_for_sender_unless(&client, CLIENT_DEADLINE, || crowd.hopeless());
    crowd.change(client.pid(), false);
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
                            .push((format!("client {batch}, message {n}"), why));
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
    let sent: Vec<&[u8]> = batches.iter().flatten().map(|m| m.as_bytes()).collect();
    let printed = server.unread_output();
    let clients = batches.len();
    let unfinished = failures.len();
    let diagnosis = match mixed_up(&printed, &sent) {
        Some(how) => format!(
            "with {clients} clients sending at once, your server mixed up their messages: \
             {how}; and {unfinished} of the clients did not finish"
        ),
        None => {
            let whole = sent
                .iter()
                .filter(|m| printed.windows(m.len()).any(|w| w == **m))
                .count();
            format!(
                "with {clients} clients sending at once, {unfinished} of them did not finish \
                 (the server printed {whole} whole message(s) of {}, nothing mixed up): {}: {}; \
                 two clients' signals of one number pending at once are one signal, so a server \
                 that does not take clients in turn answers one and leaves the other waiting",
                sent.len(),
                failures[0].0,
                first_line(&failures[0].1)
            )
        }
    };
    // Every client that did not finish, in a line; the first one's details after.
    let each: Vec<String> = failures
        .iter()
        .map(|(who, why)| format!("  {who}: {}", first_line(why)))
        .collect();
    panic!(
        "{diagnosis}\nthe clients that did not finish:\n{}\nthe first, in full: {}\n\
         server stderr: {:?}",
        each.join("\n"),
        failures[0].1,
        server.stderr_text()
    );
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

//! A crowd: many clients at once, each sending its messages one after the other, for
//! the stages whose server takes them in turn.

use std::time::Duration;

use super::content::client_message;
use super::programs::Programs;
use super::server::Server;

/// How long one client may take, waiting in line included: generous, for a debug
/// build on a machine with every core busy (a passing run takes a fraction of it).
pub const CLIENT_DEADLINE: Duration = Duration::from_secs(180);

/// Run the client with `args` to completion and expect success. Like every wait for a
/// client, it ends early (and fails) when the server exits or both sleep in a deadlock
/// (see [`Server::wait_for_sender`]).
fn run_client(programs: &Programs, server: &Server, args: &[&str]) {
    let client = programs.spawn_client(args);
    let status = server
        .wait_for_sender(&client, CLIENT_DEADLINE)
        .unwrap_or_else(|why| panic!("a client of the crowd: {why}"));
    assert!(
        status.success(),
        "a client of the crowd, given {args:?}, exited ({status}); its stderr: {:?}",
        client.stderr.text()
    );
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
/// `options(batch)` before the PID. Returns once every client has exited successfully
/// (and fails the test if one did not).
pub fn send_at_once(
    programs: &Programs,
    server: &Server,
    batches: &[Vec<String>],
    options: impl Fn(usize) -> &'static [&'static str] + Sync,
) {
    let pid = server.pid().to_string();
    std::thread::scope(|scope| {
        for (batch, messages) in batches.iter().enumerate() {
            let (pid, options) = (pid.as_str(), &options);
            scope.spawn(move || {
                for message in messages {
                    let mut args = options(batch).to_vec();
                    args.extend([pid, message.as_str()]);
                    run_client(programs, server, &args);
                }
            });
        }
    });
}

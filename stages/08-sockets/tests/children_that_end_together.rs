//! Children that end together send one SIGCHLD: the handler must reap them all.
//!
//! SIGCHLD is a standard signal. While one is pending, the kernel discards the next: three
//! children that end while the server cannot run leave it one SIGCHLD, not three. A
//! handler that reaps one child per signal then leaves two zombies for good. The test
//! makes that happen for certain: it stops the server (SIGSTOP stops that process alone,
//! not its children), lets three children serve their clients to the end, and only then
//! lets the server go on.

mod common;

use common::ChatServer;
use minitalk_kit::{DEADLINE, procfs};
use nix::sys::signal::Signal;

#[test]
fn three_children_that_end_while_one_sigchld_is_pending_are_all_reaped() {
    let server = ChatServer::start(&[]);
    let mut clients: Vec<_> = (0..3).map(|_| server.connect(&[])).collect();
    // The server prints "joined" before it forks: wait for the third child to exist.
    let children = procfs::poll(DEADLINE, "the server to fork one child per client", || {
        let children = server.children();
        (children.len() == 3).then_some(children)
    });

    server.process.stop();
    for (i, client) in clients.iter_mut().enumerate() {
        client.send(&format!("client {i} leaves while the server is stopped"));
    }
    for client in clients {
        assert!(client.finish().success());
    }
    // Each child has served its client to the end and exited: three zombies, and the one
    // SIGCHLD they could leave is pending at the stopped server.
    procfs::poll(DEADLINE, "the three children to have ended", || {
        children
            .iter()
            .all(|&c| procfs::state(c) == Some('Z'))
            .then_some(())
    });
    procfs::wait_until_pending(server.pid(), Signal::SIGCHLD, DEADLINE);

    server.process.signal(Signal::SIGCONT);
    // The handler has run once SIGCHLD is no longer pending and the server sleeps again
    // (in accept): whatever it reaps, it has reaped by then.
    procfs::poll(DEADLINE, "the server to take SIGCHLD and sleep", || {
        let taken = !procfs::pending(server.pid())?.contains(Signal::SIGCHLD);
        (taken && procfs::state(server.pid())? == 'S').then_some(())
    });
    let left = server.children();
    assert!(
        left.is_empty(),
        "part reaper: three children ended while one SIGCHLD was pending, and {} of them \
         are still zombies after the handler ran ({left:?}). Standard signals do not queue: \
         reap in a loop, `waitpid(None, WNOHANG)` until no ended child is left",
        left.len()
    );
}

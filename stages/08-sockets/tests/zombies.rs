//! Children reaped the right way: a SIGCHLD handler collects every child that ends, and
//! the signals it brings do not disturb the server.

mod common;

use common::{ChatServer, count_lines};
use minitalk_kit::{DEADLINE, procfs};
use nix::sys::signal::Signal;

/// Connect `n` clients one after the other, each sending one line and leaving.
fn short_lived_clients(server: &ChatServer, n: usize) {
    for i in 0..n {
        let mut client = server.connect(&[]);
        client.send(&format!("short-lived client {i}"));
        assert!(client.finish().success(), "client {i}");
    }
    // Every child has served its client and said so: they have all finished their work.
    let left = |server: &ChatServer| count_lines(&server.process.stdout, |l| l.ends_with(" left"));
    procfs::poll(
        DEADLINE,
        &format!("{n} clients to be shown leaving"),
        || (left(server) == n).then_some(()),
    );
}

// ANCHOR: twenty
#[test]
fn twenty_short_lived_clients_leave_no_zombie_behind() {
    let server = ChatServer::start(&[]);
    short_lived_clients(&server, 20);
    // A zombie is still listed among its parent's children (in state Z, see the next
    // test) until it is reaped. All 20 clients have gone, so once every child has been
    // reaped the list is empty. Without reaping, this waits in vain and fails.
    procfs::poll(
        DEADLINE,
        "the server to have reaped all 20 children",
        || server.children().is_empty().then_some(()),
    );
}
// ANCHOR_END: twenty

#[test]
fn without_the_handler_every_finished_child_stays_a_zombie() {
    // The demonstration behind the test above: with --no-reap nobody waits for the
    // children, and the kernel keeps each one as a zombie for as long as the parent lives.
    let server = ChatServer::start(&["--no-reap"]);
    short_lived_clients(&server, 3);
    procfs::poll(DEADLINE, "3 zombie children", || {
        let children = server.children();
        let all_zombies = children.iter().all(|&c| procfs::state(c) == Some('Z'));
        (children.len() == 3 && all_zombies).then_some(())
    });
}

/// Interrupt the server with SIGCHLD while it sleeps (in accept or in poll) a few times,
/// then check that it still serves clients.
fn still_serves_after_signals(args: &[&str]) {
    let server = ChatServer::start(args);
    for _ in 0..10 {
        // Wait until it sleeps in a system call, then wake it with a signal. SIGCHLD
        // does nothing more than an ended child would: the handler finds nobody to reap.
        procfs::poll(DEADLINE, "the server to sleep in a system call", || {
            if let Some(status) = server.process.try_status() {
                panic!(
                    "the server ended ({status}): {}",
                    server.process.stderr.text()
                );
            }
            (procfs::state(server.pid()) == Some('S')).then_some(())
        });
        server.process.signal(Signal::SIGCHLD);
    }
    let mut client = server.connect(args);
    client.send("still here");
    let address = client.address;
    server.expect_line(&format!("{address}: still here"));
    assert!(client.finish().success());
    assert_eq!(
        server.process.try_status(),
        None,
        "the server is still running"
    );
}

#[test]
fn a_signal_during_accept_does_not_stop_the_one_way_server() {
    still_serves_after_signals(&[]);
}

#[test]
fn a_signal_during_poll_does_not_stop_the_two_way_server() {
    // poll(2) is never restarted after a handler, SA_RESTART or not: it fails with
    // EINTR every time, and the server must simply poll again.
    still_serves_after_signals(&["--two-way"]);
}

//! Same-CPU wake-ups in the classic mode: the client moves to the CPU the server runs on,
//! the server follows a client that runs on one CPU for its turn and then goes back;
//! `--no-pin` leaves both where the scheduler puts them; where the client cannot move,
//! it delivers all the same, and says nothing about it. What is observed is where the
//! kernel lets each process run (`sched_getaffinity`) and where it last ran
//! (`/proc/PID/stat`), never how fast anything went.

use minitalk_kit::affinity::{cpus_of, last_cpu, pin_to};
use minitalk_kit::content::text;
use minitalk_kit::{DEADLINE, Process, Programs, STARTUP, Server, procfs};
use nix::unistd::Pid;

/// Long enough that the transfer is still going while the test looks.
const LONG: usize = 200_000;

/// The CPUs this test may use, if there are two or more (else pinning is moot).
fn cpus() -> Option<Vec<usize>> {
    let cpus = cpus_of(Pid::from_raw(0));
    if cpus.len() < 2 {
        minitalk_kit::skip("pinning: this test process may run on one CPU only");
        return None;
    }
    Some(cpus)
}

/// A classic client sending a long message from its stdin, once the server has said it
/// is receiving it: the client's turn is on.
fn sending_a_long_message(programs: &Programs, server: &Server, options: &[&str]) -> Process {
    let mut command = programs.client_command();
    command.args(options).args([&server.pid().to_string(), "-"]);
    let mut client = Process::spawn(command);
    client.write_stdin(text(LONG, 7).as_bytes());
    client.close_stdin();
    server.expect_stderr("receiving");
    client
}

#[test]
fn a_classic_client_runs_on_the_servers_cpu_and_the_server_follows_it_for_the_turn() {
    let programs = minitalk_kit::programs!();
    let Some(all) = cpus() else { return };
    if programs.skip_unless_own("pinning") {
        return;
    }
    let server = programs.start_server();
    assert_eq!(cpus_of(server.pid()), all, "the server starts on every CPU");
    let mut client = sending_a_long_message(&programs, &server, &[]);

    let pinned = cpus_of(client.pid());
    assert_eq!(
        pinned.len(),
        1,
        "the client may run on {pinned:?}, not on one CPU"
    );
    assert_eq!(
        cpus_of(server.pid()),
        pinned,
        "the server did not follow the client to CPU {}",
        pinned[0]
    );
    for (who, pid) in [("client", client.pid()), ("server", server.pid())] {
        procfs::poll(
            STARTUP,
            &format!("the {who} to run on CPU {}", pinned[0]),
            || (last_cpu(pid)? == pinned[0]).then_some(()),
        );
    }

    // The turn ends (the client is gone): the server may run anywhere again.
    client.kill();
    server.expect_stderr("it is gone");
    procfs::poll(DEADLINE, "the server to run on every CPU again", || {
        (cpus_of(server.pid()) == all).then_some(())
    });
}

#[test]
fn no_pin_leaves_the_client_and_the_server_where_the_scheduler_puts_them() {
    let programs = minitalk_kit::programs!();
    let Some(all) = cpus() else { return };
    if programs.skip_unless_own("--no-pin") {
        return;
    }
    let server = programs.start_server();
    let mut client = sending_a_long_message(&programs, &server, &["--no-pin"]);
    assert_eq!(cpus_of(client.pid()), all, "--no-pin: the client was moved");
    assert_eq!(cpus_of(server.pid()), all, "--no-pin: the server was moved");
    client.kill();
}

#[test]
fn a_client_that_cannot_join_the_server_delivers_all_the_same_and_says_nothing() {
    let programs = minitalk_kit::programs!();
    let Some(all) = cpus() else { return };
    if programs.skip_unless_own("pinning") {
        return;
    }
    // The server on the first CPU, the client held on the last one by its parent, as
    // `taskset -c` would. The kernel would let either move (a process may set its own
    // affinity to any CPU of its cpuset), but a side its user held on a CPU stays there:
    // the client does not go to the server's CPU, the server does not follow.
    let (first, last) = (all[0], all[all.len() - 1]);
    let mut server_command = programs.server_command();
    pin_to(&mut server_command, first);
    let mut server = Server::start(server_command);
    let held = |message: &str| {
        let mut command = programs.client_command();
        command.args([server.pid().to_string().as_str(), message]);
        pin_to(&mut command, last);
        command
    };

    // During a turn: each side where its user put it.
    let mut long = Process::spawn(held("-"));
    long.write_stdin(text(LONG, 7).as_bytes());
    long.close_stdin();
    server.expect_stderr("receiving");
    assert_eq!(
        cpus_of(long.pid()),
        [last],
        "the client left the CPU it was held on"
    );
    assert_eq!(cpus_of(server.pid()), [first], "the server left its CPU");
    long.kill();
    server.expect_stderr("it is gone");

    let client = Process::spawn(held("held elsewhere"));
    assert!(client.wait_with_output(DEADLINE).success());
    server.expect_message("held elsewhere\n");
    assert_eq!(client.stderr.text(), "", "the client spoke of its CPU");
    assert_eq!(cpus_of(server.pid()), [first], "the server left its CPU");
}

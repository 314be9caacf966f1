//! The queue between the handler and the main loop is a ring: push number n goes to slot
//! `n % CAPACITY`, and it is full only when the handler is `CAPACITY` bits ahead of the
//! main loop. A message of many more bits than the ring has slots must go through it whole,
//! each slot used again and again.
//!
//! No pause is needed for that: the server preempts the client (one CPU, the server
//! real-time), so it handles each bit before the client sends the next one.

use std::time::{Duration, Instant};

use minitalk_kit::content::ascii_text;
use minitalk_kit::{DEADLINE, Programs};

#[test]
fn a_message_of_three_times_more_bits_than_the_queue_has_slots_arrives_whole() {
    let programs: Programs = minitalk_kit::programs!()
        .with_client_env("MINITALK_DELAY_US", "0")
        .with_server_preempting_client();
    if programs.skip_unless_own("the server's queue of 1024 slots") {
        return;
    }
    let mut server = programs.start_server();
    // 3 * 1024 bits: the ring of 1024 slots goes round three times.
    let message = ascii_text(3 * 1024 / 8, 0);
    let client = programs.spawn_client([server.pid().to_string().as_str(), message.as_str()]);
    server
        .wait_for_sender(&client, DEADLINE)
        .unwrap_or_else(|why| panic!("{why}"));
    let deadline = Instant::now() + DEADLINE;
    let expected = format!("{message}\n");
    loop {
        let stderr = server.process().stderr.text();
        assert!(
            !stderr.contains("dropped"),
            "part queue: the server dropped bits of a message sent one bit at a time to a \
             server that handled each before the next: the ring is full only when the \
             handler is CAPACITY bits ahead of the main loop (head - tail == CAPACITY). Its \
             stderr: {stderr:?}"
        );
        let stdout = server.process().stdout.text();
        if stdout.contains(&expected) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "part queue: {} bits went through the queue, and the message did not come out \
             whole within {DEADLINE:?}; the server printed {:?}",
            (message.len() + 1) * 8,
            stdout
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

//! Type at a real shell on a pseudo-terminal and print what the terminal showed: the
//! capture script's way to record the lab's terminal experiments (Ctrl-C, Ctrl-Z, `bg`,
//! `fg`) from real runs, with what was typed shown where it was typed.
//!
//! Usage: `cargo run -q -p lab --example at_terminal -- STEP…`, each STEP one of:
//! `type:TEXT` (type a line), `ctrl:z` (type Ctrl-Z), `expect:TEXT` (wait until the
//! terminal shows TEXT, and the rest of its line), `prompt` (wait for the shell's prompt),
//! `stopped` (wait until the job the shell runs is stopped), `pause:FIFO` (write the PIDs
//! of the shell and everything it started, comma-separated, to FIFO.pids, then wait for a
//! line from FIFO: meanwhile another program can look at them). The prompt is shown as
//! `bash$ ` (a `$ ` line of a transcript is a command its capture script ran itself).

use minitalk_kit::harness::shell::PROMPT;
use minitalk_kit::{DEADLINE, Shell, procfs};

fn main() {
    let mut shell = Shell::start();
    let mut shown = String::from(PROMPT);
    for step in std::env::args().skip(1) {
        let (kind, text) = step.split_once(':').unwrap_or((step.as_str(), ""));
        match kind {
            "type" => {
                shell.run(text);
                shown.push_str(text);
                shown.push('\n');
            }
            "ctrl" => {
                let key = text.chars().next().expect("ctrl:KEY");
                shell.control(key);
                shown.push_str(&format!("^{}", key.to_ascii_uppercase()));
            }
            "expect" => {
                shown.push_str(&shell.expect(text));
                shown.push_str(&shell.expect("\n"));
            }
            "prompt" => shown.push_str(&shell.expect(PROMPT)),
            "stopped" => {
                let job = *shell.descendants().first().expect("a job is running");
                procfs::wait_for_state(job, 'T', DEADLINE);
            }
            "pause" => {
                let pids: Vec<String> = std::iter::once(shell.pid())
                    .chain(shell.descendants())
                    .map(|p| p.to_string())
                    .collect();
                std::fs::write(format!("{text}.pids"), pids.join(",")).expect("write the PIDs");
                let mut go = String::new();
                std::io::BufRead::read_line(
                    &mut std::io::BufReader::new(std::fs::File::open(text).expect("open FIFO")),
                    &mut go,
                )
                .expect("read FIFO");
            }
            _ => panic!("unknown step {step:?}"),
        }
    }
    // The prompt the shell prints last, waiting for more, is no part of the run.
    let shown = shown.replace('\r', "").replace(PROMPT, "bash$ ");
    println!(
        "{}",
        shown
            .trim_end()
            .strip_suffix("bash$")
            .unwrap_or(&shown)
            .trim_end()
    );
}

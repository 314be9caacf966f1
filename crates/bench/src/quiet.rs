//! Figures for the book come from a quiet machine only.
//!
//! The book's figures must be ones a reader can reproduce: measured while nothing else
//! ran. The benchmark measures how many CPUs *other* programs keep busy (the machine's
//! CPU time less its own and its children's, see [`CpuSnapshot`]). Before a run that
//! writes into the book it looks for a few seconds and refuses to start on a busy machine
//! (or waits for quiet, with `--wait-for-quiet`); after the run, if others were busy
//! meanwhile, it prints the tables but writes nothing into the book.

use std::time::{Duration, Instant};

use crate::machine::CpuSnapshot;
use crate::options::Options;
use crate::progress::Progress;

/// Other programs may keep this much of one CPU busy on average, and no more, for the
/// machine to count as quiet (a shell, a terminal, the odd daemon).
pub const QUIET: f64 = 0.15;
/// How long the load is looked at before a run.
const LOOK: Duration = Duration::from_secs(5);
/// The exit code of a run that refused to write into the book.
pub const BUSY_EXIT: i32 = 3;

pub fn is_quiet(others_busy: f64) -> bool {
    others_busy <= QUIET
}

/// How busy other programs keep the machine over the next `how_long`.
fn load_over(how_long: Duration) -> f64 {
    let before = CpuSnapshot::now();
    std::thread::sleep(how_long);
    CpuSnapshot::now().others_since(&before)
}

/// Return once the machine is quiet; exit with a clear message if it is not, and does
/// not become quiet within `--wait-for-quiet`.
pub fn before_writing_the_book(options: &Options, cpus: usize, progress: &Progress) {
    let deadline = Instant::now() + options.wait_for_quiet;
    let mut said_waiting = false;
    loop {
        let busy = load_over(LOOK);
        if is_quiet(busy) {
            return progress.note(&format!(
                "the machine is quiet (others keep {busy:.2} of {cpus} CPUs busy)"
            ));
        }
        if Instant::now() >= deadline {
            let waited = match said_waiting {
                true => format!(
                    " after waiting {} min",
                    options.wait_for_quiet.as_secs() / 60
                ),
                false => String::new(),
            };
            eprintln!(
                "bench: the machine is busy{waited}: other programs keep {busy:.2} of {cpus} \
                 CPUs busy (quiet is at most {QUIET}). The book's figures must come from a \
                 quiet machine, so nothing was measured. Run again when it is quiet, add \
                 --wait-for-quiet MINUTES to wait for it, or measure without writing into \
                 the book with --no-write (or --out DIR)."
            );
            std::process::exit(BUSY_EXIT);
        }
        if !said_waiting {
            progress.note(&format!(
                "the machine is busy (others keep {busy:.2} of {cpus} CPUs busy): waiting \
                 up to {} min for it to be quiet",
                options.wait_for_quiet.as_secs() / 60
            ));
            said_waiting = true;
        }
    }
}

/// What to say when other programs were busy during a run meant for the book.
pub fn busy_run(others_busy: f64, cpus: usize) -> String {
    format!(
        "other programs kept {others_busy:.2} of {cpus} CPUs busy during the run (quiet is at \
         most {QUIET}): the tables above are printed, but nothing was written into the book. \
         Run again on a quiet machine (--wait-for-quiet MINUTES waits for one)."
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_is_a_small_fraction_of_one_cpu() {
        assert!(is_quiet(0.0));
        assert!(is_quiet(QUIET));
        assert!(!is_quiet(0.5));
        assert!(busy_run(1.3, 2).contains("1.30 of 2 CPUs"));
    }
}

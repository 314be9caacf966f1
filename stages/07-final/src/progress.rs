//! What the client shows while it works: a progress bar with rate and ETA on a terminal,
//! a notice when it has to wait in line, and nothing at all with `--quiet` or when stderr
//! is not a terminal (a pipe, a file, a benchmark).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::client::Watcher;
use crate::frame::OVERHEAD;

/// Below this many signals a transfer takes well under a tenth of a second here: no bar.
const LONG: u64 = 8192;

// ANCHOR: progress
/// The client's [`Watcher`]: notices and the progress bar, on stderr.
pub struct Progress {
    quiet: bool,
    /// Signals per byte of frame: 8 in the classic mode, 1/8 in the payload mode.
    signals_per_kib: u64,
    length: u64,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub fn new(quiet: bool, payload: bool) -> Progress {
        Progress {
            quiet,
            signals_per_kib: if payload { 128 } else { 8192 },
            length: 0,
            bar: None,
        }
    }

    /// Remove the bar, if one was shown, before the last lines are printed.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}

impl Watcher for Progress {
    fn waiting_in_line(&mut self) {
        if !self.quiet {
            eprintln!("client: the server is busy with another client; waiting in line");
        }
    }

    fn turn(&mut self, bytes: u64) {
        self.length = bytes;
        let signals = (bytes + OVERHEAD as u64) * self.signals_per_kib / 1024;
        // A terminal, and a wait long enough to be worth a bar; never with --quiet.
        if self.quiet || signals < LONG || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(bytes), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:30} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
            )
            .expect("a valid template"),
        );
        bar.tick(); // drawn at once, not only after the first byte
        self.bar = Some(bar);
    }

    fn progress(&mut self, frame_bytes: u64) {
        if let Some(bar) = &self.bar {
            // The frame starts with 4 bytes of length; the message follows.
            bar.set_position(frame_bytes.saturating_sub(4).min(self.length));
        }
    }
}
// ANCHOR_END: progress

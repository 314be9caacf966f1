//! `watch`: check the stage, then check it again each time one of its files changes
//! (rustlings' loop). File events come from the `notify` crate, debounced, so that an
//! editor's burst of writes on one save makes one check.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use notify::RecursiveMode;
use notify_debouncer_mini::new_debouncer;

use super::{CommandResult, Workbook};
use crate::workspace::Unit;

/// How long the files must stay quiet before a check starts.
const QUIET: Duration = Duration::from_millis(300);

impl Workbook {
    pub fn watch(&self, name: &str) -> CommandResult {
        let unit = self.unit(name)?;
        let (events, arrivals) = mpsc::channel();
        let mut debouncer =
            new_debouncer(QUIET, events).map_err(|e| format!("cannot watch files: {e}"))?;
        debouncer
            .watcher()
            .watch(&unit.dir, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", unit.rel_dir))?;
        loop {
            clear_screen();
            // The check's own writes (the scaffold lines it removes) come first; a file
            // written from then on makes the next check.
            self.prepare(&unit)?;
            let started = SystemTime::now();
            let verdict = self.run_check(&unit, false, true)?;
            print!("{}", verdict.text);
            println!();
            println!(
                "Watching {}: each time you save one of its files, the check runs again. Ctrl-C stops.",
                unit.rel_dir
            );
            loop {
                let Ok(batch) = arrivals.recv() else {
                    return Err("the file watcher stopped".into());
                };
                let Ok(batch) = batch else { continue };
                if batch.iter().any(|event| {
                    is_learners_file(&unit, &event.path) && changed_since(&event.path, started)
                }) {
                    break;
                }
            }
        }
    }
}

/// Whether `path` is one of the unit's own files (not a build product or hidden file).
fn is_learners_file(unit: &Unit, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(&unit.dir) else {
        return false;
    };
    !rel.components().any(|c| {
        let c = c.as_os_str().to_string_lossy();
        c.starts_with('.') || c == "target"
    })
}

/// Whether `path` was written (or removed) after `since`.
fn changed_since(path: &Path, since: SystemTime) -> bool {
    match path.metadata().and_then(|m| m.modified()) {
        Ok(modified) => modified >= since,
        Err(_) => true,
    }
}

/// Clear the terminal, so the latest summary is all there is; a pipe gets a rule instead.
fn clear_screen() {
    if std::io::stdout().is_terminal() {
        print!("\x1b[2J\x1b[H");
    } else {
        println!("────────────────────────────────────────────────────────────");
    }
}

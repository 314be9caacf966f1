//! lab-inherit: `fork` copies the mask and the dispositions but not the pending signals;
//! `execve` keeps the mask, the pending signals and what is ignored, and resets what was
//! caught to the default (there is no handler left to call).

use std::collections::BTreeMap;

use minitalk_kit::run::stdout;

/// One row of the program's table: the PID, then how SIGUSR1, SIGUSR2 and SIGHUP stand.
#[derive(Debug)]
struct Row {
    pid: String,
    signals: [String; 3],
}

/// Run the program once; its rows by where they were printed.
fn table() -> BTreeMap<String, Row> {
    let text = stdout(env!("CARGO_BIN_EXE_lab-inherit"), &[] as &[&str]);
    text.lines()
        .skip(1)
        .map(|line| {
            // Columns are at least two spaces apart; a cell holds single spaces only.
            let cells: Vec<String> = line
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect();
            assert_eq!(cells.len(), 5, "a row of five cells: {line:?}");
            let row = Row {
                pid: cells[1].clone(),
                signals: [cells[2].clone(), cells[3].clone(), cells[4].clone()],
            };
            (cells[0].clone(), row)
        })
        .collect()
}

fn signals<'a>(table: &'a BTreeMap<String, Row>, place: &str) -> [&'a str; 3] {
    let row = table
        .get(place)
        .unwrap_or_else(|| panic!("no row {place:?} in {table:?}"));
    [&row.signals[0], &row.signals[1], &row.signals[2]].map(String::as_str)
}

#[test]
fn the_parent_sets_up_what_the_others_are_compared_with() {
    let table = table();
    assert_eq!(
        signals(&table, "before fork"),
        ["default, blocked, pending", "caught", "ignored"]
    );
}

#[test]
fn a_forked_child_has_the_mask_and_dispositions_but_nothing_pending() {
    let table = table();
    assert_eq!(
        signals(&table, "child after fork"),
        ["default, blocked", "caught", "ignored"]
    );
}

#[test]
fn across_execve_the_mask_pending_and_ignored_stay_and_handlers_reset() {
    let table = table();
    assert_eq!(
        table["after execv"].pid, table["before fork"].pid,
        "execv keeps the PID: it is the same process"
    );
    assert_eq!(
        signals(&table, "after execv"),
        ["default, blocked, pending", "default", "ignored"]
    );
}

#[test]
fn a_child_of_std_command_keeps_the_mask_and_the_ignored_signals() {
    // std's Command resets SIGPIPE only (its source says "Inherit the signal mask from the
    // parent rather than resetting it"); fork and exec do the rest.
    let table = table();
    assert_eq!(
        signals(&table, "child of Command"),
        ["default, blocked", "default", "ignored"]
    );
}

//! What several of stage 07's test files need.

#![allow(dead_code)] // each test file uses its own part of this module

use minitalk_kit::Programs;

/// The final programs, `server` and `client` (or yours, through `MINITALK_SERVER` and
/// `MINITALK_CLIENT`).
pub fn programs() -> Programs {
    minitalk_kit::programs!()
}

/// Skip (with a message) a test of something only our own programs do.
pub fn own_programs_only(programs: &Programs, what: &str) -> bool {
    if programs.is_external() {
        eprintln!("SKIPPED: {what} is this workbook's own");
        return false;
    }
    true
}

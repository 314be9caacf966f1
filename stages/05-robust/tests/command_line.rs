//! The command lines of this stage's programs: each answers `--help`, and refuses
//! what it does not take (exit code 2, one line on stderr) before doing anything. The
//! cases live in the kit's `specs::command_line`.

use minitalk_kit::specs::command_line::{answers_help, refuses};

#[test]
fn every_program_answers_help() {
    answers_help(env!("CARGO_BIN_EXE_stage05-server"));
    answers_help(env!("CARGO_BIN_EXE_stage05-client"));
    answers_help(env!("CARGO_BIN_EXE_stage05-forge"));
}

#[test]
fn every_program_refuses_arguments_it_does_not_take() {
    // A server takes no arguments: an unknown option must not start it.
    refuses(env!("CARGO_BIN_EXE_stage05-server"), &["--verbose"]);
    refuses(env!("CARGO_BIN_EXE_stage05-server"), &["extra"]);
    refuses(env!("CARGO_BIN_EXE_stage05-client"), &["--verbose"]);
    refuses(env!("CARGO_BIN_EXE_stage05-forge"), &["--verbose"]);
}

//! The command lines of this stage's programs: each answers `--help`, and refuses
//! what it does not take (exit code 2, one line on stderr) before doing anything. The
//! cases live in the kit's `specs::command_line`.

use minitalk_kit::specs::command_line::{answers_help, refuses};

#[test]
fn every_program_answers_help() {
    answers_help(env!("CARGO_BIN_EXE_stage00-process"));
    answers_help(env!("CARGO_BIN_EXE_stage00-receiver"));
    answers_help(env!("CARGO_BIN_EXE_stage00-sender"));
}

#[test]
fn every_program_refuses_arguments_it_does_not_take() {
    refuses(env!("CARGO_BIN_EXE_stage00-process"), &["--verbose"]);
    refuses(env!("CARGO_BIN_EXE_stage00-process"), &["exit", "256"]);
    refuses(env!("CARGO_BIN_EXE_stage00-receiver"), &["--blok"]);
    refuses(env!("CARGO_BIN_EXE_stage00-sender"), &["--verbose"]);
}

//! The final programs' own command line: --help, --version, bad options (one line, exit
//! code 2, no signal sent), stdin, --quiet, --summary, --timeout. The usage errors every
//! client refuses are in `usage.rs`.

use minitalk_kit::Programs;
use minitalk_kit::sandbox::{CANARY, expect_usage_error};

fn programs() -> Programs {
    minitalk_kit::programs!()
}

fn stdout_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

#[test]
fn dies_on_bad_options() {
    let programs = programs();
    if programs.skip_unless_own("the options") {
        return;
    }
    expect_usage_error(&programs, &["--timeout", "0", CANARY, "hello"], "--timeout");
    expect_usage_error(
        &programs,
        &["--timeout", "soon", CANARY, "hello"],
        "--timeout",
    );
    expect_usage_error(&programs, &["--loud", CANARY, "hello"], "--loud");
}

#[test]
fn help_shows_the_options_and_every_exit_code() {
    let programs = programs();
    if programs.skip_unless_own("--help") {
        return;
    }
    let text = stdout_of(&programs.client(["--help"]).success());
    assert!(
        text.contains("Usage: client [OPTIONS] <PID> <MESSAGE>"),
        "{text}"
    );
    for option in [
        "--payload",
        "--timeout",
        "--quiet",
        "--summary",
        "--version",
    ] {
        assert!(text.contains(option), "{option} is not documented:\n{text}");
    }
    for code in 0..=7 {
        assert!(
            text.lines()
                .any(|line| line.trim_start().starts_with(&format!("{code}  "))),
            "exit code {code} is not documented:\n{text}"
        );
    }
    let mut server_help = programs.server_command();
    server_help.arg("--help");
    let output = server_help.output().expect("run server --help");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    for option in ["--timeout", "--max-bytes", "--quiet"] {
        assert!(text.contains(option), "{option} is not documented:\n{text}");
    }
    assert!(
        text.contains("SIGTERM or SIGINT") && text.contains("A second SIGTERM"),
        "the server's --help does not say what SIGTERM and SIGINT do:\n{text}"
    );
}

#[test]
fn version_names_the_program() {
    let programs = programs();
    if programs.skip_unless_own("--version") {
        return;
    }
    let text = stdout_of(&programs.client(["--version"]).success());
    assert_eq!(text, format!("client {}\n", env!("CARGO_PKG_VERSION")));
    let output = programs
        .server_command()
        .arg("-V")
        .output()
        .expect("server -V");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        format!("server {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_server_refuses_a_bad_option_without_starting() {
    let programs = programs();
    if programs.skip_unless_own("the server's options") {
        return;
    }
    let output = programs
        .server_command()
        .args(["--max-bytes", "many"])
        .output()
        .expect("run server");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(output.stdout.is_empty(), "no PID line: it did not start");
}

#[test]
fn a_dash_reads_the_message_from_stdin_and_double_dash_allows_a_leading_dash() {
    let programs = programs();
    let Some(mut server) = programs.start_own_server("`-` and `--`") else {
        return;
    };
    let pid = server.pid().to_string();
    programs
        .client_with_stdin([pid.as_str(), "-"], "from stdin\nwith two lines")
        .success();
    server.expect_message("from stdin\nwith two lines\n");
    programs
        .client([pid.as_str(), "--", "-n starts with a dash"])
        .success();
    server.expect_message("-n starts with a dash\n");
}

#[test]
fn the_classic_form_sends_any_second_argument_even_one_that_looks_like_an_option() {
    // `client <pid> <string>`: the string is whatever the second argument is. clap alone
    // would take `-1` for an unknown option (exit 2) and `-hello` for `-h` (the help,
    // exit 0, nothing sent). Options come before the PID.
    let programs = programs();
    if programs.skip_unless_own("the confirmation line") {
        return;
    }
    let mut server = programs.start_server();
    let pid = server.pid().to_string();
    for message in [
        "-1",
        "-456",
        "-hello",
        "--help",
        "-h",
        "--version",
        "--payload",
    ] {
        let assert = programs.client([pid.as_str(), message]).success();
        assert!(
            stdout_of(&assert).contains(&format!("{} bytes delivered", message.len())),
            "{message}: {}",
            stdout_of(&assert)
        );
        server.expect_message(format!("{message}\n"));
    }
    // Options before the PID still work, and so does `--` after it.
    programs.client(["--quiet", pid.as_str(), "-q"]).success();
    server.expect_message("-q\n");
    programs.client([pid.as_str(), "--", "--"]).success();
    server.expect_message("--\n");
}

#[test]
fn an_option_after_the_message_is_an_extra_argument() {
    expect_usage_error(&programs(), &[CANARY, "hello", "--quiet"], "usage:");
}

#[test]
fn quiet_prints_nothing_and_summary_prints_one_line() {
    let programs = programs();
    let Some(mut server) = programs.start_own_server("--quiet and --summary") else {
        return;
    };
    let pid = server.pid().to_string();

    let quiet = programs.client(["--quiet", pid.as_str(), "shh"]).success();
    assert!(quiet.get_output().stdout.is_empty() && quiet.get_output().stderr.is_empty());
    server.expect_message("shh\n");

    let summary = programs
        .client(["-q", "-s", "-p", pid.as_str(), "sixteen bytes!!!"])
        .success();
    let line = stdout_of(&summary);
    assert_eq!(line.lines().count(), 1, "{line:?}");
    // 16 bytes + 8 of frame = 192 bits = 4 chunks of 63 bits, plus the knock.
    assert!(line.starts_with("client: 16 bytes in "), "{line:?}");
    assert!(
        line.contains("kB/s), payload mode, 5 signals (0 resent)"),
        "{line:?}"
    );
    server.expect_message("sixteen bytes!!!\n");
}

#[test]
fn the_timeout_option_wins_over_the_environment() {
    let programs = programs().with_client_env("MINITALK_TIMEOUT_MS", "600000");
    if programs.skip_unless_own("--timeout") {
        return;
    }
    let server = programs.start_server();
    server.stop();
    let pid = server.pid().to_string();
    programs
        .client(["--timeout", "300", pid.as_str(), "hello?"])
        .code(6)
        .stderr(predicates::str::contains("within 300ms"));
    server.resume();
}

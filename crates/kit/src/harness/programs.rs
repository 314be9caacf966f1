//! Which server and client a test runs: the stage's own, or yours.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Once;

use assert_cmd::assert::{Assert, OutputAssertExt};

use super::preempt;
use super::process::{Process, die_with_the_test};
use super::pty::PtyServer;
use super::report;
use super::server::Server;
use crate::deadlines::{DEADLINE, SLEEP_PACED_DELAY_US};

/// The server and client under test.
///
/// By default a stage's tests run the stage's own binaries. When `MINITALK_SERVER` or
/// `MINITALK_CLIENT` names another executable (a path, or a name found on `PATH`), the
/// same tests run that program instead: test your own minitalk, in any language.
#[derive(Clone, Debug)]
pub struct Programs {
    server: PathBuf,
    client: PathBuf,
    external_server: bool,
    external_client: bool,
    client_env: Vec<(OsString, OsString)>,
    server_preempts_client: bool,
}

impl Programs {
    /// The stage's own programs, unless the environment names others.
    pub fn new(own_server: &str, own_client: &str) -> Programs {
        let server = std::env::var_os("MINITALK_SERVER").filter(|v| !v.is_empty());
        let client = std::env::var_os("MINITALK_CLIENT").filter(|v| !v.is_empty());
        let programs = Programs {
            external_server: server.is_some(),
            external_client: client.is_some(),
            server: server.map_or_else(|| own_server.into(), PathBuf::from),
            client: client.map_or_else(|| own_client.into(), PathBuf::from),
            client_env: Vec::new(),
            server_preempts_client: false,
        };
        static ANNOUNCE: Once = Once::new();
        if programs.external_server || programs.external_client {
            ANNOUNCE.call_once(|| {
                eprintln!(
                    "minitalk test kit: server = {}, client = {}",
                    programs.server.display(),
                    programs.client.display()
                )
            });
        }
        programs
    }

    /// The programs of the stage in `stage_dir` (its `CARGO_MANIFEST_DIR`): the server
    /// and client its `stage.toml` names, as Cargo built them for the stage's tests,
    /// unless the environment names others. [`programs!`](crate::programs) calls it.
    pub fn of_stage(stage_dir: &str) -> Programs {
        let manifest = minitalk_manifest::Manifest::read(std::path::Path::new(stage_dir))
            .unwrap_or_else(|why| panic!("{why}"));
        let built = |name: &Option<String>, what: &str| -> String {
            let name = name.as_deref().unwrap_or_else(|| {
                panic!("{stage_dir}/stage.toml names no {what} under [programs]")
            });
            binary_path(name)
        };
        Programs::new(
            &built(&manifest.programs.server, "server"),
            &built(&manifest.programs.client, "client"),
        )
    }

    /// Exactly these programs, whatever the environment says (for programs that have no
    /// counterpart in other minitalk implementations, like stage 00's).
    pub fn own(server: &str, client: &str) -> Programs {
        Programs {
            server: server.into(),
            client: client.into(),
            external_server: false,
            external_client: false,
            client_env: Vec::new(),
            server_preempts_client: false,
        }
    }

    /// Skip the test (say so, and return `true`) when the environment names another
    /// implementation's programs but the test runs only the stage's own binaries (their
    /// `--help`, a demonstration): it would pass without looking at yours.
    pub fn skip_when_yours_are_named(what: &str) -> bool {
        let named = ["MINITALK_SERVER", "MINITALK_CLIENT"]
            .iter()
            .any(|key| std::env::var_os(key).is_some_and(|value| !value.is_empty()));
        if named {
            report::skip(format!(
                "{what}: the stage's own programs, not yours, would run"
            ));
        }
        named
    }

    /// Whether either program is not the stage's own (a test of a stage-specific detail,
    /// such as a hand-made frame, skips itself then).
    pub fn is_external(&self) -> bool {
        self.external_server || self.external_client
    }

    /// The client's file name, as its usage text names it (`stage05-client`, `client`).
    pub fn client_name(&self) -> String {
        self.client
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned())
    }

    /// Whether the client is not the stage's own.
    pub fn external_client(&self) -> bool {
        self.external_client
    }

    /// Skip the test (say so, and return `true`) unless both programs are the stage's
    /// own: `what` (a forged frame, the wording on stderr, an option) is this workbook's
    /// own, not something another minitalk must do.
    ///
    /// ```ignore
    /// if programs.skip_unless_own("the payload mode") {
    ///     return;
    /// }
    /// ```
    pub fn skip_unless_own(&self, what: &str) -> bool {
        if self.is_external() {
            report::skip(format!("{what}: the workbook's own, not the subject's"));
        }
        self.is_external()
    }

    /// Skip a test of the kernel's trace of this workbook's own protocol (say so, and
    /// return `true`) unless it can run: the programs are the stage's own, and `tracefs`
    /// (`minitalk_trace::tracefs::open`, passed in: the kit does not depend on the tracer)
    /// finds tracefs usable, or says in one line why not.
    ///
    /// ```ignore
    /// if programs.skip_unless_traceable(minitalk_trace::tracefs::open) {
    ///     return;
    /// }
    /// ```
    pub fn skip_unless_traceable<T, E: std::fmt::Display>(
        &self,
        tracefs: impl FnOnce() -> Result<T, E>,
    ) -> bool {
        if self.skip_unless_own("the kernel's trace of the workbook's own protocol") {
            return true;
        }
        match tracefs() {
            Ok(_) => false,
            Err(why) => {
                report::skip(format!("tracefs: {why}"));
                true
            }
        }
    }

    /// Start the server, unless these are not the stage's own programs: then skip the
    /// test as [`Programs::skip_unless_own`] does, and return `None`.
    pub fn start_own_server(&self, what: &str) -> Option<Server> {
        (!self.skip_unless_own(what)).then(|| self.start_server())
    }

    /// [`Programs::skip_unless_own`] for a test of the client alone.
    pub fn skip_unless_own_client(&self, what: &str) -> bool {
        if self.external_client {
            report::skip(format!(
                "{what}: about the workbook's own client, not the subject"
            ));
        }
        self.external_client
    }

    /// Whether to run the client with `options` (this workbook's own, such as
    /// `--payload`): always for the stage's own client, and for another implementation's
    /// only when there are none; a note then says which were not tried. For a test that
    /// runs in several modes, the subject's (no option) among them.
    pub fn client_takes(&self, options: &[&str]) -> bool {
        let takes = !self.external_client || options.is_empty();
        if !takes {
            report::note(format!(
                "not tried with {options:?}: the workbook's own options, not the subject's"
            ));
        }
        takes
    }

    /// Set an environment variable for every client this `Programs` starts (for example
    /// `MINITALK_DELAY_US` for the sleep-paced stages). Your own programs may ignore it.
    pub fn with_client_env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.client_env
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// Schedule the server so that it always runs before the client can send its next
    /// signal: both on one CPU, the server real-time (see [`super::preempt`]).
    ///
    /// For the sleep-paced stages only. Their protocol works only while the server gets a
    /// CPU between two signals, which a pause merely makes likely; their tests specify
    /// the protocol, not the scheduler's mood, so they make it certain. Stage 03 removes
    /// the dependence on the scheduler for good.
    pub fn with_server_preempting_client(mut self) -> Self {
        self.server_preempts_client = true;
        self
    }

    /// The programs of a sleep-paced stage (01, 02) as their tests run them: the client
    /// pauses [`SLEEP_PACED_DELAY_US`] between signals (`MINITALK_DELAY_US`), and the server
    /// always runs before the client can send its next signal (see
    /// [`Programs::with_server_preempting_client`]). These tests specify the protocol, not
    /// the scheduler's luck; stage 01's `sleep_pacing.rs` shows what happens without it.
    pub fn sleep_paced(self) -> Self {
        self.with_client_env("MINITALK_DELAY_US", SLEEP_PACED_DELAY_US)
            .with_server_preempting_client()
    }

    /// Start the server, and read the PID it prints (see [`Server::start`]).
    pub fn start_server(&self) -> Server {
        Server::start(self.server_command()).with_optional_newline(self.external_server)
    }

    /// Start the server on a pseudo-terminal (see [`PtyServer::start`]).
    pub fn start_pty_server(&self) -> PtyServer {
        PtyServer::start(self.server_command())
    }

    /// A command that starts the server.
    pub fn server_command(&self) -> Command {
        let mut command = Command::new(&self.server);
        prepare(&mut command);
        if self.server_preempts_client {
            preempt::as_preempting_server(&mut command);
        }
        command
    }

    /// A command that starts the client, with the extra environment set.
    pub fn client_command(&self) -> Command {
        let mut command = Command::new(&self.client);
        prepare(&mut command);
        command.envs(self.client_env.iter().map(|(k, v)| (k, v)));
        if self.server_preempts_client {
            preempt::as_preempted_client(&mut command);
        }
        command
    }

    /// Run the client with `args` (stdin empty) to completion, at most [`DEADLINE`].
    /// Returns an `assert_cmd` assertion on its exit status, stdout and stderr.
    pub fn client<I, S>(&self, args: I) -> Assert
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.client_with_stdin(args, Vec::new())
    }

    /// Run the client with `args`, feeding it `stdin`.
    pub fn client_with_stdin<I, S>(&self, args: I, stdin: impl Into<Vec<u8>>) -> Assert
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = self.client_command();
        command.args(args);
        assert_cmd::Command::from_std(command)
            .write_stdin(stdin)
            .timeout(DEADLINE)
            .output()
            .unwrap_or_else(|e| panic!("cannot run client {}: {e}", self.client.display()))
            .assert()
    }

    /// Send `message` to `server`: `client <server-pid> <message>`, as
    /// [`Programs::client_to`] runs it.
    pub fn send(&self, server: &Server, message: impl AsRef<OsStr>) -> Assert {
        let pid = server.pid().to_string();
        self.client_to(server, [OsStr::new(&pid), message.as_ref()], Vec::new())
    }

    /// Run the client with `args`, feeding it `stdin`, to completion, at most [`DEADLINE`],
    /// while `server` runs. Like [`Programs::client_with_stdin`], but should the server
    /// exit first, the test fails at once with the server's status and stderr (see
    /// [`Server::wait_for_sender`]), instead of waiting out the deadline for a client that
    /// nobody will answer.
    pub fn client_to<I, S>(&self, server: &Server, args: I, stdin: impl Into<Vec<u8>>) -> Assert
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = self.client_command();
        command.args(args);
        let shown = format!("{command:?}");
        let mut client = Process::spawn(command);
        client.feed_stdin(stdin.into());
        // The diagnosis first, then the command that was run.
        let status = server
            .wait_for_sender(&client, DEADLINE)
            .unwrap_or_else(|why| match why.split_once('\n') {
                Some((headline, details)) => panic!("{headline}\ncommand: {shown}\n{details}"),
                None => panic!("{why}\ncommand: {shown}"),
            });
        Output {
            status,
            stdout: client.stdout.bytes(),
            stderr: client.stderr.bytes(),
        }
        .assert()
        .append_context("command", shown)
    }

    /// Start the client in the background (for a test that stops or kills it mid-way).
    pub fn spawn_client<I, S>(&self, args: I) -> Process
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = self.client_command();
        command.args(args);
        Process::spawn(command)
    }
}

/// What every program the kit starts gets: it dies with the test (see
/// [`die_with_the_test`]), and a Rust program's panic is one message, without a
/// backtrace (the message names the file and line; `MINITALK_KIT_BACKTRACE=1` brings
/// the backtraces back).
fn prepare(command: &mut Command) {
    report::quiet_panics();
    die_with_the_test(command);
    if std::env::var_os("MINITALK_KIT_BACKTRACE").is_none() {
        command.env("RUST_BACKTRACE", "0");
    }
}

/// Where Cargo put the binary `name` of the package under test: `cargo test` tells an
/// integration test in `CARGO_BIN_EXE_<name>`, when it builds it and when it runs it.
pub fn binary_path(name: &str) -> String {
    std::env::var(format!("CARGO_BIN_EXE_{name}")).unwrap_or_else(|_| {
        panic!(
            "CARGO_BIN_EXE_{name} is not set: run the tests with `cargo test`, which builds \
             the stage's binary {name} and says where it is"
        )
    })
}

//! What the benchmark runs: one small description per stage.
//!
//! Adding a stage to the benchmark is one more entry in [`STAGES`]: its binaries, how its
//! client is given the message, which sizes are worth the time, and its modes. Nothing
//! else in the benchmark knows about individual stages.

use crate::size::{KB, MB};

/// One stage of the workbook, as the benchmark sees it.
pub struct Stage {
    /// Two digits, as in `stages/NN-name/`; `--stage 07` selects it.
    pub id: &'static str,
    /// A few words for the table: what this stage adds.
    pub idea: &'static str,
    /// Binary names in `target/release/`.
    pub server: &'static str,
    pub client: &'static str,
    /// Arguments for the server (the socket server is told to pick a free port).
    pub server_args: &'static [&'static str],
    /// How the client reaches the server: by signals to a PID, or over TCP.
    pub transport: Transport,
    pub modes: &'static [Mode],
    /// Message sizes in bytes run by default (`--size` overrides them).
    pub sizes: &'static [usize],
    /// Whether to also run several clients at once (stage-06 on: they must all arrive).
    pub concurrency: bool,
    /// Whether to report the server's memory (idle, and peak during the transfer).
    pub memory: bool,
}

/// One way of running a stage's client (stage-07 has a classic and a payload mode).
pub struct Mode {
    pub name: &'static str,
    /// The client's arguments. `{target}` becomes the server's PID (or address) and
    /// `{message}` the message itself; `-` is how stage-07 says "read it from stdin".
    pub client_args: &'static [&'static str],
    /// Whether the message is written to the client's stdin (needed above the 128 kB
    /// that Linux allows for a single command-line argument).
    pub stdin: bool,
}

/// How the server announces itself on its first line, and so what the client is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// The first line holds the server's PID; every line after it is a message.
    Signals,
    /// The first line holds the `host:port` the server listens on (`listening on …`);
    /// then it shows what each client sends after the client's `host:port`.
    Tcp,
}

const ARGV: &[Mode] = &[Mode {
    name: "classic",
    client_args: &["{target}", "{message}"],
    stdin: false,
}];

/// Sizes for stages that answer every bit: fast enough for 100 kB.
const ACKED: &[usize] = &[100, 10 * KB, 100 * KB];

pub const STAGES: &[Stage] = &[
    Stage {
        id: "01",
        idea: "sleep between bits",
        server: "stage01-server",
        client: "stage01-client",
        server_args: &[],
        transport: Transport::Signals,
        modes: ARGV,
        // 200 µs per bit: 10 kB already takes about 20 s a run, 100 kB would take minutes.
        sizes: &[100, 10 * KB],
        concurrency: false,
        memory: false,
    },
    Stage {
        id: "02",
        idea: "SA_SIGINFO, sender's PID",
        server: "stage02-server",
        client: "stage02-client",
        server_args: &[],
        transport: Transport::Signals,
        modes: ARGV,
        sizes: &[100, 10 * KB],
        concurrency: false,
        memory: false,
    },
    Stage {
        id: "03",
        idea: "acknowledge every bit",
        server: "stage03-server",
        client: "stage03-client",
        server_args: &[],
        transport: Transport::Signals,
        modes: ARGV,
        sizes: ACKED,
        concurrency: false,
        memory: false,
    },
    Stage {
        id: "04",
        idea: "a length, then any bytes",
        server: "stage04-server",
        client: "stage04-client",
        server_args: &[],
        transport: Transport::Signals,
        modes: ARGV,
        sizes: ACKED,
        concurrency: false,
        memory: false,
    },
    Stage {
        id: "05",
        idea: "timeouts, safe PIDs",
        server: "stage05-server",
        client: "stage05-client",
        server_args: &[],
        transport: Transport::Signals,
        modes: ARGV,
        sizes: ACKED,
        concurrency: false,
        memory: false,
    },
    Stage {
        id: "06",
        idea: "synchronous reception, many clients",
        server: "stage06-server",
        client: "stage06-client",
        server_args: &[],
        transport: Transport::Signals,
        modes: ARGV,
        sizes: ACKED,
        concurrency: true,
        memory: false,
    },
    Stage {
        id: "07",
        idea: "final server/client",
        server: "server",
        client: "client",
        server_args: &[],
        transport: Transport::Signals,
        modes: &[
            Mode {
                name: "classic",
                client_args: &["--quiet", "{target}", "-"],
                stdin: true,
            },
            Mode {
                name: "payload",
                client_args: &["--quiet", "--payload", "{target}", "-"],
                stdin: true,
            },
        ],
        // 1 kB and 1 MB as well: the goal is a time per byte that stays flat between them.
        sizes: &[100, KB, 10 * KB, 100 * KB, MB],
        concurrency: true,
        memory: true,
    },
    Stage {
        id: "08",
        idea: "sockets (TCP)",
        server: "stage08-server",
        client: "stage08-client",
        // Loopback, and a port the kernel picks: the default.
        server_args: &[],
        transport: Transport::Tcp,
        modes: &[Mode {
            name: "tcp",
            client_args: &["{target}"],
            stdin: true,
        }],
        sizes: &[100, 10 * KB, 100 * KB, MB],
        concurrency: false,
        memory: false,
    },
];

/// How many clients the concurrency rows start at once.
pub const CONCURRENT_CLIENTS: usize = 4;
/// The size each of them sends, unless `--size` says otherwise.
pub const CONCURRENT_SIZE: usize = 10 * KB;

/// Whether `wanted` (as typed after `--stage`: `7`, `07` or `stage-07`) names `stage`.
pub fn matches(stage: &Stage, wanted: &str) -> bool {
    let digits = wanted
        .trim_start_matches("stage-")
        .trim_start_matches("stage");
    digits.parse::<u32>().ok() == stage.id.parse::<u32>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_names_are_accepted_in_several_spellings() {
        let seven = STAGES.iter().find(|s| s.id == "07").unwrap();
        for wanted in ["7", "07", "stage-07", "stage07"] {
            assert!(matches(seven, wanted), "{wanted}");
        }
        assert!(!matches(seven, "08"));
        assert!(!matches(seven, "x"));
    }

    #[test]
    fn every_mode_passes_the_target_and_the_message() {
        for stage in STAGES {
            for mode in stage.modes {
                assert!(mode.client_args.contains(&"{target}"), "{}", stage.id);
                assert!(
                    mode.stdin || mode.client_args.contains(&"{message}"),
                    "stage {} mode {} never gets the message",
                    stage.id,
                    mode.name
                );
            }
        }
    }
}

//! What the benchmark runs: every stage whose `stage.toml` has a `[bench]` section.
//!
//! The benchmark knows no stage by name. Each stage's manifest says how to run it (its
//! programs, sizes, modes, the ping-pong each mode is compared with, whether to run
//! several clients at once and to read the server's memory; see `minitalk_manifest`);
//! adding a stage to the benchmark is writing that section.

use std::path::Path;

pub use minitalk_manifest::{Ceiling, Mode, Transport};

use crate::size::KB;

/// One stage of the workbook, as the benchmark sees it.
#[derive(Debug)]
pub struct Stage {
    /// Two digits, as in `stages/NN-name/`; `--stage 07` selects it.
    pub id: String,
    pub number: u32,
    /// A few words for the table: what this stage adds (`[bench] label`).
    pub label: String,
    /// Binary names in `target/release/`.
    pub server: String,
    pub client: String,
    pub bench: minitalk_manifest::Bench,
}

impl Stage {
    /// The sizes `mode` is run with by default (`--size` overrides them).
    pub fn sizes<'a>(&'a self, mode: &'a Mode) -> &'a [usize] {
        mode.sizes.as_deref().unwrap_or(&self.bench.sizes)
    }
}

/// Every stage of `workspace` that the benchmark runs, in order. They live as long as
/// the benchmark does: every row of the results points at its stage.
pub fn load(workspace: &Path) -> Result<&'static [Stage], String> {
    let mut stages = Vec::new();
    for stage in minitalk_manifest::stages(workspace)? {
        let manifest = stage.manifest;
        let Some(bench) = manifest.bench.clone() else {
            continue;
        };
        let program = |name: &Option<String>, what: &str| {
            name.clone().ok_or_else(|| {
                format!(
                    "{}: [bench] but no {what} in [programs]",
                    stage.dir.join(minitalk_manifest::FILE).display()
                )
            })
        };
        stages.push(Stage {
            id: manifest.id(),
            number: manifest.number,
            label: bench.label.clone(),
            server: program(&manifest.programs.server, "server")?,
            client: program(&manifest.programs.client, "client")?,
            bench,
        });
    }
    Ok(Vec::leak(stages))
}

/// How many clients the concurrency rows start at once.
pub const CONCURRENT_CLIENTS: usize = 4;
/// The size each of them sends, unless `--size` says otherwise.
pub const CONCURRENT_SIZE: usize = 10 * KB;

/// Whether `wanted` (as typed after `--stage`: `7`, `07` or `stage-07`) names `stage`.
pub fn matches(stage: &Stage, wanted: &str) -> bool {
    let digits = wanted
        .trim_start_matches("stage-")
        .trim_start_matches("stage");
    digits.parse::<u32>().ok() == Some(stage.number)
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// The workspace's own stages, read from their manifests.
    pub fn workspace_stages() -> &'static [Stage] {
        load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")).expect("the manifests")
    }

    pub fn stage(id: &str) -> &'static Stage {
        workspace_stages()
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("no stage {id} in the benchmark"))
    }

    #[test]
    fn stage_names_are_accepted_in_several_spellings() {
        let seven = stage("07");
        for wanted in ["7", "07", "stage-07", "stage07"] {
            assert!(matches(seven, wanted), "{wanted}");
        }
        assert!(!matches(seven, "08"));
        assert!(!matches(seven, "x"));
    }

    #[test]
    fn every_mode_passes_the_target_and_the_message() {
        for stage in workspace_stages() {
            for mode in &stage.bench.modes {
                assert!(
                    mode.client_args.iter().any(|a| a == "{target}"),
                    "{}",
                    stage.id
                );
                assert!(
                    mode.stdin || mode.client_args.iter().any(|a| a == "{message}"),
                    "stage {} mode {} never gets the message",
                    stage.id,
                    mode.name
                );
            }
        }
    }

    #[test]
    fn the_stages_come_from_the_manifests_in_order() {
        let ids: Vec<&str> = workspace_stages().iter().map(|s| s.id.as_str()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        // Stage 00 has no programs to measure, and no [bench].
        assert!(!ids.contains(&"00"), "{ids:?}");
        assert_eq!(stage("07").server, "server");
        assert_eq!(stage("08").bench.transport, Transport::Tcp);
    }
}

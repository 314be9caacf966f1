//! bench: the workbook's one benchmark.
//!
//! `cargo run --release --bin bench` builds every stage, measures the signal
//! ceiling (two processes playing ping-pong with SIGUSR1, in Rust and in C), then sends
//! messages through every stage's real release binaries, checks each delivery byte for
//! byte, and reports bytes per second as tables on stdout and, for a full run, as the
//! tables, a CSV file and an SVG chart in the book's Performance chapter.
//!
//! What to run is in each stage's `stage.toml`, under `[bench]` (see `stages.rs`).

mod build_stages;
mod ceiling;
mod chart;
mod check;
mod goals;
mod machine;
mod message;
mod options;
mod pingpong;
mod process;
mod progress;
mod quiet;
mod report;
mod run;
mod size;
mod stages;
mod stats;
mod table;
mod transfer;

use std::fs;
use std::path::{Path, PathBuf};

use machine::{CpuSnapshot, Machine};
use options::Options;
use progress::Progress;
use run::{Row, Selection};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Started again by ourselves to fork the ping-pong from a single-threaded process.
    if args.first().map(String::as_str) == Some(pingpong::HELPER) {
        pingpong::helper_main(&args[1..]);
    }
    // This crate lives in crates/bench: the workspace is two levels up.
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = &here.join("../..");
    let options = Options::parse(&args, workspace.join("book/src/performance"));
    let progress = Progress::new(0);
    let stages = stages::load(workspace).unwrap_or_else(|why| {
        eprintln!("bench: {why}");
        std::process::exit(1)
    });

    let build_note = match options.build {
        true => {
            progress.note("building every stage (cargo build --release --workspace --bins)");
            build_stages::build_all(workspace).err()
        }
        false => None,
    };
    if let Some(note) = &build_note {
        progress.note(note);
    }
    // The stages' binaries sit next to ours, in target/release/.
    let bin_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| workspace.join("target/release"));

    let machine = Machine::describe();
    if options.into_book {
        quiet::before_writing_the_book(&options, machine.cpus, &progress);
    }
    let before = CpuSnapshot::now();

    progress.note("measuring the ceilings (ping-pongs of SIGUSR1 and SIGUSR2)");
    let c_program = ceiling::compile_c(&here.join("c/pingpong.c"), &bin_dir);
    if let Err(why) = &c_program {
        progress.note(&format!("no C ping-pong: {why}"));
    }
    let mut ceiling = ceiling::Ceiling::new(c_program);
    ceiling.measure(options.n, options.runs, &progress);

    let (single, concurrent) = measure_stages(stages, &options, &bin_dir);

    progress.note("measuring the ceilings again, so that they stand for the whole run");
    ceiling.measure(options.n, options.runs, &progress);
    let others_busy = CpuSnapshot::now().others_since(&before);

    let setup = report::Setup {
        n: options.n,
        runs: options.runs,
        others_busy,
        build_note,
    };
    let goals = goals::evaluate(&single, &concurrent, &ceiling);
    let sections = [
        ("machine.md", "Machine", report::machine(&machine, &setup)),
        ("ceiling.md", "The ceilings", report::ceiling(&ceiling)),
        (
            "stages.md",
            "Every stage",
            report::stages(&single, &ceiling),
        ),
        (
            "concurrency.md",
            "Several clients at once",
            report::concurrency(&concurrent, &single),
        ),
        (
            "memory.md",
            "The final server's memory",
            report::memory(&single),
        ),
        (
            "transports.md",
            "Signals or sockets",
            report::transports(&single),
        ),
        ("goals.md", "The final stage's goals", goals::table(&goals)),
    ];
    for (_, title, text) in &sections {
        println!("## {title}\n\n{text}");
    }

    if options.into_book && !quiet::is_quiet(others_busy) {
        progress.note(&quiet::busy_run(others_busy, machine.cpus));
        std::process::exit(quiet::BUSY_EXIT);
    }
    if let Some(dir) = &options.out {
        let files = sections
            .iter()
            .map(|(name, _, text)| (name.to_string(), text.clone()))
            .chain([
                (
                    "results.csv".to_owned(),
                    report::csv(&ceiling, &single, &concurrent),
                ),
                (
                    "chart.svg".to_owned(),
                    chart(&single, &concurrent, ceiling.classic()),
                ),
            ]);
        match write_all(dir, files) {
            Ok(()) => progress.note(&format!("results written to {}", dir.display())),
            Err(why) => {
                eprintln!(
                    "bench: cannot write the results to {}: {why}",
                    dir.display()
                );
                std::process::exit(1);
            }
        }
    }
}

/// Every selected stage: one client at a time, then several at once.
fn measure_stages(
    stages: &'static [stages::Stage],
    options: &Options,
    bin_dir: &Path,
) -> (Vec<Row>, Vec<Row>) {
    let selection = Selection {
        stages: options.stages.clone(),
        sizes: options.sizes.clone(),
        runs: options.runs,
        timeout: options.timeout,
        concurrency: options.concurrency,
    };
    let stages = run::selected_stages(stages, &selection);
    let mut single = Vec::new();
    let mut available = Vec::new();
    for stage in stages {
        match run::missing(bin_dir, stage) {
            Some(why) => single.push(run::not_available(stage, why)),
            None => available.push(stage),
        }
    }
    let (single_jobs, concurrent_jobs) = run::plan(&selection, &available);
    let mut progress = Progress::new((single_jobs.len() + concurrent_jobs.len()) * options.runs);
    for row in &single {
        if let run::Outcome::NotAvailable(why) = &row.outcome {
            progress.note(&format!("stage-{}: not available ({why})", row.stage.id));
        }
    }
    for job in &single_jobs {
        single.push(run::measure(job, bin_dir, &selection, &mut progress));
    }
    // Stages in order, whether or not they were available.
    single.sort_by_key(|row| row.stage.number);
    let concurrent = concurrent_jobs
        .iter()
        .map(|job| run::measure(job, bin_dir, &selection, &mut progress))
        .collect();
    (single, concurrent)
}

/// The chart: a group of bars per stage and mode (and per concurrent run).
fn chart(single: &[Row], concurrent: &[Row], ceiling: Option<f64>) -> String {
    let mut sizes: Vec<usize> = single
        .iter()
        .chain(concurrent)
        .map(|r| r.size)
        .filter(|&s| s > 0)
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    let legend: Vec<String> = sizes.iter().map(|&s| size::format_size(s)).collect();
    let bars: Vec<chart::Bar> = single
        .iter()
        .chain(concurrent)
        .map(|row| {
            let mode = row.mode.map_or("", |m| m.name.as_str());
            let detail = match row.clients {
                1 => mode.to_owned(),
                n => format!("{mode}, {n} clients at once"),
            };
            chart::Bar {
                group: format!("{} {}", row.stage.id, row.stage.label),
                detail,
                series: sizes.iter().position(|&s| s == row.size).unwrap_or(0),
                value: match &row.outcome {
                    run::Outcome::Measured { rate, .. } => Ok(rate.median),
                    run::Outcome::Failed { failed, runs, .. } => {
                        Err(format!("FAILED ({failed} of {runs} runs)"))
                    }
                    run::Outcome::NotAvailable(_) => Err("not available".to_owned()),
                },
            }
        })
        .collect();
    let label = ceiling.map(|c| format!("ceiling {}", size::format_rate(c)));
    chart::svg(
        "minitalk: bytes per second through each stage (median)",
        &legend,
        &bars,
        ceiling.zip(label.as_deref()),
    )
}

fn write_all(dir: &PathBuf, files: impl Iterator<Item = (String, String)>) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    for (name, text) in files {
        fs::write(dir.join(name), text)?;
    }
    Ok(())
}

//! The kernel's trace file system, and a trace *instance* of our own in it.
//!
//! `/sys/kernel/tracing/instances/NAME` is a private ring buffer with its own copy of every
//! event switch and filter: what we enable there is recorded there only, and the global
//! buffer (which other tools may be using) is never touched. Removing the directory
//! removes the buffer.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Where tracefs lives on any recent Linux.
pub const TRACEFS: &str = "/sys/kernel/tracing";
/// Every instance this crate makes is named `minitalk-trace-<our PID>-<n>`: a stale one
/// (its PID gone) is recognised and removed by the next run.
pub const PREFIX: &str = "minitalk-trace-";

/// Why tracing is not possible here, in one line with the command that would fix it.
#[derive(Debug)]
pub struct Unavailable(pub String);

impl std::fmt::Display for Unavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// tracefs, mounted, with the two signal tracepoints. Mounts it if we are root and it is
/// not mounted yet; otherwise says in one line what would make it usable.
pub fn open() -> Result<PathBuf, Unavailable> {
    let root = PathBuf::from(TRACEFS);
    if !root.join("instances").is_dir() {
        // SAFETY: geteuid has no preconditions.
        if unsafe { nix::libc::geteuid() } == 0 {
            mount(&root)?;
        } else {
            return Err(Unavailable(format!(
                "tracefs is not mounted at {TRACEFS} and only root can mount it: \
                 run as root, or `sudo mount -t tracefs nodev {TRACEFS}`"
            )));
        }
    }
    if !root.join("events/signal/signal_generate").is_dir() {
        return Err(Unavailable(format!(
            "this kernel has no signal tracepoints in {TRACEFS}/events/signal \
             (it needs CONFIG_TRACING)"
        )));
    }
    // Creating an instance is what we need the rights for: try it for real.
    let probe = root.join("instances");
    if fs::metadata(&probe).is_ok_and(|m| m.permissions().readonly())
        || nix::unistd::access(&probe, nix::unistd::AccessFlags::W_OK).is_err()
    {
        return Err(Unavailable(format!(
            "{TRACEFS}/instances is not writable for this user: run as root \
             (`sudo`), or grant access with `sudo chmod -R g+rw {TRACEFS}` for your group"
        )));
    }
    Ok(root)
}

fn mount(root: &Path) -> Result<(), Unavailable> {
    use nix::mount::{MsFlags, mount};
    mount(
        Some("nodev"),
        root,
        Some("tracefs"),
        MsFlags::empty(),
        None::<&str>,
    )
    .map_err(|e| {
        Unavailable(format!(
            "cannot mount tracefs at {} ({e}): `mount -t tracefs nodev {}` as root",
            root.display(),
            root.display()
        ))
    })
}

/// Our own trace instance. Dropping it switches every event off and removes it.
pub struct Instance {
    dir: PathBuf,
    enabled: Vec<String>,
}

impl Instance {
    /// A new instance, named after this process and a counter (several may exist at
    /// once, one per test). Stale instances of dead runs are removed first.
    pub fn create(root: &Path) -> io::Result<Instance> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        remove_stale(root);
        let name = format!(
            "{PREFIX}{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let dir = root.join("instances").join(name);
        fs::create_dir(&dir)?;
        Ok(Instance {
            dir,
            enabled: Vec::new(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn write(&self, file: &str, text: &str) -> io::Result<()> {
        write_file(&self.dir.join(file), text)
    }

    /// Set `event` (`group/name`)'s filter and switch it on, in this instance only.
    pub fn enable(&mut self, event: &str, filter: Option<&str>) -> io::Result<()> {
        if let Some(filter) = filter {
            self.set_filter(event, filter)?;
        }
        self.write(&format!("events/{event}/enable"), "1")?;
        self.enabled.push(event.to_owned());
        Ok(())
    }

    /// Replace `event`'s filter: the kernel swaps it atomically, events keep flowing.
    pub fn set_filter(&self, event: &str, filter: &str) -> io::Result<()> {
        self.write(&format!("events/{event}/filter"), filter)
            .map_err(|e| io::Error::new(e.kind(), format!("filter {filter:?} on {event}: {e}")))
    }

    /// The instance's `trace_pipe`, non-blocking: a read that finds nothing says
    /// `WouldBlock` instead of sleeping, so the reader can also watch its programs.
    pub fn open_pipe(&self) -> io::Result<File> {
        OpenOptions::new()
            .read(true)
            .custom_flags(nix::libc::O_NONBLOCK)
            .open(self.dir.join("trace_pipe"))
    }

    /// Events the ring buffer had to drop because the reader was too slow (the sum over
    /// CPUs of `overrun`), so that a report can say its counts are incomplete.
    pub fn overruns(&self) -> u64 {
        let Ok(cpus) = fs::read_dir(self.dir.join("per_cpu")) else {
            return 0;
        };
        cpus.flatten()
            .filter_map(|cpu| fs::read_to_string(cpu.path().join("stats")).ok())
            .flat_map(|stats| {
                stats
                    .lines()
                    .filter_map(|l| l.strip_prefix("overrun:").map(|n| n.trim().to_owned()))
                    .collect::<Vec<_>>()
            })
            .filter_map(|n| n.parse::<u64>().ok())
            .sum()
    }

    fn shut(&mut self) {
        let _ = self.write("tracing_on", "0");
        for event in std::mem::take(&mut self.enabled) {
            let _ = self.write(&format!("events/{event}/enable"), "0");
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.shut();
        // Fails while someone still reads its trace_pipe: our reader is closed by then.
        if let Err(e) = fs::remove_dir(&self.dir) {
            eprintln!(
                "minitalk-trace: could not remove {}: {e} (the next run removes it)",
                self.dir.display()
            );
        }
    }
}

fn write_file(path: &Path, text: &str) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).truncate(true).open(path)?;
    file.write_all(text.as_bytes())
}

/// Remove the instances left by runs that were killed before they could clean up (their
/// PID no longer exists). Instances of live runs, and anyone else's, are left alone.
pub fn remove_stale(root: &Path) {
    let Ok(entries) = fs::read_dir(root.join("instances")) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(owner) = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<i32>().ok())
        else {
            continue;
        };
        if owner <= 0 || Path::new(&format!("/proc/{owner}")).exists() {
            continue;
        }
        let dir = entry.path();
        // Its events must be off before the kernel lets the directory go.
        let _ = write_file(&dir.join("tracing_on"), "0");
        let _ = write_file(&dir.join("events/enable"), "0");
        match fs::remove_dir(&dir) {
            Ok(()) => eprintln!("minitalk-trace: removed the stale instance {name}"),
            Err(e) => eprintln!("minitalk-trace: cannot remove the stale instance {name}: {e}"),
        }
    }
}

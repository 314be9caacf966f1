//! What machine the figures come from, and how busy it was with other work meanwhile.

use std::fs;
use std::process::Command;
use std::time::Instant;

use nix::libc;

/// A description of the machine, for the chapter.
pub struct Machine {
    pub date: String,
    pub cpu: String,
    pub cpus: usize,
    pub kernel: String,
    pub memory: String,
    pub rustc: String,
    pub cc: String,
}

impl Machine {
    pub fn describe() -> Machine {
        Machine {
            date: first_line_of(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]))
                .unwrap_or_else(|| "unknown date".to_owned()),
            cpu: proc_field("/proc/cpuinfo", "model name")
                .unwrap_or_else(|| "unknown CPU".to_owned()),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
            kernel: fs::read_to_string("/proc/sys/kernel/osrelease")
                .map(|s| s.trim().to_owned())
                .unwrap_or_else(|_| "unknown".to_owned()),
            memory: proc_field("/proc/meminfo", "MemTotal")
                .and_then(|kb| kb.trim_end_matches("kB").trim().parse::<f64>().ok())
                .map(|kb| format!("{:.1} GB", kb / 1e6))
                .unwrap_or_else(|| "unknown".to_owned()),
            rustc: first_line_of(
                Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
                    .arg("--version"),
            )
            .unwrap_or_else(|| "rustc (unknown version)".to_owned()),
            cc: first_line_of(Command::new("cc").arg("--version"))
                .unwrap_or_else(|| "no cc".to_owned()),
        }
    }
}

/// CPU time spent by the whole machine, and by this benchmark and its reaped children.
/// The difference between two snapshots is the work *other* programs did meanwhile: the
/// honest way to say whether the machine was quiet.
#[derive(Clone, Copy)]
pub struct CpuSnapshot {
    at: Instant,
    machine_busy: f64,
    ours: f64,
}

impl CpuSnapshot {
    pub fn now() -> CpuSnapshot {
        CpuSnapshot {
            at: Instant::now(),
            machine_busy: machine_busy_seconds().unwrap_or(0.0),
            ours: own_cpu_seconds(),
        }
    }

    /// How many CPUs, on average, other programs kept busy since `earlier`.
    pub fn others_since(&self, earlier: &CpuSnapshot) -> f64 {
        let wall = self.at.duration_since(earlier.at).as_secs_f64();
        let busy = self.machine_busy - earlier.machine_busy;
        let ours = self.ours - earlier.ours;
        if wall <= 0.0 {
            return 0.0;
        }
        ((busy - ours) / wall).max(0.0)
    }
}

/// Busy time of all CPUs since boot, from the first line of `/proc/stat`
/// (`cpu user nice system idle iowait irq softirq steal …`, in clock ticks).
fn machine_busy_seconds() -> Option<f64> {
    let stat = fs::read_to_string("/proc/stat").ok()?;
    let ticks: Vec<f64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|t| t.parse().ok())
        .collect();
    // user + nice + system + irq + softirq + steal; not idle (3) or iowait (4).
    let busy: f64 = [0, 1, 2, 5, 6, 7]
        .iter()
        .filter_map(|&i| ticks.get(i))
        .sum();
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Some(busy / hz)
}

/// CPU time of this process plus every child it has reaped (servers, clients, helpers).
fn own_cpu_seconds() -> f64 {
    [libc::RUSAGE_SELF, libc::RUSAGE_CHILDREN]
        .into_iter()
        .map(|who| {
            // SAFETY: getrusage fills the struct we pass; zeroed is a valid start.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            unsafe { libc::getrusage(who, &mut usage) };
            let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            seconds(usage.ru_utime) + seconds(usage.ru_stime)
        })
        .sum()
}

fn proc_field(path: &str, key: &str) -> Option<String> {
    fs::read_to_string(path).ok()?.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        (name.trim() == key).then(|| value.trim().to_owned())
    })
}

fn first_line_of(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.lines().next()?.trim().to_owned()).filter(|line| !line.is_empty())
}

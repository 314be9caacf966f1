//! One line of `trace_pipe`, as the kernel prints it, turned into an [`Event`].
//!
//! ```text
//!   stage03-client-31349   [000] dN.1.  1813.630494: signal_generate: sig=10 errno=0 code=0 comm=stage03-server pid=31295 grp=1 res=0
//! ```
//!
//! Before the colon: the task that was running (its name, its thread ID), the CPU, flags
//! and the time in seconds. After it: the event's name and its fields. For
//! `signal_generate` the running task is the *sender* and `pid` is the *target*.

/// What the kernel's `res` field of `signal_generate` says happened to a signal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// 0: added to the target's pending set; it will be delivered or taken.
    Queued,
    /// 1: the target ignores this signal; it was dropped.
    Ignored,
    /// 2: the same signal was already pending: the two merged into one, and this one is
    /// lost. Standard signals (SIGUSR1, SIGUSR2) are a bit each in the pending set.
    Merged,
    /// 3: the queue of real-time signals was full.
    Overflow,
    /// 4: queued, but without its `siginfo_t` (sender, value).
    InfoLost,
}

impl Outcome {
    pub fn from_res(res: i32) -> Option<Outcome> {
        Some(match res {
            0 => Outcome::Queued,
            1 => Outcome::Ignored,
            2 => Outcome::Merged,
            3 => Outcome::Overflow,
            4 => Outcome::InfoLost,
            _ => return None,
        })
    }

    /// Whether the signal reached the target's pending set (it counts as sent *and*
    /// arriving).
    pub fn arrives(self) -> bool {
        matches!(self, Outcome::Queued | Outcome::InfoLost)
    }

    pub fn word(self) -> &'static str {
        match self {
            Outcome::Queued => "queued",
            Outcome::Ignored => "IGNORED",
            Outcome::Merged => "LOST (merged: already pending)",
            Outcome::Overflow => "LOST (queue full)",
            Outcome::InfoLost => "queued without its siginfo",
        }
    }
}

/// How a signal left the pending set, when the trace can see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TakenBy {
    /// `signal_deliver`: the kernel ran the handler (or the default action).
    Handler,
    /// `rt_sigtimedwait` returned it (`sigwaitinfo`, `sigtimedwait`).
    Wait,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `signal:signal_generate`: the running task sent `sig` to `target`.
    Generate {
        sig: i32,
        /// `si_code`: 0 `SI_USER` (`kill`), -1 `SI_QUEUE` (`sigqueue`), > 0 the kernel.
        code: i32,
        target: i32,
        outcome: Outcome,
    },
    /// `signal:signal_deliver` or `rt_sigtimedwait` returning: the running task took `sig`.
    Taken { sig: i32, by: TakenBy },
    /// `sched:sched_process_fork`: the running task created `child` (a process or thread).
    Fork { child: i32 },
    /// `sched:sched_process_exit`: the running task ended.
    Exit,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The kernel's clock, in nanoseconds (printed to the microsecond).
    pub time_ns: u64,
    /// The thread ID of the running task (`common_pid`).
    pub tid: i32,
    pub kind: Kind,
}

/// The event on `line`, or `None` for a line that is not one of the events we enable
/// (comments, or an event of another kind).
pub fn parse(line: &str) -> Option<Event> {
    let (head, rest) = split_head(line)?;
    let (name, fields) = rest.split_once(": ").unwrap_or((rest.trim_end(), ""));
    let field = |key: &str| -> Option<i64> { number_field(fields, key) };
    let int = |key: &str| -> Option<i32> { field(key).and_then(|v| i32::try_from(v).ok()) };
    let kind = match name {
        "signal_generate" => Kind::Generate {
            sig: int("sig")?,
            code: int("code")?,
            target: int("pid")?,
            outcome: Outcome::from_res(int("res")?)?,
        },
        "signal_deliver" => Kind::Taken {
            sig: int("sig")?,
            by: TakenBy::Handler,
        },
        // `sys_rt_sigtimedwait -> 0xa`: the return value is the signal's number.
        n if n.starts_with("sys_rt_sigtimedwait -> ") => Kind::Taken {
            sig: i32::try_from(parse_number(n.rsplit(' ').next()?)?).ok()?,
            by: TakenBy::Wait,
        },
        "sched_process_fork" => Kind::Fork {
            child: int("child_pid")?,
        },
        "sched_process_exit" => Kind::Exit,
        _ => return None,
    };
    Some(Event {
        time_ns: head.time_ns,
        tid: head.tid,
        kind,
    })
}

struct Head {
    tid: i32,
    time_ns: u64,
}

/// Split `comm-TID [CPU] FLAGS SECONDS.MICROS: ` from the rest. The task's name may hold
/// anything (dashes, spaces, brackets), so the line is read from the ` [CPU] ` on: the
/// first one that is followed by flags and a time.
fn split_head(line: &str) -> Option<(Head, &str)> {
    let mut search = 0;
    while let Some(found) = line[search..].find(" [") {
        let at = search + found;
        search = at + 2;
        let Some(tid) = tid_before(&line[..at]) else {
            continue;
        };
        let after = &line[at + 2..];
        let Some((cpu, after)) = after.split_once("] ") else {
            continue;
        };
        if cpu.is_empty() || !cpu.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // Flags (`dN.1.`), spaces, then the time and a colon.
        let Some((_flags, after)) = after.trim_start().split_once(' ') else {
            continue;
        };
        let Some((time, rest)) = after.trim_start().split_once(": ") else {
            continue;
        };
        let Some(time_ns) = seconds_to_ns(time) else {
            continue;
        };
        let rest = rest.trim_start();
        return Some((Head { tid, time_ns }, rest));
    }
    None
}

/// The TID at the end of `comm-TID` (perhaps followed by spaces, or by ` (TGID)`).
fn tid_before(text: &str) -> Option<i32> {
    let text = text.trim_end();
    let text = match text.strip_suffix(')') {
        Some(with_tgid) => with_tgid.rsplit_once(" (")?.0.trim_end(),
        None => text,
    };
    let (_, tid) = text.rsplit_once('-')?;
    tid.parse().ok()
}

fn seconds_to_ns(text: &str) -> Option<u64> {
    let (secs, frac) = text.split_once('.')?;
    let secs: u64 = secs.parse().ok()?;
    if frac.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let scale = 10u64.pow(9 - frac.len() as u32);
    Some(secs * 1_000_000_000 + frac.parse::<u64>().ok()? * scale)
}

/// The number after ` key=` (or at the start) in `fields`.
fn number_field(fields: &str, key: &str) -> Option<i64> {
    fields.split(' ').find_map(|word| {
        let value = word.strip_prefix(key)?.strip_prefix('=')?;
        parse_number(value)
    })
}

fn parse_number(text: &str) -> Option<i64> {
    match text.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generate_line_names_sender_target_and_result() {
        let line = "  stage03-client-31349   [000] dN.1.  1813.630494: signal_generate: sig=10 errno=0 code=0 comm=stage03-server pid=31295 grp=1 res=2";
        assert_eq!(
            parse(line),
            Some(Event {
                time_ns: 1_813_630_494_000,
                tid: 31349,
                kind: Kind::Generate {
                    sig: 10,
                    code: 0,
                    target: 31295,
                    outcome: Outcome::Merged
                }
            })
        );
    }

    #[test]
    fn a_task_name_with_dashes_brackets_and_spaces_is_read_from_the_right() {
        let line = "my-odd [x] name-77 (   77) [001] d..1. 5.000001: signal_deliver: sig=12 errno=0 code=-1 sa_handler=1 sa_flags=0";
        let event = parse(line).unwrap();
        assert_eq!(event.tid, 77);
        assert_eq!(event.time_ns, 5_000_001_000);
        assert_eq!(
            event.kind,
            Kind::Taken {
                sig: 12,
                by: TakenBy::Handler
            }
        );
    }

    #[test]
    fn sigtimedwait_returns_the_signal_number_in_hex() {
        let line = "client-9 [000] ..... 1.5: sys_rt_sigtimedwait -> 0xc";
        assert_eq!(
            parse(line).unwrap().kind,
            Kind::Taken {
                sig: 12,
                by: TakenBy::Wait
            }
        );
    }

    #[test]
    fn other_lines_are_not_events() {
        assert_eq!(parse("# tracer: nop"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("x-1 [000] .... 1.0: sched_switch: prev_comm=x"), None);
    }
}

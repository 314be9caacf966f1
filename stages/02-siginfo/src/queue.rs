//! A fixed-size queue of received bits that a signal handler can push to.
//!
//! The handler may not allocate or lock, so the queue is an array of atomics allocated
//! once, as a `static`. Exactly one handler pushes (the server blocks both signals while
//! either handler runs, so handlers never interrupt each other) and only the main loop
//! pops: a single-producer, single-consumer ring.

use std::sync::atomic::{AtomicI32, AtomicU8, AtomicUsize, Ordering};

/// How many bits can wait between two turns of the main loop.
pub const CAPACITY: usize = 1024;

// EXERCISE: queue
// ANCHOR: queue
/// One received signal: who sent it, and which bit it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Received {
    pub sender: i32,
    pub bit: bool,
}

pub struct BitQueue {
    senders: [AtomicI32; CAPACITY],
    bits: [AtomicU8; CAPACITY],
    /// Total pushes so far; only the handler writes it.
    head: AtomicUsize,
    /// Total pops so far; only the main loop writes it.
    tail: AtomicUsize,
}

impl BitQueue {
    pub const fn new() -> BitQueue {
        BitQueue {
            senders: [const { AtomicI32::new(0) }; CAPACITY],
            bits: [const { AtomicU8::new(0) }; CAPACITY],
            head: AtomicUsize::new(0),
            tail: AtomicUsize::new(0),
        }
    }

    /// Called from the signal handler: async-signal-safe (atomic loads and stores only).
    /// Returns false, dropping the bit, if the main loop has fallen `CAPACITY` bits behind.
    pub fn push(&self, received: Received) -> bool {
        let head = self.head.load(Ordering::Relaxed);
        if head - self.tail.load(Ordering::Acquire) == CAPACITY {
            return false;
        }
        self.senders[head % CAPACITY].store(received.sender, Ordering::Relaxed);
        self.bits[head % CAPACITY].store(u8::from(received.bit), Ordering::Relaxed);
        // Release: the slot's contents are visible before the new head is.
        self.head.store(head + 1, Ordering::Release);
        true
    }

    /// Called from the main loop.
    pub fn pop(&self) -> Option<Received> {
        let tail = self.tail.load(Ordering::Relaxed);
        if tail == self.head.load(Ordering::Acquire) {
            return None;
        }
        let received = Received {
            sender: self.senders[tail % CAPACITY].load(Ordering::Relaxed),
            bit: self.bits[tail % CAPACITY].load(Ordering::Relaxed) == 1,
        };
        self.tail.store(tail + 1, Ordering::Release);
        Some(received)
    }
}
// ANCHOR_END: queue
// END EXERCISE

impl Default for BitQueue {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_push_order_and_refuses_when_full() {
        let queue = BitQueue::new();
        for i in 0..CAPACITY {
            assert!(queue.push(Received {
                sender: i as i32,
                bit: i % 3 == 0
            }));
        }
        assert!(!queue.push(Received {
            sender: -1,
            bit: true
        }));
        for i in 0..CAPACITY {
            assert_eq!(
                queue.pop(),
                Some(Received {
                    sender: i as i32,
                    bit: i % 3 == 0
                })
            );
        }
        assert_eq!(queue.pop(), None);
        assert!(queue.push(Received {
            sender: 7,
            bit: true
        }));
        assert_eq!(
            queue.pop(),
            Some(Received {
                sender: 7,
                bit: true
            })
        );
    }
}

//! Everything a child process writes to one of its pipes, collected by a reader thread so
//! that a test can wait for it with a deadline instead of sleeping.

use std::io::Read;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Instant;

/// The bytes read so far from one pipe, and whether the writer has closed it.
#[derive(Clone)]
pub struct Captured {
    shared: Arc<(Mutex<State>, Condvar)>,
}

#[derive(Default)]
struct State {
    bytes: Vec<u8>,
    closed: bool,
}

impl Captured {
    /// Start a thread that reads `pipe` until end of file.
    pub fn spawn(mut pipe: impl Read + Send + 'static) -> Captured {
        let captured = Captured {
            shared: Arc::new((Mutex::new(State::default()), Condvar::new())),
        };
        let shared = Arc::clone(&captured.shared);
        thread::spawn(move || {
            let mut chunk = [0u8; 64 * 1024];
            loop {
                let read = pipe.read(&mut chunk);
                let (state, changed) = &*shared;
                let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                match read {
                    Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                    Ok(0) | Err(_) => {
                        state.closed = true;
                        changed.notify_all();
                        return;
                    }
                    Ok(n) => {
                        state.bytes.extend_from_slice(&chunk[..n]);
                        changed.notify_all();
                    }
                }
            }
        });
        captured
    }

    /// A copy of everything read so far.
    pub fn bytes(&self) -> Vec<u8> {
        self.lock().bytes.clone()
    }

    /// Everything read so far, as text (invalid UTF-8 replaced), for failure messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.lock().bytes).into_owned()
    }

    /// Wait until `check(bytes, closed)` returns `Some`, re-checking each time new bytes
    /// arrive. Gives up at `deadline` and returns everything read so far instead.
    pub fn wait_until<T>(
        &self,
        deadline: Instant,
        mut check: impl FnMut(&[u8], bool) -> Option<T>,
    ) -> Result<T, Vec<u8>> {
        let (_, changed) = &*self.shared;
        let mut state = self.lock();
        loop {
            if let Some(found) = check(&state.bytes, state.closed) {
                return Ok(found);
            }
            let now = Instant::now();
            if now >= deadline || state.closed {
                // A closed pipe gets no more bytes: one last check above was the final word.
                return Err(state.bytes.clone());
            }
            state = changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Wait for the first complete line (without its `\n`, and without a `\r` before it).
    pub fn first_line(&self, deadline: Instant) -> Result<Vec<u8>, Vec<u8>> {
        self.wait_until(deadline, |bytes, _| {
            let end = bytes.iter().position(|&b| b == b'\n')?;
            Some(
                bytes[..end]
                    .strip_suffix(b"\r")
                    .unwrap_or(&bytes[..end])
                    .to_vec(),
            )
        })
    }

    /// Wait until the text contains `needle`; returns the whole text so far.
    pub fn wait_for_text(&self, needle: &str, deadline: Instant) -> Result<String, String> {
        self.wait_until(deadline, |bytes, _| {
            let text = String::from_utf8_lossy(bytes);
            text.contains(needle).then(|| text.into_owned())
        })
        .map_err(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.shared.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

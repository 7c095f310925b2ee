//! A one-line progress bar on standard error, drawn only when standard error is a terminal:
//! `[=========>          ] 2412/5003  3 failed  942100-3`. It redraws at most every 50 ms and
//! clears itself when done, so failure reports and the closing line print cleanly.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WIDTH: usize = 30;

/// The progress bar (a no-op when standard error is not a terminal).
#[derive(Debug)]
pub struct Progress {
    enabled: bool,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    last: Option<Instant>,
    failed: usize,
}

/// The bar's text for `done` of `total` with `failed` failures and the current test name.
pub fn render(done: usize, total: usize, failed: usize, current: &str) -> String {
    let filled = (done * WIDTH)
        .checked_div(total)
        .unwrap_or(WIDTH)
        .min(WIDTH);
    let mut bar = "=".repeat(filled);
    if filled < WIDTH {
        bar.push('>');
        bar.push_str(&" ".repeat(WIDTH - filled - 1));
    }
    format!("[{bar}] {done}/{total}  {failed} failed  {current}")
}

impl Progress {
    /// A bar that draws iff standard error is a terminal.
    pub fn stderr() -> Self {
        Self::new(std::io::stderr().is_terminal())
    }

    /// A bar that draws iff `enabled`.
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            state: Mutex::new(State {
                last: None,
                failed: 0,
            }),
        }
    }

    /// Whether the bar draws.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Records a finished test and redraws if due.
    pub fn tick(&self, done: usize, total: usize, failed: bool, current: &str) {
        if !self.enabled {
            return;
        }
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        if failed {
            st.failed += 1;
        }
        let due = st
            .last
            .is_none_or(|t| t.elapsed() >= Duration::from_millis(50))
            || done == total;
        if due {
            st.last = Some(Instant::now());
            let line = render(done, total, st.failed, current);
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{line}");
            let _ = err.flush();
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if self.enabled {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders() {
        assert_eq!(
            render(0, 10, 0, "1-1"),
            format!("[>{}] 0/10  0 failed  1-1", " ".repeat(29))
        );
        assert_eq!(
            render(10, 10, 2, "x"),
            format!("[{}] 10/10  2 failed  x", "=".repeat(30))
        );
        assert!(render(5, 0, 0, "").starts_with("[=="));
        assert!(!Progress::new(false).enabled());
    }
}

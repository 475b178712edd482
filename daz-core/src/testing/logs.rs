//! [`CapturedLogs`]: log lines kept in memory, to assert on what a bot
//! logs (and what it must never log).

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

/// A writer that keeps everything written to it; cheap to clone, every
/// clone writes to the same buffer. Give it to a `tracing-subscriber`
/// formatter as `.with_writer(move || logs.clone())`.
///
/// ```
/// use std::io::Write;
/// use daz_core::testing::CapturedLogs;
///
/// let logs = CapturedLogs::new();
/// let mut writer = logs.clone();
/// writer.write_all(b"INFO joined testchan\n")?;
/// assert_eq!(logs.text(), "INFO joined testchan\n");
/// assert!(!logs.contains("hunter2"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// An empty buffer.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Everything written so far (invalid UTF-8 replaced).
    #[must_use]
    pub fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Whether `needle` was written.
    #[must_use]
    pub fn contains(&self, needle: &str) -> bool {
        self.text().contains(needle)
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

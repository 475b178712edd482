//! [`RuntimeStore`]: what operators change while the bot runs, kept
//! across restarts.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;

use crate::Result;

/// Where the runtime keeps the choices operators make while the bot runs
/// (today: which modules are enabled), so that a restart keeps them. A
/// module disabled through the admin API or [`BotHandle::disable`](crate::BotHandle::disable)
/// stays disabled until enabled again. `daz-sql` provides a database one;
/// [`MemoryRuntimeStore`] lasts as long as the process (share one between
/// bots to test a restart).
#[async_trait]
pub trait RuntimeStore: Send + Sync + 'static {
    /// Every module a choice was saved for, and whether it is enabled.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](crate::Error::Storage) when the store cannot be
    /// read.
    async fn load_enabled(&self) -> Result<BTreeMap<String, bool>>;

    /// Saves whether `module` is enabled.
    ///
    /// # Errors
    ///
    /// [`Error::Storage`](crate::Error::Storage) when the store cannot be
    /// written; the runtime then refuses the change.
    async fn save_enabled(&self, module: &str, enabled: bool) -> Result<()>;
}

/// A [`RuntimeStore`] in memory; clones share it.
#[derive(Debug, Clone, Default)]
pub struct MemoryRuntimeStore {
    enabled: Arc<Mutex<BTreeMap<String, bool>>>,
}

impl MemoryRuntimeStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl RuntimeStore for MemoryRuntimeStore {
    async fn load_enabled(&self) -> Result<BTreeMap<String, bool>> {
        let saved = self.enabled.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(saved.clone())
    }

    async fn save_enabled(&self, module: &str, enabled: bool) -> Result<()> {
        let mut saved = self.enabled.lock().unwrap_or_else(PoisonError::into_inner);
        saved.insert(module.to_owned(), enabled);
        Ok(())
    }
}

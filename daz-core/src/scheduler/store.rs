//! Durable one-shots: [`TaskStore`] keeps them across restarts.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::task::Missed;
use crate::Result;

/// A one-shot task that must survive a restart (a reminder).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DurableTask {
    /// Unique and stable across restarts.
    pub key: String,
    /// The module that owns it.
    pub owner: String,
    /// Its name.
    pub name: String,
    /// When it is due.
    pub due: DateTime<Utc>,
    /// What to do if it fell due while the bot was down.
    pub missed: Missed,
    /// What the module stored with it, handed back in its [`Tick`](crate::Tick).
    pub data: serde_json::Value,
}

impl DurableTask {
    /// A task `name` of `owner`, stored under `key`, due at `due`.
    #[must_use]
    pub fn new(
        key: &str,
        owner: &str,
        name: &str,
        due: DateTime<Utc>,
        missed: Missed,
        data: serde_json::Value,
    ) -> Self {
        Self {
            key: key.to_owned(),
            owner: owner.to_owned(),
            name: name.to_owned(),
            due,
            missed,
            data,
        }
    }
}

/// Where durable one-shots are kept. `daz-sql` provides a database one;
/// [`MemoryTaskStore`] keeps them for the life of the process (and is
/// shared between bots in tests that simulate a restart).
#[async_trait]
pub trait TaskStore: Send + Sync + 'static {
    /// Saves (or replaces) `task`.
    ///
    /// # Errors
    ///
    /// When the store cannot be written; the task is then not scheduled.
    async fn save(&self, task: &DurableTask) -> Result<()>;

    /// Removes the task `key` of `owner` (no error if absent).
    ///
    /// # Errors
    ///
    /// When the store cannot be written.
    async fn remove(&self, owner: &str, key: &str) -> Result<()>;

    /// Every task of `owner`.
    ///
    /// # Errors
    ///
    /// When the store cannot be read.
    async fn load(&self, owner: &str) -> Result<Vec<DurableTask>>;
}

/// A [`TaskStore`] in memory. Clones share the same tasks.
#[derive(Debug, Clone, Default)]
pub struct MemoryTaskStore(Arc<Mutex<BTreeMap<(String, String), DurableTask>>>);

impl MemoryTaskStore {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// How many tasks it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// Whether it holds none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl TaskStore for MemoryTaskStore {
    async fn save(&self, task: &DurableTask) -> Result<()> {
        let mut tasks = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        tasks.insert((task.owner.clone(), task.key.clone()), task.clone());
        Ok(())
    }

    async fn remove(&self, owner: &str, key: &str) -> Result<()> {
        let mut tasks = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        tasks.remove(&(owner.to_owned(), key.to_owned()));
        Ok(())
    }

    async fn load(&self, owner: &str) -> Result<Vec<DurableTask>> {
        let tasks = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(tasks
            .values()
            .filter(|t| t.owner == owner)
            .cloned()
            .collect())
    }
}

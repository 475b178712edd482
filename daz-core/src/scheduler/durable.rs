//! Durable one-shots: scheduled through the task store, restored when
//! their owner starts, forgotten once delivered.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{DurableTask, Missed, Scheduler, TaskId, TaskOptions, lock};
use crate::Result;
use crate::schedule::Schedule;

impl Scheduler {
    /// Schedules a durable one-shot for `owner` at `due`, saved in the
    /// task store first so it survives a restart; its tick carries `data`.
    /// If the bot is down when it falls due, `missed` decides: run it once
    /// when the owner starts again, or drop it.
    ///
    /// # Errors
    ///
    /// Whatever the task store reports; the task is then not scheduled.
    pub async fn schedule_durable(
        &self,
        owner: &str,
        name: &str,
        due: DateTime<Utc>,
        data: serde_json::Value,
        missed: Missed,
    ) -> Result<TaskId> {
        let task = DurableTask {
            key: crate::EventId::next().to_string(),
            owner: owner.to_owned(),
            name: name.to_owned(),
            due,
            missed,
            data,
        };
        self.inner.store.save(&task).await?;
        Ok(self.add_durable(task))
    }

    pub(super) fn add_durable(&self, task: DurableTask) -> TaskId {
        let options = TaskOptions::new().missed(task.missed);
        self.insert(
            lock(&self.inner.core),
            &task.owner,
            &task.name,
            Schedule::at(task.due),
            options,
            task.due.timestamp_millis(),
            Some((task.key, task.data)),
        )
    }

    /// Schedules `owner`'s durable one-shots from the store (the runtime
    /// calls this when the module starts). Ones that fell due while the
    /// bot was down run at once under [`Missed::RunOnce`] and are dropped
    /// under [`Missed::Skip`]. Returns how many were scheduled.
    ///
    /// # Errors
    ///
    /// Whatever the task store reports.
    pub async fn restore(&self, owner: &str) -> Result<usize> {
        let now = self.now();
        let mut restored = 0;
        for task in self.inner.store.load(owner).await? {
            let scheduled = lock(&self.inner.core)
                .tasks
                .values()
                .any(|e| e.durable.as_ref().is_some_and(|d| d.0 == task.key));
            if scheduled {
                continue;
            }
            if task.due <= now && task.missed == Missed::Skip {
                self.inner.store.remove(&task.owner, &task.key).await?;
                continue;
            }
            self.add_durable(task);
            restored += 1;
        }
        Ok(restored)
    }

    /// Removes a durable task from the store without waiting.
    pub(super) fn forget(&self, owner: String, key: String) {
        let store = Arc::clone(&self.inner.store);
        tokio::spawn(async move {
            if let Err(e) = store.remove(&owner, &key).await {
                tracing::warn!(%owner, %key, error = %e, "could not remove a durable task from the store");
            }
        });
    }
}

//! Controlling a running bot over the bus: requests to the `daz` inbox.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::shared::ModuleStatus;
use crate::{EventPayload, Health, ModuleState, TaskId, TaskInfo, Topic};

/// A request to the runtime, sent to the `daz` inbox under `daz.control`
/// (by [`BotHandle`](crate::BotHandle), a chat command, the admin API or
/// a remote peer). Answered with a [`ModuleList`].
///
/// ```
/// use daz_core::ControlRequest;
///
/// let json = serde_json::to_value(ControlRequest::Restart { module: "greeter".into() })?;
/// assert_eq!(json, serde_json::json!({ "action": "restart", "module": "greeter" }));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "lowercase", deny_unknown_fields)]
#[non_exhaustive]
pub enum ControlRequest {
    /// Every module's status.
    List,
    /// Let a disabled module run again.
    Enable {
        /// The module.
        module: String,
    },
    /// Stop a module and keep it stopped. Refused while a running module
    /// requires it.
    Disable {
        /// The module.
        module: String,
    },
    /// Stop and start a module again (also the way out of `degraded`).
    /// Refused while a running module requires it.
    Restart {
        /// The module.
        module: String,
    },
    /// Stop the whole bot gracefully.
    Shutdown,
    /// List scheduled tasks (of one module, or all). Answered with a
    /// [`TaskList`].
    Tasks {
        /// Only this module's tasks.
        #[serde(default)]
        module: Option<String>,
    },
    /// Pause a scheduled task. Answered with a [`TaskList`].
    PauseTask {
        /// The task.
        task: TaskId,
    },
    /// Resume a paused task. Answered with a [`TaskList`].
    ResumeTask {
        /// The task.
        task: TaskId,
    },
    /// Cancel a scheduled task. Answered with a [`TaskList`].
    CancelTask {
        /// The task.
        task: TaskId,
    },
}

/// The answer to the task requests: every task after the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskList {
    /// The tasks, in id order.
    pub tasks: Vec<TaskInfo>,
}

impl EventPayload for TaskList {
    const TOPIC: Topic = Topic::from_static("daz.tasks");
}

impl EventPayload for ControlRequest {
    const TOPIC: Topic = Topic::from_static("daz.control");
}

/// The answer to a [`ControlRequest`]: every module's status after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleList {
    /// One entry per module, in start order.
    pub modules: Vec<ModuleStatus>,
}

impl EventPayload for ModuleList {
    const TOPIC: Topic = Topic::from_static("daz.modules");
}

impl ModuleList {
    /// The status of `module`, if it is in the bot.
    #[must_use]
    pub fn get(&self, module: &str) -> Option<&ModuleStatus> {
        self.modules.iter().find(|m| m.name == module)
    }

    /// Health per enabled module and overall, as data: a module that is
    /// not running counts as unhealthy, a degraded one as degraded (as
    /// unhealthy when it is critical), a running one as its own `health()`;
    /// overall is the worst of them.
    #[must_use]
    pub fn health(&self) -> HealthSummary {
        let modules: BTreeMap<String, Health> = self
            .modules
            .iter()
            .filter(|m| m.enabled)
            .map(|m| {
                let health = match m.state {
                    ModuleState::Running => m.health.clone(),
                    ModuleState::Degraded if !m.critical => {
                        Health::Degraded(format!("{} is degraded", m.name))
                    }
                    state => Health::Unhealthy(format!("{} is {state}", m.name)),
                };
                (m.name.clone(), health)
            })
            .collect();
        let overall = modules.values().fold(Health::Healthy, |worst, h| {
            if h.severity() > worst.severity() {
                h.clone()
            } else {
                worst
            }
        });
        HealthSummary { overall, modules }
    }
}

/// The bot's health, per module and overall; see [`ModuleList::health`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthSummary {
    /// The worst of the modules.
    pub overall: Health,
    /// Each enabled module's health.
    pub modules: BTreeMap<String, Health>,
}

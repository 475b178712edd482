//! `greeting`: welcomes users who join, not too often.

use std::collections::HashMap;
use std::time::Duration;

use daz_core::chat::{BRIDGE, SendChat, UserJoined, as_typed};
use daz_core::{Context, Event, EventPayload, Module, ModuleResult, Pattern};
use serde::Deserialize;
use tokio::time::Instant;

/// `[greeting]`.
///
/// ```toml
/// [greeting]
/// templates = ["Welcome, {user}!", "Hi {user}, enjoy {room}!"]  # taken in turn
/// per_user = "1h"      # greet the same user at most this often
/// global = "10s"       # greet anyone in a room at most this often
/// ignore = ["otherbot"]
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct GreetingSettings {
    pub(crate) templates: Vec<String>,
    #[serde(with = "daz_core::duration_serde")]
    pub(crate) per_user: Duration,
    #[serde(with = "daz_core::duration_serde")]
    pub(crate) global: Duration,
    pub(crate) ignore: Vec<String>,
}

impl Default for GreetingSettings {
    fn default() -> Self {
        Self {
            templates: vec!["Welcome, {user}!".to_owned()],
            per_user: Duration::from_secs(3600),
            global: Duration::from_secs(10),
            ignore: Vec::new(),
        }
    }
}

/// Greets users who join (not the join backlog, not the bot itself).
#[derive(Debug, Default, daz_core::Module)]
#[module(name = "greeting", config = GreetingSettings)]
pub struct Greeting {
    settings: GreetingSettings,
    /// When each (room, user) was last greeted.
    users: HashMap<(String, String), Instant>,
    /// When each room last heard a greeting.
    rooms: HashMap<String, Instant>,
    next: usize,
}

impl Greeting {
    fn greet(&mut self, joined: &UserJoined, now: Instant) -> Option<String> {
        let user = joined.user.to_lowercase();
        if joined.backlog
            || joined.own
            || self
                .settings
                .ignore
                .iter()
                .any(|i| i.eq_ignore_ascii_case(&user))
        {
            return None;
        }
        let key = (joined.room.clone(), user);
        let recent =
            |at: Option<&Instant>, gap: Duration| at.is_some_and(|t| now.duration_since(*t) < gap);
        if recent(self.users.get(&key), self.settings.per_user)
            || recent(self.rooms.get(&joined.room), self.settings.global)
        {
            return None;
        }
        let template = self
            .settings
            .templates
            .get(self.next % self.settings.templates.len().max(1))?
            .clone();
        self.next = self.next.wrapping_add(1);
        self.users.insert(key, now);
        self.rooms.insert(joined.room.clone(), now);
        // Forget users greeted longer ago than the cooldown.
        if self.users.len() > 10_000 {
            let gap = self.settings.per_user;
            self.users.retain(|_, t| now.duration_since(*t) < gap);
        }
        Some(
            template
                .replace("{user}", &as_typed(&joined.user))
                .replace("{room}", &joined.room),
        )
    }
}

#[daz_core::async_trait]
impl Module for Greeting {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        self.settings = ctx.config()?;
        if self.settings.templates.iter().all(|t| t.trim().is_empty()) {
            return Err("greeting: give at least one non-empty template".into());
        }
        ctx.subscribe(Pattern::from(UserJoined::TOPIC))?;
        Ok(())
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let joined = event.payload::<UserJoined>()?;
        if let Some(text) = self.greet(&joined, Instant::now()) {
            ctx.send(BRIDGE, SendChat::new(&joined.room, &text))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

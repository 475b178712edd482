//! `customcommands`: commands made in chat. `!addcom name text`,
//! `!delcom name`, `!commands`; kept in the database, changed without a
//! restart.

mod template;

use std::collections::HashMap;
use std::time::Duration;

use daz_core::chat::{BRIDGE, CHAT_TOPIC, ChatMessage, PM_TOPIC, SendChat, SendPm, as_typed};
use daz_core::command::{
    CommandContext, CommandWords, CommandWordsQuery, ROUTER, Rest, RouterConfig,
};
use daz_core::{Context, Event, Module, ModuleResult, Pattern, commands};
use daz_sql::{Database, StateStore};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use template::{Fill, problem, render};

/// The most custom commands in one room.
const MOST: usize = 200;

/// How often one custom command may be used in a room.
const COOLDOWN: Duration = Duration::from_secs(3);

/// One custom command, as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Custom {
    text: String,
    by: String,
    uses: u64,
}

/// Commands anyone with the rank can add, change and remove in chat.
#[derive(Debug, daz_core::Module)]
#[module(name = "customcommands", commands)]
pub struct CustomCommands {
    store: StateStore,
    /// By room, then name.
    commands: HashMap<String, HashMap<String, Custom>>,
    router: RouterConfig,
    /// When each (room, name) was last used.
    used: HashMap<(String, String), Instant>,
}

fn key(room: &str, name: &str) -> String {
    format!("{room}/{name}")
}

fn name_problem(name: &str) -> Option<&'static str> {
    let ok = (1..=30).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    (!ok).then_some("a name is 1-30 letters, digits, _ or -")
}

impl CustomCommands {
    /// The module, keeping its tables in `db`.
    pub fn new(db: &Database) -> Self {
        Self {
            store: StateStore::new(db, "customcommands"),
            commands: HashMap::new(),
            router: RouterConfig::default(),
            used: HashMap::new(),
        }
    }

    fn prefix(&self, room: &str) -> &str {
        self.router
            .rooms
            .get(room)
            .and_then(|r| r.prefix.as_deref())
            .unwrap_or(&self.router.prefix)
    }

    /// The answer to a custom command in `message`, if it is one.
    async fn answer(
        &mut self,
        message: &ChatMessage,
    ) -> Result<Option<String>, daz_core::BoxError> {
        let prefix = self.prefix(&message.room);
        let Some(after) = message.text.strip_prefix(prefix) else {
            return Ok(None);
        };
        let (word, args) = after.split_once(char::is_whitespace).unwrap_or((after, ""));
        let name = word.to_ascii_lowercase();
        let user = message.user.to_ascii_lowercase();
        if self
            .router
            .ignore
            .iter()
            .any(|i| i.eq_ignore_ascii_case(&user))
        {
            return Ok(None);
        }
        let Some(custom) = self
            .commands
            .get_mut(&message.room)
            .and_then(|c| c.get_mut(&name))
        else {
            return Ok(None);
        };
        let now = Instant::now();
        let slot = (message.room.clone(), name.clone());
        if self
            .used
            .get(&slot)
            .is_some_and(|t| now.duration_since(*t) < COOLDOWN)
        {
            return Ok(None);
        }
        self.used.insert(slot, now);
        custom.uses = custom.uses.saturating_add(1);
        let text = render(
            &custom.text,
            &Fill {
                user: &message.user,
                args: args.trim(),
                room: &message.room,
                uses: custom.uses,
            },
        );
        let custom = custom.clone();
        self.store.set(&key(&message.room, &name), &custom).await?;
        Ok(Some(text))
    }
}

#[commands]
impl CustomCommands {
    /// Adds or changes a custom command: `!addcom hug {user} hugs {args}`.
    /// Placeholders: {user}, {args}, {room}, {uses}.
    #[command(min_rank = "moderator")]
    async fn addcom(
        &mut self,
        ctx: &mut CommandContext<'_>,
        name: String,
        text: Rest,
    ) -> ModuleResult {
        let user = ctx.user().to_owned();
        let shown = as_typed(&user);
        let room = ctx.room().to_owned();
        let name = name
            .trim_start_matches(self.prefix(&room))
            .to_ascii_lowercase();
        if let Some(problem) = name_problem(&name)
            .map(str::to_owned)
            .or_else(|| problem(&text.0))
        {
            ctx.reply(format!("{shown}: {problem}."))?;
            return Ok(());
        }
        let words = ctx
            .request(
                ROUTER,
                CommandWordsQuery::new(&room),
                Duration::from_secs(2),
            )
            .await?;
        if words.payload::<CommandWords>()?.taken(&name) {
            ctx.reply(format!("{shown}: {name} is a command of the bot already."))?;
            return Ok(());
        }
        let in_room = self.commands.entry(room.clone()).or_default();
        if !in_room.contains_key(&name) && in_room.len() >= MOST {
            ctx.reply(format!(
                "{shown}: this room has {MOST} custom commands; remove one first."
            ))?;
            return Ok(());
        }
        let custom = Custom {
            text: text.0.clone(),
            by: user.clone(),
            uses: 0,
        };
        self.store.set(&key(&room, &name), &custom).await?;
        let verb = if in_room.insert(name.clone(), custom).is_some() {
            "changed"
        } else {
            "added"
        };
        ctx.reply(format!("{shown}: {verb} {}{name}.", self.prefix(&room)))?;
        Ok(())
    }

    /// Removes a custom command.
    #[command(min_rank = "moderator")]
    async fn delcom(&mut self, ctx: &mut CommandContext<'_>, name: String) -> ModuleResult {
        let room = ctx.room().to_owned();
        let name = name
            .trim_start_matches(self.prefix(&room))
            .to_ascii_lowercase();
        let removed = self
            .commands
            .get_mut(&room)
            .and_then(|c| c.remove(&name))
            .is_some();
        let text = if removed {
            self.store.delete(&key(&room, &name)).await?;
            format!("{}: removed {name}.", as_typed(ctx.user()))
        } else {
            format!(
                "{}: there is no custom command {name}.",
                as_typed(ctx.user())
            )
        };
        ctx.reply(text)?;
        Ok(())
    }

    /// Lists this room's custom commands.
    #[command(room_cooldown = "10s")]
    async fn commands(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        let prefix = self.prefix(ctx.room()).to_owned();
        let mut names: Vec<String> = self
            .commands
            .get(ctx.room())
            .map(|c| c.keys().map(|n| format!("{prefix}{n}")).collect())
            .unwrap_or_default();
        names.sort_unstable();
        let text = if names.is_empty() {
            "No custom commands here yet.".to_owned()
        } else {
            format!("Custom commands: {}", names.join(", "))
        };
        ctx.reply(text)?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for CustomCommands {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        self.router = ctx.full_config().section(ROUTER)?;
        self.commands.clear();
        for stored in self.store.keys("").await? {
            let Some((room, name)) = stored.split_once('/') else {
                continue;
            };
            // A value that no longer reads is skipped, and said so.
            match self.store.get::<Custom>(&stored).await {
                Ok(Some(custom)) => {
                    self.commands
                        .entry(room.to_owned())
                        .or_default()
                        .insert(name.to_owned(), custom);
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(key = %stored, error = %e, "custom command skipped"),
            }
        }
        for topic in [CHAT_TOPIC, PM_TOPIC] {
            ctx.subscribe(Pattern::from(topic))?;
        }
        Ok(())
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let message = event.payload::<ChatMessage>()?;
        if message.backlog || message.own {
            return Ok(());
        }
        let Some(text) = self.answer(&message).await? else {
            return Ok(());
        };
        if message.pm || event.topic() == &PM_TOPIC {
            ctx.send(BRIDGE, SendPm::new(&message.room, &message.user, &text))?;
        } else {
            ctx.send(BRIDGE, SendChat::new(&message.room, &text))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

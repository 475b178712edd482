//! `reminders`: `!remindme 10m text`, kept through restarts.

use std::time::Duration;

use daz_core::chat::{BRIDGE, SendChat, SendPm, as_typed};
use daz_core::command::{CommandContext, Rest};
use daz_core::{Context, Event, Missed, Module, ModuleResult, Tick, commands, format_duration};
use serde::{Deserialize, Serialize};

/// The longest a reminder may wait.
const LONGEST: Duration = Duration::from_secs(30 * 86_400);

/// What a reminder carries.
#[derive(Debug, Serialize, Deserialize)]
struct Note {
    room: String,
    user: String,
    text: String,
    pm: bool,
}

/// Reminds users later; reminders survive a restart of the bot.
#[derive(Debug, Default, daz_core::Module)]
#[module(name = "reminders", commands)]
pub struct Reminders;

#[commands]
impl Reminders {
    /// Reminds you later, e.g. `!remindme 10m stretch` (up to 30 days).
    #[command(user_cooldown = "5s")]
    async fn remindme(
        &mut self,
        ctx: &mut CommandContext<'_>,
        after: Duration,
        text: Rest,
    ) -> ModuleResult {
        if after < Duration::from_secs(1) || after > LONGEST {
            ctx.reply(format!(
                "{}: pick a time from 1s to 30d.",
                as_typed(ctx.user())
            ))?;
            return Ok(());
        }
        let note = Note {
            room: ctx.room().to_owned(),
            user: ctx.user().to_owned(),
            text: text.0.chars().take(300).collect(),
            pm: ctx.is_pm(),
        };
        let due = ctx.scheduler().now() + chrono::Duration::from_std(after)?;
        let name = format!("reminder for {}", note.user);
        ctx.schedule_durable(&name, due, serde_json::to_value(&note)?, Missed::RunOnce)
            .await?;
        ctx.reply(format!(
            "OK {}, I will remind you in {}.",
            as_typed(&note.user),
            format_duration(after)
        ))?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for Reminders {
    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let tick = event.payload::<Tick>()?;
        let Some(data) = tick.data.clone() else {
            return Ok(());
        };
        let note: Note = serde_json::from_value(data)?;
        let text = format!(
            "{}: reminder: {}",
            as_typed(&note.user),
            as_typed(&note.text)
        );
        if note.pm {
            ctx.send(BRIDGE, SendPm::new(&note.room, &note.user, &text))?;
        } else {
            ctx.send(BRIDGE, SendChat::new(&note.room, &text))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

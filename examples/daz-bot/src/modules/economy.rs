//! `economy`: coins for taking part. `!balance`, `!give`, `!top`, a daily
//! bonus for active users, and `!grant` for admins.

mod store;

use std::time::Duration;

use daz_core::chat::{BRIDGE, CHAT_TOPIC, ChatMessage, SendChat, as_typed};
use daz_core::command::{CommandContext, UserName};
use daz_core::{
    Context, Event, Module, ModuleResult, Pattern, TaskOptions, Tick, commands, schedule::Schedule,
};
use serde::Deserialize;

use daz_sql::{Database, migrate};
use store::{Give, Store, Transfer};

use super::write_behind::{Merge, WriteBehind};

/// A user's latest activity, kept between writes.
#[derive(Debug, Clone)]
struct Active {
    name: String,
    at_ms: i64,
    /// The balance a new account starts with.
    start: i64,
}

impl Merge for Active {
    fn merge(&mut self, newer: Self) {
        self.name = newer.name;
        self.at_ms = self.at_ms.max(newer.at_ms);
    }
}

type Kept = WriteBehind<(String, String), Active>;

/// How often kept activity is written.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

/// Writes one user's activity (opening the account if new). Writing it
/// twice is harmless, so the write id is not needed.
async fn write(store: Store, (room, _key): (String, String), _id: u64, a: Active) -> ModuleResult {
    store.active(&room, &a.name, a.start, a.at_ms).await
}

/// `[economy]`.
///
/// ```toml
/// [economy]
/// currency = "coins"
/// start = 100                 # a new user's first balance
/// fee_percent = 5             # of each !give, rounded up, burnt
/// min_give = 1
/// max_give = 10000
/// daily_bonus = 50            # paid to users active within `active_within`
/// daily_at = "0 0 12 * * *"   # cron: sec min hour day month weekday
/// timezone = "UTC"
/// active_within = "24h"
/// announce = true             # say in each room how many were paid
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct EconomySettings {
    pub(crate) currency: String,
    pub(crate) start: i64,
    pub(crate) fee_percent: i64,
    pub(crate) min_give: i64,
    pub(crate) max_give: i64,
    pub(crate) daily_bonus: i64,
    pub(crate) daily_at: String,
    pub(crate) timezone: String,
    #[serde(with = "daz_core::duration_serde")]
    pub(crate) active_within: Duration,
    pub(crate) announce: bool,
}

impl Default for EconomySettings {
    fn default() -> Self {
        Self {
            currency: "coins".to_owned(),
            start: 100,
            fee_percent: 5,
            min_give: 1,
            max_give: 10_000,
            daily_bonus: 50,
            daily_at: "0 0 12 * * *".to_owned(),
            timezone: "UTC".to_owned(),
            active_within: Duration::from_secs(86_400),
            announce: true,
        }
    }
}

impl EconomySettings {
    /// Every problem with the settings, named.
    fn check(&self) -> Result<(), String> {
        let problem = if self.currency.trim().is_empty() {
            "currency must not be empty"
        } else if self.start < 0 || self.daily_bonus < 0 {
            "start and daily_bonus must not be negative"
        } else if !(0..=100).contains(&self.fee_percent) {
            "fee_percent must be from 0 to 100"
        } else if self.min_give < 1 || self.max_give < self.min_give {
            "min_give must be at least 1 and max_give at least min_give"
        } else {
            return self.daily().map(|_| ());
        };
        Err(problem.to_owned())
    }

    /// The daily bonus's schedule.
    fn daily(&self) -> Result<Schedule, String> {
        Schedule::cron(&self.daily_at, &self.timezone)
            .map_err(|e| format!("daily_at/timezone: {e}"))
    }

    /// The fee on giving `amount`: `fee_percent` of it, rounded up.
    pub(crate) fn fee(&self, amount: i64) -> i64 {
        let fee = (i128::from(amount) * i128::from(self.fee_percent) + 99) / 100;
        i64::try_from(fee).unwrap_or(i64::MAX)
    }
}

/// [`EconomySettings`], checked as they are read: a bad value fails
/// `check-config` and the bot's build, not only the module's start.
#[derive(Debug, Clone)]
pub(crate) struct CheckedSettings(EconomySettings);

impl<'de> Deserialize<'de> for CheckedSettings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let settings = EconomySettings::deserialize(d)?;
        settings.check().map_err(serde::de::Error::custom)?;
        Ok(Self(settings))
    }
}

/// Balances, giving, a daily bonus, a leaderboard.
#[derive(Debug, daz_core::Module)]
#[module(name = "economy", commands, config = CheckedSettings)]
pub struct Economy {
    store: Store,
    settings: EconomySettings,
    /// Activity from chat, written every second: chat never waits on the
    /// database, and an outage loses none of it.
    kept: Kept,
}

impl Economy {
    /// The module, keeping its tables in `db`.
    pub fn new(db: &Database) -> Self {
        Self {
            store: Store::new(db),
            settings: EconomySettings::default(),
            kept: Kept::default(),
        }
    }

    /// Writes the activity kept so far, so what follows reads it.
    async fn settle(&self) -> ModuleResult {
        let store = self.store.clone();
        self.kept
            .flush(&|key, id, a| write(store.clone(), key, id, a))
            .await?;
        Ok(())
    }

    fn now_ms(ctx: &CommandContext<'_>) -> i64 {
        ctx.scheduler().now().timestamp_millis()
    }
}

#[commands]
impl Economy {
    /// Shows your balance, or another user's.
    #[command(aliases = ["bal"], user_cooldown = "3s")]
    async fn balance(
        &mut self,
        ctx: &mut CommandContext<'_>,
        user: Option<UserName>,
    ) -> ModuleResult {
        self.settle().await?;
        let who = user.map_or_else(|| ctx.user().to_owned(), |u| u.as_str().to_owned());
        let currency = &self.settings.currency;
        let text = match self.store.balance(ctx.room(), &who).await? {
            Some((name, coins)) => format!("{} has {coins} {currency}.", as_typed(&name)),
            None => format!("{} has no {currency} yet.", as_typed(&who)),
        };
        ctx.reply(text)?;
        Ok(())
    }

    /// Gives coins to another user (a fee is burnt), e.g. `!give ann 10`.
    #[command(user_cooldown = "2s")]
    async fn give(
        &mut self,
        ctx: &mut CommandContext<'_>,
        to: UserName,
        amount: i64,
    ) -> ModuleResult {
        let s = &self.settings;
        let user = ctx.user().to_owned();
        let (shown, to_shown) = (as_typed(&user), as_typed(to.as_str()));
        if to.as_str().eq_ignore_ascii_case(&user) {
            ctx.reply(format!("{shown}: you cannot give to yourself."))?;
            return Ok(());
        }
        if amount < s.min_give || amount > s.max_give {
            ctx.reply(format!(
                "{shown}: give from {} to {} {}.",
                s.min_give, s.max_give, s.currency
            ))?;
            return Ok(());
        }
        let fee = s.fee(amount);
        self.settle().await?;
        let give = Give {
            room: ctx.room(),
            from: &user,
            to: to.as_str(),
            amount,
            fee,
            at_ms: Self::now_ms(ctx),
        };
        let text = match self.store.give(&give).await? {
            Transfer::Done { from, .. } => format!(
                "{shown} gave {amount} {c} to {to_shown} (fee {fee}); {shown} has {from} {c} left.",
                c = s.currency
            ),
            Transfer::Short { has } => format!(
                "{shown}: that needs {} {c} with the fee; you have {has}.",
                amount.saturating_add(fee),
                c = s.currency
            ),
            Transfer::NoSuchUser => format!("{shown}: {to_shown} has no account here yet."),
        };
        ctx.reply(text)?;
        Ok(())
    }

    /// The richest users in this room.
    #[command(aliases = ["richest"], room_cooldown = "10s")]
    async fn top(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        self.settle().await?;
        let top = self.store.top(ctx.room(), 5).await?;
        let text = if top.is_empty() {
            format!("Nobody has any {} yet.", self.settings.currency)
        } else {
            let list: Vec<String> = top
                .iter()
                .enumerate()
                .map(|(i, (name, coins))| format!("{}. {} {coins}", i + 1, as_typed(name)))
                .collect();
            format!("Top {}: {}", self.settings.currency, list.join(", "))
        };
        ctx.reply(text)?;
        Ok(())
    }

    /// Adds coins to a user's balance, or takes them (negative amount).
    #[command(min_rank = "admin")]
    async fn grant(
        &mut self,
        ctx: &mut CommandContext<'_>,
        to: UserName,
        amount: i64,
    ) -> ModuleResult {
        self.settle().await?;
        let at = Self::now_ms(ctx);
        let text = match self
            .store
            .grant(ctx.room(), to.as_str(), amount, at)
            .await?
        {
            Some(after) => format!(
                "{} now has {after} {}.",
                as_typed(to.as_str()),
                self.settings.currency
            ),
            None => format!("{} has no account here yet.", as_typed(to.as_str())),
        };
        ctx.reply(text)?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for Economy {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        self.settings = ctx.config::<CheckedSettings>()?.0;
        migrate(self.store.db(), "economy", store::TABLES).await?;
        ctx.subscribe(Pattern::from(CHAT_TOPIC))?;
        if self.settings.daily_bonus > 0 {
            ctx.schedule("daily bonus", self.settings.daily()?, TaskOptions::new())?;
        }
        let store = self.store.clone();
        self.kept.flush_every(ctx, FLUSH_EVERY, move |key, id, a| {
            write(store.clone(), key, id, a)
        });
        Ok(())
    }

    async fn stop(&mut self, _ctx: &mut Context) -> ModuleResult {
        self.settle().await
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let now = ctx.scheduler().now().timestamp_millis();
        if let Ok(m) = event.payload::<ChatMessage>() {
            if !m.backlog && !m.own && !m.pm {
                let active = Active {
                    name: m.user.clone(),
                    at_ms: now,
                    start: self.settings.start,
                };
                self.kept
                    .add((m.room.clone(), m.user.to_lowercase()), active);
            }
        } else if event.payload::<Tick>().is_ok() {
            self.settle().await?;
            let within = i64::try_from(self.settings.active_within.as_millis()).unwrap_or(i64::MAX);
            let paid = self
                .store
                .bonus(self.settings.daily_bonus, now.saturating_sub(within), now)
                .await?;
            for (room, users) in paid.iter().filter(|_| self.settings.announce) {
                let text = format!(
                    "Daily bonus: {users} active user(s) got {} {}.",
                    self.settings.daily_bonus, self.settings.currency
                );
                ctx.send(BRIDGE, SendChat::new(room, &text))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

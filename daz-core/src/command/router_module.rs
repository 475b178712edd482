//! [`CommandRouter`]: the `commands` module, which runs the [`Router`]
//! on the bus.

use std::sync::Arc;

use tokio::time::Instant;

use super::audit::CommandAudit;
use super::registry::ROUTER;
use super::rejection::{RejectHandler, Rejection, default_reply};
use super::router::{Decision, ReplyTo, Router};
use super::settings::RouterConfig;
use super::words::{CommandWords, CommandWordsQuery};
use crate::chat::{
    BRIDGE, CHAT_TOPIC, ChatMessage, PM_TOPIC, SendChat, SendPm, UserJoined, UserLeft, UserRank,
};
use crate::{
    Config, Context, Event, EventPayload, Manifest, Module, ModuleInfo, ModuleResult, Pattern,
};

/// The `commands` module: recognizes commands in chat and PMs, checks
/// them and routes `command.<module>.<name>` to the owning module.
///
/// A bot adds it by itself when a module offers commands; add it
/// yourself with [`BotBuilder::command_router`](crate::BotBuilder::command_router)
/// to change how refusals are answered. Its settings are the `[commands]`
/// section ([`RouterConfig`]).
///
/// ```
/// use daz_core::command::{CommandRouter, Reason};
/// use daz_core::Bot;
///
/// let router = CommandRouter::new().on_reject(|rejection| match &rejection.reason {
///     Reason::Cooldown { .. } | Reason::Flood => None, // say nothing
///     _ => daz_core::command::default_reply(rejection),
/// });
/// let builder = Bot::builder().command_router(router);
/// ```
pub struct CommandRouter {
    reject: RejectHandler,
    router: Option<Router>,
}

impl Default for CommandRouter {
    fn default() -> Self {
        Self::new()
    }
}

impl CommandRouter {
    /// A router that answers refusals with [`default_reply`].
    #[must_use]
    pub fn new() -> Self {
        Self {
            reject: Arc::new(default_reply),
            router: None,
        }
    }

    /// Decides what to say to a refused user (`None`: nothing). The
    /// answer goes back the way the command came.
    #[must_use]
    pub fn on_reject<F>(mut self, handler: F) -> Self
    where
        F: Fn(&Rejection) -> Option<String> + Send + Sync + 'static,
    {
        self.reject = Arc::new(handler);
        self
    }

    /// Gives it the routing table (done by the bot builder).
    pub(crate) fn install(&mut self, router: Router) {
        self.router = Some(router);
    }

    fn reply(ctx: &Context, to: &ReplyTo, line: &str) -> crate::Result<()> {
        if to.pm {
            ctx.send(BRIDGE, SendPm::new(&to.room, &to.user, line))
        } else {
            ctx.send(BRIDGE, SendChat::new(&to.room, line))
        }
    }

    fn refuse(&self, ctx: &Context, rejection: &Rejection, audit: CommandAudit) -> ModuleResult {
        tracing::debug!(%rejection, "command refused");
        ctx.publish(audit);
        if let Some(text) = (self.reject)(rejection) {
            let to = ReplyTo {
                room: rejection.room.clone(),
                user: rejection.user.clone(),
                pm: rejection.pm,
            };
            for line in crate::chat::split_message(&text, crate::chat::MAX_MESSAGE_LEN) {
                Self::reply(ctx, &to, &line)?;
            }
        }
        Ok(())
    }

    fn on_message(&mut self, ctx: &Context, message: &ChatMessage) -> ModuleResult {
        let Some(router) = self.router.as_mut() else {
            return Ok(());
        };
        let now = Instant::now();
        match router.route(message, now) {
            Decision::Ignore => Ok(()),
            Decision::Route(mut routed) => {
                routed.trace = ctx.trace_id();
                match router.deliver(ctx.bus(), routed, now) {
                    None => Ok(()),
                    Some((rejection, audit)) => self.refuse(ctx, &rejection, audit),
                }
            }
            Decision::Reply { to, lines, audit } => {
                if let Some(audit) = audit {
                    ctx.publish(audit);
                }
                for line in &lines {
                    Self::reply(ctx, &to, line)?;
                }
                Ok(())
            }
            Decision::Reject { rejection, audit } => self.refuse(ctx, &rejection, audit),
        }
    }
}

impl ModuleInfo for CommandRouter {
    fn manifest(&self) -> Manifest {
        Manifest::builder(ROUTER)
            .version(env!("CARGO_PKG_VERSION"))
            .description("Recognizes chat commands, checks rank and cooldowns, and routes them")
            .into_unchecked()
    }

    fn check_config(&self, config: &Config) -> crate::Result<()> {
        config.section::<RouterConfig>(ROUTER).map(|_| ())
    }
}

#[crate::async_trait]
impl Module for CommandRouter {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        if self.router.is_none() {
            return Err(
                "the command router was not given the commands; add it with \
                        BotBuilder::command_router, not as a plain module"
                    .into(),
            );
        }
        for topic in [
            CHAT_TOPIC,
            PM_TOPIC,
            UserJoined::TOPIC,
            UserLeft::TOPIC,
            UserRank::TOPIC,
        ] {
            ctx.subscribe(Pattern::from(topic))?;
        }
        Ok(())
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let topic = event.topic();
        if topic == &CHAT_TOPIC || topic == &PM_TOPIC {
            let message = event.payload::<ChatMessage>()?;
            if topic == &PM_TOPIC && !message.pm {
                // Whatever the payload says, a PM's rank comes from the room.
                let message = message.clone().private();
                return self.on_message(ctx, &message);
            }
            return self.on_message(ctx, &message);
        }
        let Some(router) = self.router.as_mut() else {
            return Ok(());
        };
        if topic == &UserJoined::TOPIC {
            router.user_joined(&*event.payload::<UserJoined>()?);
        } else if topic == &UserLeft::TOPIC {
            router.user_left(&*event.payload::<UserLeft>()?);
        } else if topic == &UserRank::TOPIC {
            router.rank_changed(&*event.payload::<UserRank>()?);
        }
        Ok(())
    }

    async fn handle_request(&mut self, ctx: &mut Context, request: Event) -> ModuleResult<Event> {
        let query = request.payload::<CommandWordsQuery>().map_err(|_| {
            format!(
                "the command router answers {}, not {}",
                CommandWordsQuery::TOPIC,
                request.topic()
            )
        })?;
        let router = self
            .router
            .as_ref()
            .ok_or("the command router has no commands")?;
        let words = CommandWords {
            prefix: router.prefix(&query.room).to_owned(),
            words: router.words(),
        };
        Ok(ctx.event(CommandWords::TOPIC).payload(words))
    }
}

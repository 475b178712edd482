//! [`RemoteModule`]: one module in its own binary, joining a running bot
//! over NATS.

use serde_json::{Value, json};

use super::{NATS, NatsTransport};
use crate::{Bot, Config, Module, Result, ShutdownReport};

/// Runs one module in its own process as part of a bot elsewhere: it
/// receives the events the bot exports, answers sends and requests to its
/// inbox, and what it publishes goes back to the bot. Stop it, upgrade it
/// and start it again while the bot runs: that is how daz replaces a
/// module without a restart.
///
/// The configuration needs a `[nats]` section with the bot's `url` and
/// `prefix`; `export` defaults to everything (`[">"]`) here, so the
/// module's events reach the bot.
///
/// ```no_run
/// use daz_core::nats::RemoteModule;
/// use daz_core::{Config, Format, Module};
///
/// /// Tells the weather.
/// #[derive(daz_core::Module)]
/// #[module(name = "weather")]
/// struct Weather;
///
/// #[daz_core::async_trait]
/// impl Module for Weather {}
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let config = Config::parse("[nats]\nprefix = \"daz.mybot\"", Format::Toml)?;
/// RemoteModule::new(Weather).config(config).run().await?;
/// # Ok(()) }
/// ```
#[must_use]
pub struct RemoteModule<M> {
    module: M,
    config: Config,
}

impl<M: Module> RemoteModule<M> {
    /// Runs `module`; configure it with [`config`](Self::config).
    pub fn new(module: M) -> Self {
        Self {
            module,
            config: Config::new(),
        }
    }

    /// The configuration: `[nats]` and the module's own section.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Builds the bot of this one module and the transport.
    ///
    /// # Errors
    ///
    /// As [`BotBuilder::build`](crate::BotBuilder::build): a bad
    /// configuration names the key at fault.
    pub fn build(self) -> Result<Bot> {
        let mut config = self.config;
        let mut nats = config
            .section_value(NATS)
            .cloned()
            .unwrap_or_else(|| Value::Object(serde_json::Map::new()));
        if let Value::Object(map) = &mut nats {
            map.entry("export").or_insert_with(|| json!([">"]));
        }
        config.set_section(NATS, nats);
        Bot::builder()
            .config(config)
            .module(self.module)
            .module(NatsTransport::new())
            .build()
    }

    /// Builds and runs it until SIGINT or SIGTERM.
    ///
    /// # Errors
    ///
    /// As [`build`](Self::build) and [`Bot::run`].
    pub async fn run(self) -> Result<ShutdownReport> {
        self.build()?.run().await
    }
}

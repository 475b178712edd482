//! `daz-dice`: the `dice` module in a process of its own, joining a running
//! daz bot over NATS. Stop it, change it and start it again while the bot
//! runs: the bot's chat reaches the new version at once.
//!
//! ```text
//! daz-dice --url nats://127.0.0.1:4222 --prefix daz.mybot
//! daz-dice --config dice.toml     # a [nats] section, and [dice] if any
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use daz_bot::modules::dice::Dice;
use daz_core::nats::RemoteModule;
use daz_core::{Config, Format};

/// Runs the dice module as part of a bot over NATS.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// A configuration file with a `[nats]` section (TOML or YAML).
    #[arg(long, conflicts_with_all = ["url", "prefix"])]
    config: Option<PathBuf>,
    /// The NATS server the bot uses.
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    url: String,
    /// The bot's subject prefix (`[nats] prefix` in its configuration).
    #[arg(long, default_value = "daz")]
    prefix: String,
}

fn config(cli: &Cli) -> Result<Config, daz_core::Error> {
    if let Some(path) = &cli.config {
        return Config::load(path);
    }
    let nats = serde_json::json!({ "url": cli.url, "prefix": cli.prefix, "name": "dice" });
    let mut config = Config::parse("", Format::Toml)?;
    config.set_section("nats", nats);
    Ok(config)
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match config(&cli) {
        Ok(mut config) => {
            let log = config.remove_section(daz_bot::logging::LOG);
            match daz_bot::logging::init(log, "info") {
                Ok(_guard) => RemoteModule::new(Dice::default())
                    .config(config)
                    .run()
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            }
        }
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("daz-dice: {e}");
            #[allow(clippy::print_stderr, reason = "the binary's one error line")]
            {
                eprintln!("daz-dice: {e}");
            }
            ExitCode::FAILURE
        }
    }
}

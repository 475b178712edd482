//! The example daz bot.
//!
//! Run with: `cargo run -p daz-bot -- console` (a local room, no network),
//! or `cargo run -p daz-bot -- run --channel NAME` (on CyTube).
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool talks on stdout and reports errors on stderr"
)]

mod cli;
mod console;
mod local;
mod remote;
mod run;
mod skeleton;

use std::process::ExitCode;

use clap::Parser;
use daz_bot::compose;
use daz_core::chat::Rank;

use cli::{Cli, Command, ModuleChange};
use daz_core::BotBuilder;
use daz_core::admin::{ADMIN, AdminHttp};

type Failure = Box<dyn std::error::Error>;

/// `bot` with the admin API, if configured.
fn with(bot: BotBuilder, admin: Option<AdminHttp>) -> BotBuilder {
    match admin {
        Some(admin) => bot.module(admin),
        None => bot,
    }
}

/// `bot` with the Kryten bridge when `[kryten]` is configured (it needs
/// the CyTube bridge, so not in the console).
fn with_kryten(bot: BotBuilder, config: &daz_core::Config) -> BotBuilder {
    if config.has_section(daz_cytube::kryten::KRYTEN) {
        bot.module(daz_cytube::kryten::Kryten::new())
    } else {
        bot
    }
}

/// The configuration, with logging set up from its `[log]` (kept by the
/// caller until the end: dropping the guard flushes exported spans).
fn prepare(cli: &Cli) -> Result<(daz_core::Config, daz_bot::logging::LogGuard), Failure> {
    let mut config = compose::config(cli.config.as_deref())?;
    // `run` reports what it does; the others say only what goes wrong.
    let quiet = if matches!(cli.command, Some(Command::Run { .. })) {
        "info"
    } else {
        "warn"
    };
    let guard = daz_bot::logging::init(config.remove_section(daz_bot::logging::LOG), quiet)?;
    Ok((config, guard))
}

async fn execute(cli: Cli, mut config: daz_core::Config) -> Result<(), Failure> {
    let database = cli.database.as_deref();
    if !matches!(
        cli.command,
        Some(Command::Run { .. } | Command::CheckConfig)
    ) {
        // The Kryten bridge needs CyTube rooms: only `run` has them.
        config.remove_section(daz_cytube::kryten::KRYTEN);
    }
    let command = cli.command.unwrap_or(Command::Console {
        user: "you".into(),
        rank: 1.0,
    });
    match command {
        Command::Console { user, rank } => {
            let db = compose::database(&config, database).await?;
            let config = console::without_flood_limit(config);
            let admin = compose::admin(&config)?;
            let bot = with(compose::bot(config, &db), admin);
            console::run(bot, user, Rank::new(rank)).await
        }
        Command::Run {
            channel,
            server,
            user,
        } => {
            let config = run::with_room(config, channel.as_deref(), &server, user.as_deref())?;
            let db = compose::database(&config, database).await?;
            let admin = compose::admin(&config)?;
            let bot = with_kryten(compose::bot(config.clone(), &db), &config);
            run::run(with(bot, admin), &db).await
        }
        Command::CheckConfig => {
            // Building the bot checks every section against its module.
            let db = daz_sql::Database::connect("sqlite::memory:").await?;
            db.prepare().await?;
            let admin = config.has_section(ADMIN).then(AdminHttp::new);
            let bot = with_kryten(compose::bot(config.clone(), &db), &config)
                .module(daz_cytube::bridge::CytubeBridge::new());
            let bot = with(bot, admin);
            bot.build()?;
            println!("daz-bot: the configuration is valid.");
            Ok(())
        }
        Command::Migrate => {
            // Not the admin API: a running bot may hold its port.
            let mut config = config;
            config.remove_section(ADMIN);
            let db = compose::database(&config, database).await?;
            let applied = local::migrate(compose::bot(config, &db), &db).await?;
            println!("daz-bot: {} holds these migrations:", db.url());
            for line in applied {
                println!("  {line}");
            }
            Ok(())
        }
        Command::Modules { change } => {
            let change = change.map(|c| match c {
                ModuleChange::Enable { module } => (remote::Action::Enable, module),
                ModuleChange::Disable { module } => (remote::Action::Disable, module),
                ModuleChange::Restart { module } => (remote::Action::Restart, module),
            });
            let local = !config.has_section(ADMIN);
            let list = if !local {
                let change = change.as_ref().map(|(a, m)| (*a, m.as_str()));
                remote::modules(&config, change).await?
            } else if change.is_some() {
                return Err(
                    "enable, disable and restart act on a running bot through its admin \
                            API: configure [admin] (see daz.example.toml)"
                        .into(),
                );
            } else {
                let db = compose::database(&config, database).await?;
                local::modules(compose::bot(config, &db)).await?
            };
            println!(
                "{:<15} {:<9} {:<7} what it does",
                "module", "state", "version"
            );
            for line in local::lines(&list) {
                println!("{line}");
            }
            if local {
                println!(
                    "{:<15} {:<9} {:<7} the CyTube connection: started by `daz-bot run` only",
                    "cytube", "-", "-"
                );
            }
            Ok(())
        }
        Command::NewModule { name, dir } => {
            let path = skeleton::write(&name, &dir)?;
            println!(
                "daz-bot: wrote {}; add `mod {name};` to modules.rs and `.module(...)` to compose.rs.",
                path.display()
            );
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (config, log) = match prepare(&cli) {
        Ok(prepared) => prepared,
        Err(e) => {
            eprintln!("daz-bot: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("daz-bot: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(execute(cli, config));
    // The terminal reader blocks a thread until the next line; do not wait
    // for it once the bot has stopped.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    drop(log);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("daz-bot: {e}");
            ExitCode::FAILURE
        }
    }
}

//! The command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// The example daz bot: a CyTube bot built from daz's bundled modules.
#[derive(Debug, Parser)]
#[command(name = "daz-bot", version, about)]
pub(crate) struct Cli {
    /// The configuration file (TOML, YAML or JSON); without one the
    /// embedded defaults are used.
    #[arg(long, global = true)]
    pub(crate) config: Option<PathBuf>,
    /// The database URL (default: the config's `[sql] url`, else
    /// `sqlite://daz.db` in the working directory).
    #[arg(long, global = true)]
    pub(crate) database: Option<String>,
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Connect to a CyTube channel and run.
    Run {
        /// The channel (adds a room to the config's).
        #[arg(long)]
        channel: Option<String>,
        /// The CyTube site.
        #[arg(long, default_value = "https://cytu.be")]
        server: String,
        /// The bot's name (a guest login unless a password is set in
        /// DAZ_BOT_PASSWORD).
        #[arg(long)]
        user: Option<String>,
    },
    /// A local room in this terminal: every line you type is chat.
    Console {
        /// Who you are in the room.
        #[arg(long, default_value = "you")]
        user: String,
        /// Your rank (0 guest … 5 founder).
        #[arg(long, default_value_t = 1.0)]
        rank: f64,
    },
    /// Check the configuration and exit.
    CheckConfig,
    /// Apply the database migrations and exit.
    Migrate,
    /// List the modules with their state: those of the running bot when
    /// `[admin]` is configured (through its admin API), else as they start
    /// here on this configuration and database.
    Modules {
        /// Enable, disable or restart a module of the running bot.
        #[command(subcommand)]
        change: Option<ModuleChange>,
    },
    /// Write a module skeleton (with a test) to src/modules/NAME.rs.
    NewModule {
        /// The module's name: letters, digits, '_' or '-'.
        name: String,
        /// Where to write it (default: the current directory).
        #[arg(long, default_value = ".")]
        dir: PathBuf,
    },
}

/// A change to a module of the running bot (through its admin API).
#[derive(Debug, Subcommand)]
pub(crate) enum ModuleChange {
    /// Let a disabled module run again.
    Enable {
        /// The module.
        module: String,
    },
    /// Stop a module and keep it stopped.
    Disable {
        /// The module.
        module: String,
    },
    /// Stop and start a module again (also the way out of `degraded`).
    Restart {
        /// The module.
        module: String,
    },
}

//! `[log]`: where daz-bot's log lines go and how much of them. Lines go
//! to stderr (the console's chat is on stdout); `RUST_LOG`, when set,
//! replaces the levels.
//!
//! ```toml
//! [log]
//! level = "info"               # error, warn, info, debug, trace, off
//! format = "auto"              # auto (pretty on a terminal, else text), text, json
//!
//! [log.modules]                # a level for what one module does
//! economy = "debug"
//! cytube = "warn"
//! ```

use std::collections::BTreeMap;
use std::io::IsTerminal;

use serde::Deserialize;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// The section's name.
pub const LOG: &str = "log";

/// How lines look.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Pretty (multi-line, coloured) on a terminal, else text.
    #[default]
    Auto,
    /// One line each, no colour.
    Text,
    /// One JSON object each, with the span fields (module, event id,
    /// correlation id, command).
    Json,
}

/// `[log]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// The level for everything not listed in `modules`.
    pub level: String,
    /// How lines look.
    pub format: LogFormat,
    /// A level per daz module (by module name), for what it does while
    /// handling an event.
    pub modules: BTreeMap<String, String>,
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: "info".to_owned(),
            format: LogFormat::Auto,
            modules: BTreeMap::new(),
        }
    }
}

fn level(key: &str, value: &str) -> Result<LevelFilter, String> {
    value
        .parse::<LevelFilter>()
        .map_err(|_| format!("[log] {key} = {value:?}: use error, warn, info, debug, trace or off"))
}

impl LogSettings {
    /// The filter these settings describe.
    ///
    /// # Errors
    ///
    /// A level that is not one, or a module name that is not one.
    pub fn filter(&self) -> Result<EnvFilter, String> {
        let mut directives = vec![level("level", &self.level)?.to_string()];
        for (module, value) in &self.modules {
            let name_ok = !module.is_empty()
                && module
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !name_ok {
                return Err(format!("[log.modules] {module:?} is not a module name"));
            }
            let level = level(&format!("modules.{module}"), value)?;
            directives.push(format!("[event{{module={module}}}]={level}"));
        }
        EnvFilter::try_new(directives.join(",")).map_err(|e| format!("[log]: {e}"))
    }
}

/// Installs the process's log subscriber from `settings` (a `[log]`
/// section, or `None` for the defaults with `default_level`).
///
/// # Errors
///
/// Bad settings, named; or a subscriber installed already.
pub fn init(settings: Option<serde_json::Value>, default_level: &str) -> Result<(), String> {
    let settings: LogSettings = match settings {
        Some(value) => serde_json::from_value(value).map_err(|e| format!("[log]: {e}"))?,
        None => LogSettings {
            level: default_level.to_owned(),
            ..LogSettings::default()
        },
    };
    let filter = match std::env::var("RUST_LOG") {
        Ok(env) if !env.trim().is_empty() => {
            EnvFilter::try_new(env).map_err(|e| format!("RUST_LOG: {e}"))?
        }
        _ => settings.filter()?,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = match settings.format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .try_init(),
        LogFormat::Auto if std::io::stderr().is_terminal() => builder.pretty().try_init(),
        LogFormat::Auto | LogFormat::Text => builder.with_ansi(false).try_init(),
    };
    installed.map_err(|e| format!("cannot install the log subscriber: {e}"))
}

#[cfg(test)]
mod tests;

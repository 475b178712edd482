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
//!
//! [log.otel]                   # spans over OTLP/HTTP (feature `otel`)
//! endpoint = "http://127.0.0.1:4318/v1/traces"
//! service = "daz-bot"
//! ```

use std::collections::BTreeMap;
use std::io::IsTerminal;

use serde::Deserialize;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer, Registry};

#[cfg(feature = "otel")]
mod otel;

/// A layer of the log subscriber.
type Boxed = Box<dyn Layer<Registry> + Send + Sync>;

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
    /// Export spans over OTLP/HTTP (feature `otel`).
    pub otel: Option<OtelSettings>,
}

/// `[log.otel]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OtelSettings {
    /// The collector's OTLP/HTTP traces URL, e.g.
    /// `http://127.0.0.1:4318/v1/traces`.
    pub endpoint: String,
    /// The service name the spans carry (default `daz-bot`).
    #[serde(default = "default_service")]
    pub service: String,
}

fn default_service() -> String {
    "daz-bot".to_owned()
}

/// Keeps the span exporter until the end; dropping it sends what is left.
#[must_use = "dropping the guard stops the span export"]
pub struct LogGuard {
    #[cfg(feature = "otel")]
    otel: Option<otel::Exporter>,
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        #[cfg(feature = "otel")]
        if let Some(exporter) = self.otel.take() {
            exporter.shutdown();
        }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self {
            level: "info".to_owned(),
            format: LogFormat::Auto,
            modules: BTreeMap::new(),
            otel: None,
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

/// The lines' layer for `format`.
fn lines(format: LogFormat) -> Boxed {
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    match format {
        LogFormat::Json => layer
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .boxed(),
        LogFormat::Auto if std::io::stderr().is_terminal() => layer.pretty().boxed(),
        LogFormat::Auto | LogFormat::Text => layer.with_ansi(false).boxed(),
    }
}

/// Installs the process's log subscriber from `settings` (a `[log]`
/// section, or `None` for the defaults with `default_level`).
///
/// # Errors
///
/// Bad settings, named; `[log.otel]` in a build without the `otel`
/// feature; or a subscriber installed already.
pub fn init(settings: Option<serde_json::Value>, default_level: &str) -> Result<LogGuard, String> {
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
    #[cfg_attr(not(feature = "otel"), allow(unused_mut, reason = "otel adds a layer"))]
    let mut layers = vec![lines(settings.format)];
    #[cfg(feature = "otel")]
    let guard = match &settings.otel {
        Some(otel) => {
            let (layer, exporter) = otel::layer(otel)?;
            layers.push(layer);
            LogGuard {
                otel: Some(exporter),
            }
        }
        None => LogGuard { otel: None },
    };
    #[cfg(not(feature = "otel"))]
    let guard = match &settings.otel {
        Some(_) => {
            return Err(
                "[log.otel]: this daz-bot was built without the `otel` feature \
                 (cargo build -p daz-bot --features otel)"
                    .to_owned(),
            );
        }
        None => LogGuard {},
    };
    tracing_subscriber::registry()
        .with(layers.with_filter(filter))
        .try_init()
        .map_err(|e| format!("cannot install the log subscriber: {e}"))?;
    Ok(guard)
}

#[cfg(test)]
mod tests;

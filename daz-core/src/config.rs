//! [`Config`]: one file with a section per module, layered with the
//! environment.

mod env;
mod secret;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

pub use secret::Secret;

use crate::{Error, Result};

/// The formats a configuration file can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// TOML, the default (`.toml`).
    Toml,
    /// YAML (`.yaml`, `.yml`).
    Yaml,
    /// JSON (`.json`).
    Json,
}

impl Format {
    /// The format a file's extension names.
    ///
    /// # Errors
    ///
    /// [`Error::ConfigFile`] for any other extension.
    pub fn of(path: &Path) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("toml") => Ok(Self::Toml),
            Some("yaml" | "yml") => Ok(Self::Yaml),
            Some("json") => Ok(Self::Json),
            _ => Err(Error::ConfigFile {
                path: path.display().to_string(),
                reason: "unknown format; name the file .toml, .yaml, .yml or .json".to_owned(),
            }),
        }
    }
}

/// The bot's configuration: a section per module plus the core sections
/// (`runtime`, `bus`), read from one file and overridden by environment
/// variables `DAZ_<SECTION>__<KEY>` (nested keys joined with `__`).
///
/// Layers, lowest first: each section's defaults (its type's
/// `#[serde(default)]`), the file, the environment, and changes a module
/// allows at run time. A wrong type, a missing required key or an unknown
/// key is an error naming the full key path and where the value came from.
///
/// ```
/// use daz_core::{Config, Format, RuntimeConfig};
/// use std::time::Duration;
///
/// let config = Config::parse("[runtime]\nshutdown_timeout = \"5s\"\n", Format::Toml)?
///     .with_env([("DAZ_RUNTIME__RESTART__MAX_FAILURES", "3")])?;
/// let runtime: RuntimeConfig = config.section("runtime")?;
/// assert_eq!(runtime.shutdown_timeout, Duration::from_secs(5));
/// assert_eq!(runtime.restart.max_failures, 3);
///
/// let err = Config::parse("[runtime]\nshutdown_timeout = 5\n", Format::Toml)?
///     .section::<RuntimeConfig>("runtime")
///     .unwrap_err();
/// assert!(err.to_string().contains("`runtime.shutdown_timeout`"), "{err}");
/// # Ok::<(), daz_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Config {
    path: Option<PathBuf>,
    root: Map<String, Value>,
    /// Key paths set from the environment, with the variable that set them.
    from_env: BTreeMap<String, String>,
}

/// Sections the core reads; every other section must belong to a module.
pub const CORE_SECTIONS: &[&str] = &["runtime", "bus"];

impl Config {
    /// An empty configuration: every section at its defaults.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `path` (format from its extension), then applies the process
    /// environment.
    ///
    /// # Errors
    ///
    /// [`Error::ConfigFile`] if the file cannot be read or parsed (with the
    /// line, where the parser gives one); [`Error::ConfigValue`] for a bad
    /// environment variable.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let format = Format::of(path)?;
        let text = std::fs::read_to_string(path).map_err(|e| Error::ConfigFile {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        let mut config = Self::parse_named(&text, format, &path.display().to_string())?;
        config.path = Some(path.to_owned());
        config.with_env(std::env::vars())
    }

    /// Parses configuration text (no file, no environment).
    ///
    /// # Errors
    ///
    /// [`Error::ConfigFile`] if it does not parse, or its top level is not
    /// a table of sections.
    pub fn parse(text: &str, format: Format) -> Result<Self> {
        Self::parse_named(text, format, "(text)")
    }

    fn parse_named(text: &str, format: Format, name: &str) -> Result<Self> {
        let fail = |reason: String| Error::ConfigFile {
            path: name.to_owned(),
            reason,
        };
        let value: Value = match format {
            Format::Toml => toml::from_str(text).map_err(|e| fail(e.to_string()))?,
            Format::Yaml if text.trim().is_empty() => Value::Object(Map::new()),
            Format::Yaml => serde_yaml_ng::from_str(text).map_err(|e| fail(e.to_string()))?,
            Format::Json => serde_json::from_str(text).map_err(|e| fail(e.to_string()))?,
        };
        let Value::Object(root) = value else {
            return Err(fail(
                "the top level must be a table of sections, one per module".to_owned(),
            ));
        };
        for (section, value) in &root {
            if !value.is_object() {
                return Err(fail(format!(
                    "`{section}` must be a section (a table), not a single value"
                )));
            }
        }
        Ok(Self {
            path: None,
            root,
            from_env: BTreeMap::new(),
        })
    }

    /// Applies `DAZ_<SECTION>__<KEY>` variables from `vars` over the file.
    /// Variables without `__` after `DAZ_` are not configuration and are
    /// ignored. A value is read as JSON when it parses (numbers, `true`,
    /// lists, quoted strings) and as a plain string otherwise.
    ///
    /// # Errors
    ///
    /// [`Error::ConfigValue`] if a variable's key path crosses a value that
    /// is not a table.
    pub fn with_env<I, K, V>(mut self, vars: I) -> Result<Self>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        for (name, value) in vars {
            if let Some(path) = env::key_path(name.as_ref()) {
                let key = env::apply(&mut self.root, &path, value.as_ref(), name.as_ref())?;
                self.from_env.insert(key, name.as_ref().to_owned());
            }
        }
        Ok(self)
    }

    /// The file this configuration was loaded from.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The sections present (from the file or the environment).
    pub fn sections(&self) -> impl Iterator<Item = &str> {
        self.root.keys().map(String::as_str)
    }

    /// Whether `name` has a section.
    #[must_use]
    pub fn has_section(&self, name: &str) -> bool {
        self.root.contains_key(name)
    }

    /// The raw value of section `name`, if present.
    #[must_use]
    pub fn section_value(&self, name: &str) -> Option<&Value> {
        self.root.get(name)
    }

    /// Replaces section `name` with `value` (for a binary adding what its
    /// command line says).
    pub fn set_section(&mut self, name: &str, value: Value) {
        self.root.insert(name.to_owned(), value);
    }

    /// Removes section `name` and returns it (for a binary running only
    /// some of the modules the file configures).
    ///
    /// ```
    /// use daz_core::{Config, Format};
    ///
    /// let mut config = Config::parse("[admin]\nbind = \"127.0.0.1:9320\"", Format::Toml)?;
    /// assert!(config.remove_section("admin").is_some());
    /// assert!(!config.has_section("admin"));
    /// # Ok::<(), daz_core::Error>(())
    /// ```
    pub fn remove_section(&mut self, name: &str) -> Option<Value> {
        self.root.remove(name)
    }

    /// The section `name` as `T`; an absent section reads as an empty
    /// table, so `T`'s defaults apply.
    ///
    /// # Errors
    ///
    /// [`Error::ConfigValue`] naming the full key path, where the value
    /// came from (file or variable) and what was expected.
    pub fn section<T: DeserializeOwned>(&self, name: &str) -> Result<T> {
        let value = self
            .root
            .get(name)
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()));
        serde_path_to_error::deserialize(value).map_err(|e| {
            let inner = e.path().to_string();
            let key = if inner == "." {
                name.to_owned()
            } else {
                format!("{name}.{inner}")
            };
            let origin = self.origin(&key);
            Error::ConfigValue {
                origin,
                key,
                reason: e.into_inner().to_string(),
            }
        })
    }

    fn origin(&self, key: &str) -> String {
        if let Some(var) = self
            .from_env
            .iter()
            .find(|(path, _)| key == path.as_str() || key.starts_with(&format!("{path}.")))
            .map(|(_, var)| var)
        {
            return format!("from {var}");
        }
        match &self.path {
            Some(path) => format!("in {}", path.display()),
            None => "(defaults and text)".to_owned(),
        }
    }

    /// Fails on a section that is neither a core section nor in `modules`.
    ///
    /// # Errors
    ///
    /// [`Error::ConfigValue`] naming the section and what is known.
    pub fn check_sections<'a>(&self, modules: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let modules: Vec<&str> = modules.into_iter().collect();
        for section in self.root.keys() {
            if !CORE_SECTIONS.contains(&section.as_str()) && !modules.contains(&section.as_str()) {
                let mut known: Vec<&str> = CORE_SECTIONS.to_vec();
                known.extend(&modules);
                return Err(Error::ConfigValue {
                    origin: self.origin(section),
                    key: section.clone(),
                    reason: format!(
                        "unknown section: no module is named so; known sections: {}",
                        known.join(", ")
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Shows the file and each section's keys, never the values: the
/// configuration holds secrets whose types are not known here.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sections: BTreeMap<&str, Vec<&str>> = self
            .root
            .iter()
            .map(|(name, value)| {
                let keys = value
                    .as_object()
                    .map(|t| t.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                (name.as_str(), keys)
            })
            .collect();
        f.debug_struct("Config")
            .field("path", &self.path)
            .field("sections", &sections)
            .field("from_env", &self.from_env.values().collect::<Vec<_>>())
            .finish()
    }
}

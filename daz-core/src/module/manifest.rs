//! [`Manifest`]: what a module says about itself.

use std::fmt;

use serde::Serialize;

use crate::{Error, Result};

/// What a module says about itself: its name, version and description,
/// which modules it needs (`requires`) and which capabilities it offers
/// (`provides`), the rooms it may act in, and whether it is critical.
///
/// Usually written by [`#[derive(Module)]`](macro@crate::Module); by hand:
///
/// ```
/// use daz_core::Manifest;
///
/// let manifest = Manifest::builder("greeter")
///     .version("1.0.0")
///     .description("Greets users who join")
///     .requires(["cytube"])
///     .rooms(["lobby"])
///     .build()?;
/// assert_eq!(manifest.name(), "greeter");
/// assert_eq!(manifest.requires(), ["cytube"]);
/// # Ok::<(), daz_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Manifest {
    name: String,
    version: String,
    description: String,
    requires: Vec<String>,
    provides: Vec<String>,
    rooms: Option<Vec<String>>,
    critical: bool,
}

/// Checks a module name: it becomes a topic segment (`command.<module>.…`)
/// and a config section, so letters, digits, `_` and `-` only.
pub(crate) fn check_name(name: &str) -> Result<()> {
    match super::module_name_problem(name) {
        Some(reason) => Err(Error::InvalidModuleName {
            name: name.to_owned(),
            reason: reason.to_owned(),
        }),
        None => Ok(()),
    }
}

impl Manifest {
    /// A builder for the manifest of the module `name`.
    pub fn builder(name: impl Into<String>) -> ManifestBuilder {
        ManifestBuilder(Self {
            name: name.into(),
            version: "0.0.0".to_owned(),
            description: String::new(),
            requires: Vec::new(),
            provides: Vec::new(),
            rooms: None,
            critical: false,
        })
    }

    /// The module's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The module's version.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The module's description.
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Modules this one needs.
    #[must_use]
    pub fn requires(&self) -> &[String] {
        &self.requires
    }

    /// Capabilities this one offers.
    #[must_use]
    pub fn provides(&self) -> &[String] {
        &self.provides
    }

    /// The rooms the module is limited to, if any.
    #[must_use]
    pub fn rooms(&self) -> Option<&[String]> {
        self.rooms.as_deref()
    }

    /// Whether the module is marked critical.
    #[must_use]
    pub fn is_critical(&self) -> bool {
        self.critical
    }
}

/// Builds a [`Manifest`]; see [`Manifest::builder`]. Every setter is
/// optional.
#[derive(Debug, Clone)]
#[must_use]
pub struct ManifestBuilder(Manifest);

impl ManifestBuilder {
    /// Sets the version (default `0.0.0`; the derive uses the crate's).
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.0.version = version.into();
        self
    }

    /// Sets the description (default empty; the derive uses the doc comment).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.0.description = description.into();
        self
    }

    /// Names the modules this one needs (default none). They start before
    /// it and stop after it; while one is down, this one is stopped.
    pub fn requires<I, S>(mut self, modules: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.0.requires = modules.into_iter().map(Into::into).collect();
        self
    }

    /// Names capabilities this module offers (default none); informational.
    pub fn provides<I, S>(mut self, capabilities: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.0.provides = capabilities.into_iter().map(Into::into).collect();
        self
    }

    /// Limits the module to these CyTube rooms (default: every room). It
    /// never receives events of other rooms.
    pub fn rooms<I, S>(mut self, rooms: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.0.rooms = Some(rooms.into_iter().map(Into::into).collect());
        self
    }

    /// Marks the module critical (default `false`). A module others
    /// require is treated as critical anyway.
    pub fn critical(mut self, critical: bool) -> Self {
        self.0.critical = critical;
        self
    }

    /// The manifest without checks; for `#[derive(Module)]`, which checked
    /// at compile time.
    pub(crate) fn into_unchecked(self) -> Manifest {
        self.0
    }

    /// Builds the manifest.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidModuleName`] unless the name, and every required
    /// module's name, is 1–64 letters, digits, `_` or `-`.
    pub fn build(self) -> Result<Manifest> {
        check_name(&self.0.name)?;
        for required in &self.0.requires {
            check_name(required)?;
        }
        Ok(self.0)
    }
}

impl fmt::Display for Manifest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.version)
    }
}

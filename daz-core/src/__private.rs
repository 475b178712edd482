//! Not public API: paths used by code that `daz-macros` generates.
#![allow(missing_docs)]

pub use crate::topic::Topic;
pub use serde;

use crate::Manifest;

/// What `#[derive(Module)]` knows, checked at compile time.
pub struct ManifestParts {
    pub name: &'static str,
    pub version: &'static str,
    pub description: &'static str,
    pub requires: &'static [&'static str],
    pub provides: &'static [&'static str],
    pub rooms: Option<&'static [&'static str]>,
    pub critical: bool,
}

/// Builds a manifest the derive has already checked; the bot checks names
/// again when it is built.
#[must_use]
pub fn manifest(parts: ManifestParts) -> Manifest {
    let mut builder = Manifest::builder(parts.name)
        .version(parts.version)
        .description(parts.description)
        .requires(parts.requires.iter().copied())
        .provides(parts.provides.iter().copied())
        .critical(parts.critical);
    if let Some(rooms) = parts.rooms {
        builder = builder.rooms(rooms.iter().copied());
    }
    builder.into_unchecked()
}

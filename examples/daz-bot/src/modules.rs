//! The bundled modules, one per file; `compose` puts them together.

pub(crate) mod about;
pub(crate) mod customcommands;
pub(crate) mod economy;
pub(crate) mod greeting;
/// What `daz-bot new-module hello_world` writes, compiled and tested here.
#[cfg(test)]
mod hello_world;
pub(crate) mod mediatracker;
pub(crate) mod ping;
pub(crate) mod reminders;
pub(crate) mod seen;
#[cfg(test)]
mod testkit;
pub(crate) mod uptime;

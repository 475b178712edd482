//! The bundled modules, one per file; `compose` puts them together.

pub mod about;
pub mod customcommands;
pub mod dice;
pub mod economy;
pub mod greeting;
/// What `daz-bot new-module hello_world` writes, compiled and tested here.
#[cfg(test)]
mod hello_world;
pub mod mediatracker;
pub mod ping;
pub mod reminders;
pub mod seen;
#[cfg(test)]
mod testkit;
pub mod uptime;
mod write_behind;

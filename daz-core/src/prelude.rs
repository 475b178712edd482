//! The traits, derives and `Result` most modules need:
//! `use daz_core::prelude::*;`.
//!
//! `Event` and `Module` are both a type or trait and the derive of the
//! same name.

pub use crate::{Event, EventPayload, Module, ModuleInfo, ModuleResult, Result};

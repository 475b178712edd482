//! The traits, derives and `Result` most modules need:
//! `use daz_core::prelude::*;`.

pub use crate::{Event, EventPayload, Result};

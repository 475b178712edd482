//! Not public API: paths used by code that `daz-macros` generates.

pub use crate::topic::Topic;
pub use serde;

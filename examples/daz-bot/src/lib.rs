//! The example daz bot as a library: its bundled modules, one per file in
//! [`modules`], and [`compose`], which puts them together. The
//! `daz-bot` binary is a thin command line over it; the workspace's
//! end-to-end tests drive the same composition.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = daz_bot::compose::config(None)?; // the embedded defaults
//! let db = daz_bot::compose::database(&config, Some("sqlite::memory:")).await?;
//! let bot = daz_bot::compose::bot(config, &db).build()?;
//! # drop(bot);
//! # Ok(()) }
//! ```

pub mod compose;
pub mod logging;
pub mod modules;

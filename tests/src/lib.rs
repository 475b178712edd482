//! End-to-end tests of the daz workspace live in `tests/`; this library
//! holds the README and the book's chapters so `cargo test` compiles and runs every Rust
//! code block in them.

#[doc = include_str!("../../README.md")]
mod readme {}

#[doc = include_str!("../../docs/src/introduction.md")]
mod book_introduction {}

#[doc = include_str!("../../docs/src/getting-started.md")]
mod book_getting_started {}

#[doc = include_str!("../../docs/src/events.md")]
mod book_events {}

#[doc = include_str!("../../docs/src/modules.md")]
mod book_modules {}

#[doc = include_str!("../../docs/src/configuration.md")]
mod book_configuration {}

#[doc = include_str!("../../docs/src/scheduling.md")]
mod book_scheduling {}

#[doc = include_str!("../../docs/src/commands.md")]
mod book_commands {}

#[doc = include_str!("../../docs/src/cytube.md")]
mod book_cytube {}

#[doc = include_str!("../../docs/src/storage.md")]
mod book_storage {}

#[doc = include_str!("../../docs/src/semantics.md")]
mod book_semantics {}

#[doc = include_str!("../../docs/src/distribution.md")]
mod book_distribution {}

#[doc = include_str!("../../docs/src/benchmarks.md")]
mod book_benchmarks {}

#[doc = include_str!("../../docs/src/example-bot.md")]
mod book_example_bot {}

#[doc = include_str!("../../docs/src/testing.md")]
mod book_testing {}

#[doc = include_str!("../../docs/src/deployment.md")]
mod book_deployment {}

#[doc = include_str!("../../docs/src/metrics.md")]
mod book_metrics {}

#[doc = include_str!("../../docs/src/operations.md")]
mod book_operations {}

#[doc = include_str!("../../docs/src/reliability.md")]
mod book_reliability {}

#[doc = include_str!("../../docs/src/security.md")]
mod book_security {}

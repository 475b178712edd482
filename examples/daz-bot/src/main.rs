//! The example daz bot.
//!
//! Run with: `cargo run -p daz-bot -- console`
//!
//! For now the bot has one mode, `console`: a local room in the terminal
//! where each line typed is a chat message from you, and the bundled
//! `ping` module answers `!ping` (and the command router `!help`). The CyTube connection and the other
//! bundled modules arrive with later releases.
#![allow(
    clippy::print_stderr,
    reason = "a command-line tool reports errors on stderr"
)]

mod console;
mod ping;

use std::process::ExitCode;

const USAGE: &str =
    "usage: daz-bot [console]\n\n  console   chat with the bot in this terminal (the default)";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (None | Some("console"), None) => {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(e) => {
                    eprintln!("daz-bot: cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let outcome = runtime.block_on(console::run());
            // The terminal reader blocks a thread until the next line; do not
            // wait for it once the bot has stopped.
            runtime.shutdown_timeout(std::time::Duration::from_millis(100));
            match outcome {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("daz-bot: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        (Some("-h" | "--help" | "help"), None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

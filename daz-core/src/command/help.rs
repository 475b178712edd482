//! Help text, as pure functions of the registry: the list of commands a
//! user may run, and one command's usage and description.

use super::registry::Entry;
use super::spec::{CommandSpec, Scope};
use crate::chat::Rank;
use crate::format_duration;

/// The first paragraph of a doc comment, on one line.
pub(crate) fn summary(description: &str) -> String {
    let first = description
        .split("\n\n")
        .find(|p| !p.trim().is_empty())
        .unwrap_or_default();
    first.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `!give <to> <amount>`.
pub(crate) fn usage_line(prefix: &str, spec: &CommandSpec) -> String {
    if spec.usage.is_empty() {
        format!("{prefix}{}", spec.name)
    } else {
        format!("{prefix}{} {}", spec.name, spec.usage)
    }
}

/// `Commands: !a, !b. Say !help <command> for more.`
pub(crate) fn listing(prefix: &str, names: &[&str]) -> String {
    let mut names: Vec<&str> = names.to_vec();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        return "There are no commands for you here.".to_owned();
    }
    let list = names
        .iter()
        .map(|n| format!("{prefix}{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("Commands: {list}. Say {prefix}help <command> for more.")
}

/// One command: usage, summary, aliases, who and how often.
pub(crate) fn detail(prefix: &str, entry: &Entry) -> String {
    let spec = &entry.spec;
    // Never start with the prefix: other bots (or this one's own echo)
    // must not read help as a command.
    let mut parts = vec![format!("Usage: {}", usage_line(prefix, spec))];
    let about = summary(&spec.description);
    if !about.is_empty() {
        parts.push(format!("— {about}"));
    }
    if !spec.aliases.is_empty() {
        let aliases: Vec<String> = spec
            .aliases
            .iter()
            .map(|a| format!("{prefix}{a}"))
            .collect();
        parts.push(format!("Aliases: {}.", aliases.join(", ")));
    }
    if spec.min_rank > Rank::GUEST {
        parts.push(format!("For {} and up.", spec.min_rank.name()));
    }
    let c = spec.cooldowns;
    for (cooldown, scope) in [
        (c.user, "per user"),
        (c.room, "per room"),
        (c.global, "for everyone"),
    ] {
        if let Some(d) = cooldown {
            parts.push(format!("Cooldown {} {scope}.", format_duration(d)));
        }
    }
    match spec.scope {
        Scope::PmOnly => parts.push("By PM only.".to_owned()),
        Scope::RoomOnly => parts.push("In the room only.".to_owned()),
        Scope::Anywhere => {}
    }
    if spec.confirm.is_some() {
        parts.push(format!("Asks you to {prefix}confirm."));
    }
    parts.join(" ")
}

/// The built-in `help`'s own line.
pub(crate) fn help_detail(prefix: &str) -> String {
    format!(
        "Usage: {prefix}help [command] — Lists the commands you may use, or explains one. \
         {prefix}confirm goes ahead with a command that asked for it."
    )
}

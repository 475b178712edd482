//! The registry: every command of every module, by the words that run
//! them, checked for collisions when the bot is built.

use std::collections::HashMap;
use std::sync::Arc;

use super::settings::{RouterConfig, check_prefix};
use super::spec::CommandSpec;
use crate::{Error, Manifest, Result, Topic};

/// The router's module name, and the owner of the built-in words.
pub const ROUTER: &str = "commands";

/// The built-in commands.
pub(crate) const HELP: &str = "help";
pub(crate) const CONFIRM: &str = "confirm";

/// One command, with the operator's overrides applied.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) spec: CommandSpec,
    pub(crate) module: Arc<str>,
    pub(crate) rooms: Option<Vec<String>>,
    pub(crate) topic: Topic,
    /// Lower-cased user names.
    pub(crate) allow: Vec<String>,
    pub(crate) deny: Vec<String>,
    pub(crate) disabled: bool,
}

impl Entry {
    pub(crate) fn in_room(&self, room: &str) -> bool {
        self.rooms
            .as_ref()
            .is_none_or(|rooms| rooms.iter().any(|r| r == room))
    }
}

/// What a command word runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Word {
    Command(usize),
    Help,
    Confirm,
}

#[derive(Debug)]
pub(crate) struct Registry {
    pub(crate) entries: Vec<Entry>,
    pub(crate) words: HashMap<String, Word>,
}

fn claimant(module: &str, command: &str) -> String {
    if module == ROUTER {
        format!("the command router's built-in !{command}")
    } else {
        format!("module {module:?} (!{command})")
    }
}

fn config_error(key: &str, reason: String) -> Error {
    Error::ConfigValue {
        origin: "section [commands]".to_owned(),
        key: format!("commands.{key}"),
        reason,
    }
}

impl Registry {
    /// Checks every command and builds the word table.
    pub(crate) fn build<I>(config: &RouterConfig, modules: I) -> Result<Self>
    where
        I: IntoIterator<Item = (Manifest, Vec<CommandSpec>)>,
    {
        check_settings(config)?;
        let mut words: HashMap<String, Word> = HashMap::new();
        let mut owners: HashMap<String, String> = HashMap::new();
        for builtin in [HELP, CONFIRM] {
            words.insert(builtin.to_owned(), builtin_word(builtin));
            owners.insert(builtin.to_owned(), claimant(ROUTER, builtin));
        }
        let mut entries = Vec::new();
        for (manifest, specs) in modules {
            for spec in specs {
                let spec = spec.normalize(manifest.name())?;
                let me = claimant(manifest.name(), &spec.name);
                for word in std::iter::once(&spec.name).chain(&spec.aliases) {
                    if let Some(first) = owners.get(word) {
                        return Err(Error::CommandCollision {
                            word: word.clone(),
                            first: first.clone(),
                            second: me,
                        });
                    }
                    owners.insert(word.clone(), me.clone());
                    words.insert(word.clone(), Word::Command(entries.len()));
                }
                entries.push(entry(&manifest, spec, config)?);
            }
        }
        for name in config.commands.keys() {
            let known = entries
                .iter()
                .any(|e| e.spec.name.eq_ignore_ascii_case(name));
            if !known {
                return Err(config_error(
                    &format!("commands.{name}"),
                    "no module offers this command; use its name (not an alias)".to_owned(),
                ));
            }
        }
        Ok(Self { entries, words })
    }

    pub(crate) fn word(&self, word: &str) -> Option<Word> {
        self.words.get(word).copied()
    }
}

fn builtin_word(word: &str) -> Word {
    if word == HELP {
        Word::Help
    } else {
        Word::Confirm
    }
}

fn entry(manifest: &Manifest, mut spec: CommandSpec, config: &RouterConfig) -> Result<Entry> {
    let module = manifest.name();
    let topic = Topic::new(format!("command.{module}.{}", spec.name))?;
    let over = config
        .commands
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&spec.name))
        .map(|(_, over)| over.clone())
        .unwrap_or_default();
    if let Some(rank) = over.min_rank {
        if rank.value() < 0.0 {
            return Err(config_error(
                &format!("commands.{}.min_rank", spec.name),
                "must be 0 (guest) or more".to_owned(),
            ));
        }
        spec.min_rank = rank;
    }
    let cooldowns = &mut spec.cooldowns;
    cooldowns.user = over.user_cooldown.or(cooldowns.user);
    cooldowns.room = over.room_cooldown.or(cooldowns.room);
    cooldowns.global = over.global_cooldown.or(cooldowns.global);
    let lower = |names: &[String]| names.iter().map(|n| n.to_ascii_lowercase()).collect();
    Ok(Entry {
        module: module.into(),
        rooms: manifest.rooms().map(<[String]>::to_vec),
        topic,
        allow: lower(&over.allow),
        deny: lower(&over.deny),
        disabled: over.disabled,
        spec,
    })
}

fn check_settings(config: &RouterConfig) -> Result<()> {
    check_prefix(&config.prefix).map_err(|reason| config_error("prefix", reason))?;
    for (room, settings) in &config.rooms {
        if let Some(prefix) = &settings.prefix {
            check_prefix(prefix)
                .map_err(|reason| config_error(&format!("rooms.{room}.prefix"), reason))?;
        }
    }
    if config.flood.burst == 0 {
        return Err(config_error(
            "flood.burst",
            "must be 1 or more (the commands a user may send in a row)".to_owned(),
        ));
    }
    if config.flood.interval.is_zero() {
        return Err(config_error(
            "flood.interval",
            "must be more than zero, e.g. \"3s\"".to_owned(),
        ));
    }
    Ok(())
}

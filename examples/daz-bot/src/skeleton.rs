//! `daz-bot new-module NAME`: a module skeleton with a test, that compiles.

use std::path::{Path, PathBuf};

/// The skeleton for the module `name`.
pub(crate) fn render(name: &str) -> Result<String, String> {
    let valid = (1..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !valid {
        return Err(format!(
            "{name:?} is not a module name: 1-32 lower-case letters, digits, '_' or '-', starting with a letter"
        ));
    }
    let ident = name.replace('-', "_");
    let type_name: String = ident
        .split('_')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
                .collect::<String>()
        })
        .collect();
    Ok(TEMPLATE
        .replace("{name}", name)
        .replace("{ident}", &ident)
        .replace("{Type}", &type_name))
}

/// Writes the skeleton to `dir/<name>.rs`; refuses to overwrite.
pub(crate) fn write(name: &str, dir: &Path) -> Result<PathBuf, String> {
    let text = render(name)?;
    let path = dir.join(format!("{}.rs", name.replace('-', "_")));
    if path.exists() {
        return Err(format!("{} exists; not overwriting it", path.display()));
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

const TEMPLATE: &str = r#"//! `{name}`: describe what it does.

use daz_core::chat::as_typed;
use daz_core::command::CommandContext;
use daz_core::{Module, ModuleResult, commands};

/// Describe what it does; this line is its description.
#[derive(Debug, Default, Module)]
#[module(name = "{name}", commands)]
pub(crate) struct {Type};

#[commands]
impl {Type} {
    /// Says hello (this line is the command's help).
    #[command(name = "{name}")]
    async fn {ident}(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        ctx.reply(format!("Hello from {name}, {}!", as_typed(ctx.user())))?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for {Type} {}

#[cfg(test)]
mod tests {
    use super::*;
    use daz_core::testing::Harness;

    #[tokio::test(start_paused = true)]
    async fn it_answers() -> daz_core::Result<()> {
        let mut room = Harness::builder().module({Type}).build().await?;
        room.say("ann", "!{name}").await;
        assert_eq!(room.said(), ["Hello from {name}, ann!"]);
        room.shutdown().await;
        Ok(())
    }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skeleton_is_the_compiled_example() -> Result<(), Box<dyn std::error::Error>> {
        // `modules/hello_world.rs` is compiled and tested with the crate:
        // the skeleton compiles and its test passes.
        assert_eq!(
            render("hello_world")?,
            include_str!("modules/hello_world.rs")
        );
        assert!(render("hello-world")?.contains("struct HelloWorld;"));
        assert!(render("Bad Name").is_err());
        assert!(render("9lives").is_err());
        Ok(())
    }
}

//! The `dice` module: `!roll [NdM]` rolls dice. The example of a module
//! that runs in its own process (`daz-dice`) and joins the bot over NATS.

use std::time::{SystemTime, UNIX_EPOCH};

use daz_core::chat::as_typed;
use daz_core::command::CommandContext;
use daz_core::{Module, ModuleResult, commands};

/// The most dice one roll throws.
pub const MAX_DICE: u32 = 100;
/// The most sides a die has.
pub const MAX_SIDES: u32 = 1_000;

/// Rolls dice on `!roll` (default one six-sided die).
#[derive(Debug, Module)]
#[module(name = "dice", commands)]
pub struct Dice {
    state: u64,
}

impl Default for Dice {
    fn default() -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0x9e37_79b9, |d| {
                d.as_secs() ^ u64::from(d.subsec_nanos()) << 32
            });
        Self::seeded(seed)
    }
}

/// `NdM` read: how many dice and how many sides, or why not.
pub fn parse(spec: &str) -> Result<(u32, u32), String> {
    let usage =
        || format!("{spec:?} is not a roll: write NdM, like 2d6 (at most {MAX_DICE}d{MAX_SIDES})");
    let (count, sides) = spec
        .to_ascii_lowercase()
        .split_once('d')
        .map_or_else(|| Err(usage()), |(n, m)| Ok((n.to_owned(), m.to_owned())))?;
    let count: u32 = if count.is_empty() {
        Ok(1)
    } else {
        count.parse()
    }
    .map_err(|_| usage())?;
    let sides: u32 = sides.parse().map_err(|_| usage())?;
    if !(1..=MAX_DICE).contains(&count) || !(1..=MAX_SIDES).contains(&sides) {
        return Err(usage());
    }
    Ok((count, sides))
}

impl Dice {
    /// Dice whose rolls follow from `seed` (for tests).
    #[must_use]
    pub fn seeded(seed: u64) -> Self {
        Self { state: seed | 1 }
    }

    /// One die of `sides` sides (xorshift64*; dice need no more).
    fn die(&mut self, sides: u32) -> u32 {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let r = self.state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        u32::try_from(r % u64::from(sides)).unwrap_or(0) + 1
    }
}

#[commands]
impl Dice {
    /// Rolls dice: !roll, !roll 2d6, !roll d20.
    #[command(user_cooldown = "2s")]
    async fn roll(&mut self, ctx: &mut CommandContext<'_>, spec: Option<String>) -> ModuleResult {
        let spec = spec.unwrap_or_else(|| "1d6".to_owned());
        match parse(&spec) {
            Ok((count, sides)) => {
                let rolls: Vec<u32> = (0..count).map(|_| self.die(sides)).collect();
                let total: u32 = rolls.iter().sum();
                let shown = if rolls.len() > 10 {
                    String::new()
                } else {
                    format!(
                        " ({})",
                        rolls
                            .iter()
                            .map(u32::to_string)
                            .collect::<Vec<_>>()
                            .join(" + ")
                    )
                };
                ctx.reply(format!(
                    "{} rolls {count}d{sides}: {total}{shown}",
                    as_typed(ctx.user())
                ))?;
            }
            Err(why) => ctx.reply(why)?,
        }
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for Dice {}

#[cfg(test)]
mod tests {
    use super::*;
    use daz_core::testing::Harness;

    #[test]
    fn rolls_are_read_or_refused_by_name() {
        assert_eq!(parse("2d6"), Ok((2, 6)));
        assert_eq!(parse("D20"), Ok((1, 20)));
        for bad in [
            "",
            "d",
            "2d",
            "0d6",
            "2d0",
            "101d6",
            "1d1001",
            "x",
            "2d6d",
            "-1d6",
            "99999999999d6",
        ] {
            let err = parse(bad).err().unwrap_or_default();
            assert!(err.contains("is not a roll"), "{bad}: {err}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn it_rolls_and_explains_bad_rolls() -> daz_core::Result<()> {
        let mut room = Harness::builder().module(Dice::seeded(7)).build().await?;
        room.say("ann", "!roll 3d1").await;
        room.say("bob", "!roll 2d").await;
        room.say("cid", "!roll 20d1").await;
        assert_eq!(
            room.said(),
            [
                "ann rolls 3d1: 3 (1 + 1 + 1)",
                "\"2d\" is not a roll: write NdM, like 2d6 (at most 100d1000)",
                "cid rolls 20d1: 20",
            ]
        );
        room.say("dan", "!roll").await;
        let said = room.said();
        let last = said.last().cloned().unwrap_or_default();
        let value: u32 = last
            .trim_start_matches("dan rolls 1d6: ")
            .split(' ')
            .next()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        assert!((1..=6).contains(&value), "{last}");
        room.shutdown().await;
        Ok(())
    }
}

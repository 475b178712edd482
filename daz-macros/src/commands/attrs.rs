//! Reads `#[command(...)]`: names, ranks and durations, checked here so a
//! mistake is a compile error on the value.

use syn::meta::ParseNestedMeta;
use syn::{Expr, ExprLit, ExprUnary, Lit, LitBool, LitStr, Token, UnOp};

use super::{CommandAttrs, Scope};

/// The rank names, as `daz_core::chat::Rank::NAMED`.
const RANKS: [(&str, f64); 8] = [
    ("guest", 0.0),
    ("registered", 1.0),
    ("leader", 1.5),
    ("moderator", 2.0),
    ("admin", 3.0),
    ("owner", 4.0),
    ("founder", 5.0),
    ("site_admin", 255.0),
];

const RANK_HELP: &str = "write a number of 0 or more (0 guest, 1 registered, 1.5 leader, 2 \
                         moderator, 3 admin, 4 owner, 5 founder, 255 site admin) or one of \
                         \"guest\", \"registered\", \"leader\", \"moderator\", \"admin\", \
                         \"owner\", \"founder\", \"site_admin\"";

/// `None` if `word` can name a command, else what is wrong (as
/// `daz_core`'s check).
pub(crate) fn word_problem(word: &str) -> Option<String> {
    if word.is_empty() || word.len() > 32 {
        return Some(format!(
            "the command word {word:?} must be 1 to 32 characters long"
        ));
    }
    word.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        .map(|c| format!("{c:?} is not allowed in a command word; use letters, digits, '_' or '-'"))
}

/// Milliseconds in `text` ("30s", "1h30m"), as `daz_core::parse_duration`.
fn duration_ms(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the duration is empty; write for example \"30s\" or \"1h30m\"".into());
    }
    let mut total: u64 = 0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (number, after) = rest.split_at(digits);
        let unit_len = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (unit, next) = after.split_at(unit_len);
        let per: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => {
                return Err(format!(
                    "{text:?} is not a duration; write for example \"30s\", \"10m\" or \"1h30m\" (units ms, s, m, h, d)"
                ));
            }
        };
        let value: u64 = number.parse().map_err(|_| {
            format!("{text:?} is not a duration; each unit needs a number before it")
        })?;
        total = value
            .checked_mul(per)
            .and_then(|ms| total.checked_add(ms))
            .ok_or_else(|| format!("{text:?} is too long"))?;
        rest = next;
    }
    Ok(total)
}

fn string(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<LitStr> {
    meta.value()?.parse::<LitStr>().map_err(|e| {
        syn::Error::new(
            e.span(),
            format!("expected a string literal: `{key} = \"...\"`"),
        )
    })
}

fn duration(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<u64> {
    let lit = string(meta, key)?;
    duration_ms(&lit.value()).map_err(|problem| syn::Error::new(lit.span(), problem))
}

fn flag(meta: &ParseNestedMeta<'_>, key: &str) -> syn::Result<bool> {
    if !meta.input.peek(Token![=]) {
        return Ok(true);
    }
    meta.value()?
        .parse::<LitBool>()
        .map(|b| b.value)
        .map_err(|e| {
            syn::Error::new(
                e.span(),
                format!("`{key}` is a flag: write `{key}` or `{key} = true`"),
            )
        })
}

fn rank(meta: &ParseNestedMeta<'_>) -> syn::Result<f64> {
    let expr: Expr = meta.value()?.parse()?;
    let bad = |problem: &str| syn::Error::new_spanned(&expr, format!("{problem}: {RANK_HELP}"));
    let named = |name: &str| {
        let wanted = name.trim().to_ascii_lowercase().replace('-', "_");
        RANKS.iter().find(|(n, _)| *n == wanted).map(|(_, r)| *r)
    };
    match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<f64>(),
        Expr::Lit(ExprLit {
            lit: Lit::Float(f), ..
        }) => f.base10_parse::<f64>(),
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => named(&s.value())
            .or_else(|| {
                s.value()
                    .parse::<f64>()
                    .ok()
                    .filter(|r| r.is_finite() && *r >= 0.0)
            })
            .ok_or_else(|| bad(&format!("unknown rank {:?}", s.value()))),
        Expr::Path(path) => path
            .path
            .get_ident()
            .and_then(|i| named(&i.to_string()))
            .ok_or_else(|| bad("unknown rank")),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_), ..
        }) => Err(bad("a rank cannot be negative")),
        _ => Err(bad("unsupported rank value")),
    }
}

/// Reads one `#[command]` or `#[command(...)]` attribute.
pub(crate) fn parse(attr: &syn::Attribute) -> syn::Result<CommandAttrs> {
    let mut out = CommandAttrs {
        name: None,
        aliases: Vec::new(),
        min_rank: None,
        user_cooldown_ms: None,
        room_cooldown_ms: None,
        global_cooldown_ms: None,
        scope: Scope::Anywhere,
        hidden: false,
        confirm_ms: None,
    };
    if matches!(attr.meta, syn::Meta::Path(_)) {
        return Ok(out);
    }
    let mut seen: Vec<String> = Vec::new();
    attr.parse_nested_meta(|meta| {
        let key = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        if seen.contains(&key) {
            return Err(meta.error(format!("`{key}` is given twice; keep one")));
        }
        seen.push(key.clone());
        match key.as_str() {
            "name" => {
                let lit = string(&meta, &key)?;
                if let Some(problem) = word_problem(&lit.value()) {
                    return Err(syn::Error::new(lit.span(), problem));
                }
                out.name = Some(lit);
            }
            "aliases" => {
                out.aliases = crate::module::parse::string_list(&meta, &key, Some(word_problem))?;
            }
            "min_rank" => out.min_rank = Some(rank(&meta)?),
            "user_cooldown" => out.user_cooldown_ms = Some(duration(&meta, &key)?),
            "room_cooldown" => out.room_cooldown_ms = Some(duration(&meta, &key)?),
            "global_cooldown" => out.global_cooldown_ms = Some(duration(&meta, &key)?),
            "hidden" => out.hidden = flag(&meta, &key)?,
            "pm_only" | "room_only" => {
                if flag(&meta, &key)? {
                    if out.scope != Scope::Anywhere {
                        return Err(meta.error(
                            "a command cannot be both `pm_only` and `room_only`; keep one",
                        ));
                    }
                    out.scope = if key == "pm_only" {
                        Scope::PmOnly
                    } else {
                        Scope::RoomOnly
                    };
                }
            }
            "confirm" => {
                out.confirm_ms = if meta.input.peek(Token![=]) && meta.input.peek2(LitStr) {
                    Some(duration(&meta, &key)?)
                } else if flag(&meta, &key)? {
                    Some(30_000)
                } else {
                    None
                };
            }
            _ => {
                return Err(meta.error(
                    "unknown `command` key; expected name, aliases, min_rank, user_cooldown, \
                     room_cooldown, global_cooldown, pm_only, room_only, hidden or confirm",
                ));
            }
        }
        Ok(())
    })?;
    Ok(out)
}

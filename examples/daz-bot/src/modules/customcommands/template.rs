//! Custom command templates: `{user}`, `{args}`, `{room}`, `{uses}`.

use daz_core::chat::as_typed;

/// The placeholders a template may use.
pub(crate) const PLACEHOLDERS: [&str; 4] = ["{user}", "{args}", "{room}", "{uses}"];

/// The longest template, in characters.
pub(crate) const LONGEST: usize = 400;

/// Why a template is refused, or `None` when it is fine.
pub(crate) fn problem(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        return Some("give the text to say".to_owned());
    }
    if text.chars().count() > LONGEST {
        return Some(format!("keep it to {LONGEST} characters"));
    }
    if text.trim_start().starts_with('/') {
        return Some("it may not start with / (CyTube would run it as a command)".to_owned());
    }
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        let Some(close) = after.find('}') else {
            break;
        };
        let word = &after[..=close];
        let inner = &word[1..close];
        if !PLACEHOLDERS.contains(&word)
            && !inner.is_empty()
            && inner.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Some(format!(
                "unknown placeholder {word}; use {}",
                PLACEHOLDERS.join(", ")
            ));
        }
        rest = &after[1..];
    }
    None
}

/// The facts a template is filled with.
pub(crate) struct Fill<'a> {
    pub(crate) user: &'a str,
    pub(crate) args: &'a str,
    pub(crate) room: &'a str,
    pub(crate) uses: u64,
}

/// `text` with its placeholders filled, in one pass (so `{args}` typed
/// by a user is not filled again); the user's name and words go in
/// [`as_typed`], so the server shows them as they were typed.
pub(crate) fn render(text: &str, fill: &Fill<'_>) -> String {
    let mut out = String::with_capacity(text.len() + fill.args.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let found = PLACEHOLDERS.iter().find(|p| after.starts_with(**p));
        match found {
            Some(p) => {
                match *p {
                    "{user}" => out.push_str(&as_typed(fill.user)),
                    "{args}" => out.push_str(&as_typed(fill.args)),
                    "{room}" => out.push_str(fill.room),
                    _ => out.push_str(&fill.uses.to_string()),
                }
                rest = &after[p.len()..];
            }
            None => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_once_and_bad_ones_are_named() {
        let fill = Fill {
            user: "ann",
            args: "{user} and {args}",
            room: "lobby",
            uses: 3,
        };
        assert_eq!(
            render("{user} hugs {args} in {room} ({uses}) {x} {", &fill),
            "ann hugs {user} and {args} in lobby (3) {x} {"
        );
        assert_eq!(
            problem("hi {user}, {nope}").as_deref(),
            Some("unknown placeholder {nope}; use {user}, {args}, {room}, {uses}")
        );
        assert!(problem(" /kick {args}").is_some_and(|p| p.contains("start with /")));
        assert!(problem("   ").is_some());
        assert!(problem(&"x".repeat(401)).is_some());
        assert_eq!(problem("a {b c} {} :-{ ok"), None);
        assert_eq!(problem("ünïcode {user} 🎉"), None);
    }
}

//! Repairing lone UTF-16 surrogate escapes before JSON parsing.
//!
//! CyTube cuts chat text at 320 UTF-16 units with JavaScript's `substring`,
//! which can split an emoji's surrogate pair; Node then writes the orphan
//! as `\ud83d`. `serde_json` refuses such a string, although the frame is
//! legal from the server's point of view, so each lone surrogate escape is
//! replaced with `\ufffd` (the replacement character) first.

use std::borrow::Cow;

fn hex4(bytes: &[u8], at: usize) -> Option<u16> {
    let digits = bytes.get(at..at + 4)?;
    let text = std::str::from_utf8(digits).ok()?;
    u16::from_str_radix(text, 16).ok()
}

fn is_high(unit: u16) -> bool {
    (0xD800..0xDC00).contains(&unit)
}

fn is_low(unit: u16) -> bool {
    (0xDC00..0xE000).contains(&unit)
}

/// `json` with every lone surrogate escape (`\uD800`–`\uDFFF` not part of
/// a high-low pair) replaced by `\ufffd`; borrowed when there is none.
///
/// ```
/// use daz_cytube::codec::repair_surrogates;
///
/// assert_eq!(repair_surrogates(r#"["a\ud83d"]"#), r#"["a\ufffd"]"#);
/// assert_eq!(repair_surrogates(r#"["\ud83d\ude00"]"#), r#"["\ud83d\ude00"]"#);
/// assert_eq!(repair_surrogates(r#"["\\ud83d"]"#), r#"["\\ud83d"]"#); // an escaped backslash
/// ```
#[must_use]
pub fn repair_surrogates(json: &str) -> Cow<'_, str> {
    if !json.contains("\\u") {
        return Cow::Borrowed(json);
    }
    let bytes = json.as_bytes();
    let mut lone: Vec<usize> = Vec::new();
    let mut i = 0;
    while let Some(offset) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|b| *b == b'\\'))
    {
        let at = i + offset;
        if bytes.get(at + 1) != Some(&b'u') {
            // Any other escape: skip the escaped character.
            i = at + 2;
            continue;
        }
        let Some(unit) = hex4(bytes, at + 2) else {
            i = at + 2;
            continue;
        };
        if is_high(unit) {
            let paired = bytes.get(at + 6) == Some(&b'\\')
                && bytes.get(at + 7) == Some(&b'u')
                && hex4(bytes, at + 8).is_some_and(is_low);
            if paired {
                i = at + 12;
                continue;
            }
            lone.push(at);
        } else if is_low(unit) {
            lone.push(at);
        }
        i = at + 6;
    }
    if lone.is_empty() {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len());
    let mut from = 0;
    for at in lone {
        out.push_str(json.get(from..at).unwrap_or_default());
        out.push_str("\\ufffd");
        from = at + 6;
    }
    out.push_str(json.get(from..).unwrap_or_default());
    Cow::Owned(out)
}

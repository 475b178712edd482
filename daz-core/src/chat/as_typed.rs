//! [`as_typed`]: user text the bot echoes, so CyTube's default chat filters
//! leave it as the user typed it.

/// Single characters the default filters pair up: `_x_` (italic), `*x*`
/// (bold) and `` `x` `` (monospace), each with the look-alike shown in
/// their place when two or more would pair.
const PAIRED: [(char, char); 3] = [('_', '\u{FF3F}'), ('*', '\u{2217}'), ('`', '\u{02CB}')];

/// Word joiner: invisible, and breaks the filters' literal markers.
const JOINER: char = '\u{2060}';

/// `text` as the server shows it typed, under CyTube's default chat
/// filters (protocol reference §7.2): a marker the filters pair (`_`, `*`,
/// `` ` ``) is replaced by a look-alike where two or more of it would pair
/// (one alone is left as it is), and an invisible word joiner goes inside
/// `~~`, `[sp]` and `[/sp]`. Use it for names and words from users that
/// the bot echoes: `!seen _under_score_` answers about `＿under＿score＿`,
/// not `<em>under</em>score_`. A channel's own filters cannot be known to
/// the bot and are not undone.
///
/// ```
/// use daz_core::chat::as_typed;
///
/// assert_eq!(as_typed("snake_case"), "snake_case");
/// assert_eq!(as_typed("_under_score_"), "\u{FF3F}under\u{FF3F}score\u{FF3F}");
/// assert_eq!(as_typed("~~x~~"), "~\u{2060}~x~\u{2060}~");
/// ```
#[must_use]
pub fn as_typed(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            PAIRED
                .iter()
                .find(|(marker, _)| *marker == c && text.matches(c).count() >= 2)
                .map_or(c, |(_, like)| *like)
        })
        .collect();
    out = out.replace("~~", &format!("~{JOINER}~"));
    for marker in ["[sp]", "[/sp]"] {
        out = replace_ignoring_case(&out, marker);
    }
    out
}

/// `text` with a word joiner after the `[` of every `marker` (any case).
fn replace_ignoring_case(text: &str, marker: &str) -> String {
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in lower.match_indices(marker) {
        out.push_str(&text[last..=at]);
        out.push(JOINER);
        last = at + 1;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::as_typed;

    /// The default filters, as the server applies them (`.+?` lazy, in
    /// order), to show what a chat line turns into.
    fn filtered(text: &str) -> String {
        let mut out = text.to_owned();
        for (open, close, tag) in [("`", "`", "code"), ("*", "*", "strong"), ("_", "_", "em")] {
            while let Some(start) = out.find(open) {
                let body = start + open.len();
                let Some(len) = out[body..].get(1..).and_then(|rest| rest.find(close)) else {
                    break;
                };
                let end = body + 1 + len;
                let inner = out[body..end].to_owned();
                out = format!("{}<{tag}>{inner}</{tag}>{}", &out[..start], &out[end + 1..]);
            }
        }
        out
    }

    #[test]
    fn echoed_text_comes_back_unfiltered() {
        for typed in [
            "_under_score_",
            "snake_case_name",
            "*bold* and `code`",
            "a*b*c*d",
            "__init__",
        ] {
            let sent = as_typed(typed);
            assert_eq!(filtered(&sent), sent, "{typed:?} → {sent:?}");
            assert_ne!(
                filtered(typed),
                typed,
                "the filter model works on {typed:?}"
            );
        }
        for left in ["snake_case", "one * star", "plain", "ünï_cödé"] {
            assert_eq!(as_typed(left), left);
        }
        assert_eq!(as_typed("[SP]x[/sp]"), "[\u{2060}SP]x[\u{2060}/sp]");
        assert_eq!(as_typed("~~x~~"), "~\u{2060}~x~\u{2060}~");
    }
}

//! Turning the HTML CyTube sends for a chat line back into the text the
//! user typed, as far as it can be recovered.

/// Decodes a chat line's HTML (`chatMsg.msg`, `pm.msg`) into the text the
/// user typed.
///
/// CyTube escapes what users type, runs the channel's filters and wraps
/// links (see the protocol reference, §7.2). This undoes what can be
/// undone: entities are decoded (`&amp;`, `&lt;`, `&gt;`, `&quot;`,
/// `&#39;`, `&apos;`, `&nbsp;`, `&#NN;`, `&#xNN;`); the tags of the default
/// filters go back to the markup that made them (`<em>` → `_`, `<strong>`
/// → `*`, `<code>` → `` ` ``, `<s>` → `~~`, the spoiler span → `[sp]…[/sp]`);
/// links keep their text (the URL as typed); any other tag is dropped and
/// its text kept. Malformed input is kept as text, never an error.
///
/// ```
/// use daz_core::chat::decode_html;
///
/// assert_eq!(decode_html("!give some<em>user</em>name 10"), "!give some_user_name 10");
/// assert_eq!(decode_html("It's &lt;b&gt; &amp; \"q\""), "It's <b> & \"q\"");
/// assert_eq!(
///     decode_html(r#"see <a href="https://x.io/?a=1&amp;b=2" target="_blank">https://x.io/?a=1&amp;b=2</a>"#),
///     "see https://x.io/?a=1&b=2",
/// );
/// ```
#[must_use]
pub fn decode_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    // What each open `<span>` closes with: the spoiler marker or nothing.
    let mut spans: Vec<&'static str> = Vec::new();
    let mut rest = html;
    while let Some(at) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let consumed = if rest.starts_with('<') {
            tag(rest, &mut out, &mut spans)
        } else {
            entity(rest, &mut out)
        };
        match consumed {
            Some(len) => rest = &rest[len..],
            None => {
                // Not a tag or entity after all: keep the character.
                out.push_str(&rest[..1]);
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Handles the tag at the start of `text`; returns its length, or `None`
/// if `text` does not start with a well-formed tag.
fn tag(text: &str, out: &mut String, spans: &mut Vec<&'static str>) -> Option<usize> {
    let end = text.find('>')?;
    let inner = &text[1..end];
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name_len = inner
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(inner.len());
    if !inner.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let name = inner[..name_len].to_ascii_lowercase();
    let attributes = &inner[name_len..];
    let marker = match name.as_str() {
        "em" | "i" => "_",
        "strong" | "b" => "*",
        "code" => "`",
        "s" => "~~",
        "span" if closing => spans.pop().unwrap_or(""),
        "span" => {
            let spoiler = attributes.contains("spoiler");
            spans.push(if spoiler { "[/sp]" } else { "" });
            if spoiler { "[sp]" } else { "" }
        }
        _ => "",
    };
    out.push_str(marker);
    Some(end + 1)
}

/// Decodes the entity at the start of `text`; returns its length, or
/// `None` if `text` does not start with a known entity.
fn entity(text: &str, out: &mut String) -> Option<usize> {
    let end = text.bytes().take(12).position(|b| b == b';')?;
    let body = &text[1..end];
    let decoded = match body {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let number = body.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
        }
    };
    out.push(decoded);
    Some(end + 1)
}

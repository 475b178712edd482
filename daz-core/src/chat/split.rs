//! Cutting long replies into chat lines CyTube will not truncate.

/// How long a chat line or PM may be, in UTF-16 code units: CyTube's
/// default `max-chat-message-length`. The server cuts longer lines
/// silently.
pub const MAX_MESSAGE_LEN: usize = 320;

/// Splits `text` into lines of at most `max` UTF-16 code units (CyTube
/// counts like JavaScript), breaking at spaces where it can and inside a
/// word only when the word alone is too long. A character is never split.
/// Line breaks in `text` end a line (CyTube would turn them into spaces).
/// Blank lines are left out; an empty or blank `text` gives no lines.
///
/// ```
/// use daz_core::chat::split_message;
///
/// assert_eq!(split_message("one two three", 8), ["one two", "three"]);
/// assert_eq!(split_message("abcdefghij", 4), ["abcd", "efgh", "ij"]);
/// assert!(split_message("  ", 320).is_empty());
/// ```
#[must_use]
pub fn split_message(text: &str, max: usize) -> Vec<String> {
    let max = max.max(2);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        let mut units = 0;
        for word in paragraph.split_whitespace() {
            let word_units = utf16_len(word);
            let gap = usize::from(units > 0);
            if units + gap + word_units <= max {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                units += gap + word_units;
                continue;
            }
            if units > 0 {
                lines.push(std::mem::take(&mut line));
                units = 0;
            }
            for c in word.chars() {
                let c_units = c.len_utf16();
                if units + c_units > max {
                    lines.push(std::mem::take(&mut line));
                    units = 0;
                }
                line.push(c);
                units += c_units;
            }
        }
        if units > 0 {
            lines.push(line);
        }
    }
    lines
}

/// The length of `text` in UTF-16 code units.
#[must_use]
pub fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

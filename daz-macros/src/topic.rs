//! The topic grammar, mirrored from `daz_core`'s `grammar.rs` (a proc-macro
//! crate cannot call the crate that re-exports it). `daz-core`'s trybuild
//! cases check both agree.

/// Longest topic accepted, in bytes (as `daz_core::MAX_TOPIC_LEN`).
const MAX_LEN: usize = 256;

/// `None` if `topic` is a valid topic, else what is wrong with it.
pub(crate) fn problem(topic: &str) -> Option<String> {
    if topic.is_empty() {
        return Some(
            "the topic is empty; write dot-separated segments such as \"demo.chat\"".into(),
        );
    }
    if topic.len() > MAX_LEN {
        return Some(format!(
            "the topic is {} bytes long; the limit is {MAX_LEN}",
            topic.len()
        ));
    }
    for (index, segment) in topic.split('.').enumerate() {
        if segment.is_empty() {
            return Some(format!(
                "segment {index} is empty; separate segments with single dots"
            ));
        }
        if segment.contains(['*', '>']) {
            return Some(format!(
                "segment {index} (`{segment}`) holds a wildcard; an event's topic is literal, \
                 wildcards belong in subscription patterns"
            ));
        }
        if let Some(bad) = segment
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
        {
            return Some(format!(
                "character {bad:?} in segment {index} is not allowed; use letters, digits, '_' or '-'"
            ));
        }
    }
    None
}

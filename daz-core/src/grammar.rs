//! The topic and pattern grammar, as `const fn`s so constants are checked at
//! compile time.
//!
//! `daz-macros` mirrors these rules (a proc-macro crate cannot call into the
//! crate that re-exports it); `tests/ui` keeps the two in step.

use std::fmt;

/// Longest topic or pattern accepted, in bytes.
pub const MAX_TOPIC_LEN: usize = 256;

/// Why a topic or pattern was rejected.
///
/// Carried by [`Error::InvalidTopic`](crate::Error::InvalidTopic) and
/// [`Error::InvalidPattern`](crate::Error::InvalidPattern).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TopicRule {
    /// The input was the empty string.
    Empty,
    /// The input is longer than [`MAX_TOPIC_LEN`] bytes.
    TooLong {
        /// Length of the input in bytes.
        len: usize,
    },
    /// Two dots in a row, or a dot at the start or end.
    EmptySegment {
        /// Zero-based index of the empty segment.
        segment: usize,
    },
    /// A byte outside `A-Z a-z 0-9 _ -`.
    BadCharacter {
        /// Byte offset of the offending character.
        offset: usize,
    },
    /// `*` or `>` in a topic (wildcards belong in patterns only).
    WildcardInTopic {
        /// Zero-based index of the segment.
        segment: usize,
    },
    /// A wildcard sharing its segment with other characters (`chat*`).
    PartialWildcard {
        /// Zero-based index of the segment.
        segment: usize,
    },
    /// `>` somewhere other than the last segment.
    TailNotLast {
        /// Zero-based index of the segment.
        segment: usize,
    },
}

impl TopicRule {
    /// Describes the rule against `input`, the string that broke it.
    pub(crate) fn describe(self, input: &str) -> String {
        match self {
            Self::BadCharacter { offset } => {
                let ch = input.get(offset..).and_then(|s| s.chars().next());
                match ch {
                    Some(c) => format!(
                        "character {c:?} at byte {offset} is not allowed; use letters, digits, '_' or '-'"
                    ),
                    None => format!("byte {offset} is not allowed"),
                }
            }
            other => other.to_string(),
        }
    }
}

impl fmt::Display for TopicRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("it is empty"),
            Self::TooLong { len } => {
                write!(f, "it is {len} bytes long; the limit is {MAX_TOPIC_LEN}")
            }
            Self::EmptySegment { segment } => write!(
                f,
                "segment {segment} is empty; segments are separated by single dots"
            ),
            Self::BadCharacter { offset } => write!(
                f,
                "the character at byte {offset} is not allowed; use letters, digits, '_' or '-'"
            ),
            Self::WildcardInTopic { segment } => write!(
                f,
                "segment {segment} is a wildcard; '*' and '>' are only allowed in patterns"
            ),
            Self::PartialWildcard { segment } => write!(
                f,
                "segment {segment} mixes a wildcard with other characters; '*' and '>' must be whole segments"
            ),
            Self::TailNotLast { segment } => write!(
                f,
                "'>' is segment {segment} but not the last; it matches the whole tail and must end the pattern"
            ),
        }
    }
}

const fn allowed(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Checks `s` against the grammar; wildcards are allowed when `pattern`.
pub(crate) const fn check(s: &str, pattern: bool) -> Result<(), TopicRule> {
    let b = s.as_bytes();
    if b.is_empty() {
        return Err(TopicRule::Empty);
    }
    if b.len() > MAX_TOPIC_LEN {
        return Err(TopicRule::TooLong { len: b.len() });
    }
    let mut i = 0;
    let mut segment = 0;
    let mut seg_start = 0;
    while i <= b.len() {
        if i == b.len() || b[i] == b'.' {
            let len = i - seg_start;
            if len == 0 {
                return Err(TopicRule::EmptySegment { segment });
            }
            let first = b[seg_start];
            if len == 1 && (first == b'*' || first == b'>') {
                if !pattern {
                    return Err(TopicRule::WildcardInTopic { segment });
                }
                if first == b'>' && i != b.len() {
                    return Err(TopicRule::TailNotLast { segment });
                }
            }
            segment += 1;
            seg_start = i + 1;
        } else if b[i] == b'*' || b[i] == b'>' {
            let alone = i == seg_start && (i + 1 == b.len() || b[i + 1] == b'.');
            if !alone {
                return Err(if pattern {
                    TopicRule::PartialWildcard { segment }
                } else {
                    TopicRule::WildcardInTopic { segment }
                });
            }
        } else if !allowed(b[i]) {
            return Err(TopicRule::BadCharacter { offset: i });
        }
        i += 1;
    }
    Ok(())
}

/// Panics with the rule's message; used only from `from_static` constructors,
/// where evaluation in a `const` turns the panic into a compile error.
pub(crate) const fn fail(rule: TopicRule) -> ! {
    match rule {
        TopicRule::Empty => panic!("invalid topic: it is empty"),
        TopicRule::TooLong { .. } => panic!("invalid topic: longer than 256 bytes"),
        TopicRule::EmptySegment { .. } => panic!("invalid topic: empty segment"),
        TopicRule::BadCharacter { .. } => {
            panic!("invalid topic: only letters, digits, '_' and '-' are allowed")
        }
        TopicRule::WildcardInTopic { .. } => {
            panic!("invalid topic: wildcards are only allowed in patterns")
        }
        TopicRule::PartialWildcard { .. } => {
            panic!("invalid pattern: '*' and '>' must be whole segments")
        }
        TopicRule::TailNotLast { .. } => panic!("invalid pattern: '>' must be the last segment"),
    }
}

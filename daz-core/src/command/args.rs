//! Typed command arguments: the [`Args`] reader, the [`FromArgs`] and
//! [`FromArg`] traits, and [`ArgError`], what a user did wrong.

use std::borrow::Cow;
use std::fmt;

/// Reads a command's arguments, left to right: words split at whitespace,
/// `"double quotes"` (or `“curly quotes”`) group words into one, and `\"`
/// inside quotes is a literal quote.
///
/// ```
/// use daz_core::command::Args;
///
/// let mut args = Args::new(r#"ann "good \"job\"" 10 and the rest"#);
/// assert_eq!(args.next_word()?.as_deref(), Some("ann"));
/// assert_eq!(args.next_word()?.as_deref(), Some(r#"good "job""#));
/// assert_eq!(args.next_word()?.as_deref(), Some("10"));
/// assert_eq!(args.rest(), "and the rest");
/// assert!(args.is_empty());
/// # Ok::<(), daz_core::command::ArgError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Args<'a> {
    text: &'a str,
    at: usize,
}

/// Where an [`Args`] is, to go back to with [`Args::restore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgsPosition(usize);

fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”')
}

impl<'a> Args<'a> {
    /// Reads `text`.
    #[must_use]
    pub fn new(text: &'a str) -> Self {
        Self { text, at: 0 }
    }

    fn remaining(&self) -> &'a str {
        self.text.get(self.at..).unwrap_or_default()
    }

    fn skip_space(&mut self) {
        let rest = self.remaining();
        self.at += rest.len() - rest.trim_start().len();
    }

    /// Whether only whitespace is left.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.remaining().trim_start().is_empty()
    }

    /// Where the reader is.
    #[must_use]
    pub fn position(&self) -> ArgsPosition {
        ArgsPosition(self.at)
    }

    /// Goes back to `position` (after a failed optional argument).
    pub fn restore(&mut self, position: ArgsPosition) {
        self.at = position.0.min(self.text.len());
    }

    /// The next word, quotes removed; `None` at the end.
    ///
    /// # Errors
    ///
    /// An [`ArgError`] when a quote is not closed.
    pub fn next_word(&mut self) -> Result<Option<Cow<'a, str>>, ArgError> {
        self.skip_space();
        let rest = self.remaining();
        let Some(first) = rest.chars().next() else {
            return Ok(None);
        };
        if !is_open_quote(first) {
            let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
            self.at += len;
            return Ok(Some(Cow::Borrowed(&rest[..len])));
        }
        let body = &rest[first.len_utf8()..];
        let mut owned: Option<String> = None;
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' | '”' | '“' => {
                    self.at += first.len_utf8() + i + c.len_utf8();
                    return Ok(Some(match owned {
                        Some(text) => Cow::Owned(text),
                        None => Cow::Borrowed(&body[..i]),
                    }));
                }
                '\\' if body[i + 1..].starts_with(['"', '\\']) => {
                    let text = owned.get_or_insert_with(|| body[..i].to_owned());
                    if let Some((_, escaped)) = chars.next() {
                        text.push(escaped);
                    }
                }
                _ => {
                    if let Some(text) = owned.as_mut() {
                        text.push(c);
                    }
                }
            }
        }
        Err(ArgError::new(ArgProblem::UnclosedQuote))
    }

    /// Everything left, trimmed, quotes kept; the reader is then empty.
    pub fn rest(&mut self) -> &'a str {
        let rest = self.remaining().trim();
        self.at = self.text.len();
        rest
    }

    /// Checks nothing is left.
    ///
    /// # Errors
    ///
    /// An [`ArgError`] naming the first unexpected word.
    pub fn finish(&mut self) -> Result<(), ArgError> {
        match self.next_word()? {
            None => Ok(()),
            Some(word) => Err(ArgError::new(ArgProblem::Unexpected {
                value: shorten(&word),
            })),
        }
    }
}

/// What is wrong with a command's arguments; shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArgProblem {
    /// An argument is missing.
    Missing,
    /// A word is not a valid value: `expected` says what would be.
    Invalid {
        /// The word given (cut to 32 characters).
        value: String,
        /// What was expected, as a phrase ("a whole number").
        expected: String,
    },
    /// A word was left over after the last argument.
    Unexpected {
        /// The word (cut to 32 characters).
        value: String,
    },
    /// A `"` was opened and not closed.
    UnclosedQuote,
}

/// A bad command argument, as the user should hear about it: what is
/// wrong and, once known, which parameter.
///
/// ```
/// use daz_core::command::{ArgError, FromArg};
///
/// let err = u8::from_arg("300").unwrap_err().param("amount");
/// assert_eq!(err.to_string(), "<amount>: \"300\" is not a whole number from 0 to 255");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError {
    problem: ArgProblem,
    param: Option<String>,
}

/// Cuts a user's word for an error message.
pub(crate) fn shorten(word: &str) -> String {
    const LIMIT: usize = 32;
    if word.chars().count() <= LIMIT {
        word.to_owned()
    } else {
        let mut cut: String = word.chars().take(LIMIT - 1).collect();
        cut.push('…');
        cut
    }
}

impl ArgError {
    /// An error for `problem`.
    #[must_use]
    pub fn new(problem: ArgProblem) -> Self {
        Self {
            problem,
            param: None,
        }
    }

    /// `value` is not what was expected (`expected` is a phrase: "a
    /// colour", "a whole number").
    #[must_use]
    pub fn invalid(value: &str, expected: impl Into<String>) -> Self {
        Self::new(ArgProblem::Invalid {
            value: shorten(value),
            expected: expected.into(),
        })
    }

    /// An argument is missing.
    #[must_use]
    pub fn missing() -> Self {
        Self::new(ArgProblem::Missing)
    }

    /// Names the parameter, unless one is named already.
    #[must_use]
    pub fn param(mut self, name: &str) -> Self {
        if self.param.is_none() {
            self.param = Some(name.trim_start_matches('_').to_owned());
        }
        self
    }

    /// What is wrong.
    #[must_use]
    pub fn problem(&self) -> &ArgProblem {
        &self.problem
    }

    /// The parameter, if known.
    #[must_use]
    pub fn parameter(&self) -> Option<&str> {
        self.param.as_deref()
    }
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(param) = &self.param {
            write!(f, "<{param}>: ")?;
        }
        match &self.problem {
            ArgProblem::Missing => f.write_str("missing"),
            ArgProblem::Invalid { value, expected } => write!(f, "{value:?} is not {expected}"),
            ArgProblem::Unexpected { value } => write!(f, "unexpected {value:?}"),
            ArgProblem::UnclosedQuote => f.write_str("a quote is not closed"),
        }
    }
}

/// A value read from one word of a command (numbers, names, durations…).
/// Implement it for your own types to take them as command parameters;
/// [`FromArgs`] follows.
///
/// ```
/// use daz_core::command::{ArgError, FromArg};
///
/// /// A die: d4, d6, d8, d12 or d20.
/// struct Die(u8);
///
/// impl FromArg for Die {
///     fn from_arg(word: &str) -> Result<Self, ArgError> {
///         match word.to_ascii_lowercase().as_str() {
///             "d4" => Ok(Die(4)), "d6" => Ok(Die(6)), "d8" => Ok(Die(8)),
///             "d12" => Ok(Die(12)), "d20" => Ok(Die(20)),
///             _ => Err(ArgError::invalid(word, "a die (d4, d6, d8, d12 or d20)")),
///         }
///     }
/// }
/// assert_eq!(Die::from_arg("D20")?.0, 20);
/// # Ok::<(), ArgError>(())
/// ```
pub trait FromArg: Sized {
    /// Reads one word (quotes already removed).
    ///
    /// # Errors
    ///
    /// An [`ArgError`] saying what was expected.
    fn from_arg(word: &str) -> Result<Self, ArgError>;
}

/// A command parameter: reads itself from the [`Args`]. Every [`FromArg`]
/// type is one (one word, required); so are `Option<T>` (optional: absent,
/// or a word that does not parse, gives `None` and leaves the word),
/// `Vec<T>` (as many as parse, possibly none) and [`Rest`] (the rest of
/// the line).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a command parameter",
    label = "not readable from a command's arguments",
    note = "implement `daz_core::command::FromArg` for `{Self}` (one word), or `FromArgs` to read several"
)]
pub trait FromArgs: Sized {
    /// Reads the value.
    ///
    /// # Errors
    ///
    /// An [`ArgError`] saying what is wrong.
    fn from_args(args: &mut Args<'_>) -> Result<Self, ArgError>;

    /// How the parameter `name` reads in a usage line: `<name>`, `[name]`,
    /// `[name...]`.
    #[must_use]
    fn usage(name: &str) -> String {
        format!("<{name}>")
    }
}

impl<T: FromArg> FromArgs for T {
    fn from_args(args: &mut Args<'_>) -> Result<Self, ArgError> {
        match args.next_word()? {
            Some(word) => T::from_arg(&word),
            None => Err(ArgError::missing()),
        }
    }
}

impl<T: FromArgs> FromArgs for Option<T> {
    fn from_args(args: &mut Args<'_>) -> Result<Self, ArgError> {
        if args.is_empty() {
            return Ok(None);
        }
        let start = args.position();
        match T::from_args(args) {
            Ok(value) => Ok(Some(value)),
            Err(e) if e.problem == ArgProblem::UnclosedQuote => Err(e),
            Err(_) => {
                args.restore(start);
                Ok(None)
            }
        }
    }

    fn usage(name: &str) -> String {
        format!("[{}]", bare(&T::usage(name)))
    }
}

impl<T: FromArgs> FromArgs for Vec<T> {
    fn from_args(args: &mut Args<'_>) -> Result<Self, ArgError> {
        let mut values = Vec::new();
        while !args.is_empty() {
            let start = args.position();
            match T::from_args(args) {
                Ok(value) => values.push(value),
                Err(e) if e.problem == ArgProblem::UnclosedQuote => return Err(e),
                Err(_) => {
                    args.restore(start);
                    break;
                }
            }
            if args.position() == start {
                break;
            }
        }
        Ok(values)
    }

    fn usage(name: &str) -> String {
        format!("[{}...]", bare(&T::usage(name)))
    }
}

/// A usage fragment without its outer brackets.
fn bare(usage: &str) -> &str {
    usage
        .strip_prefix(['<', '['])
        .and_then(|u| u.strip_suffix(['>', ']']))
        .unwrap_or(usage)
}

/// The rest of the line, as typed (quotes kept, trimmed); required: use
/// `Option<Rest>` to allow nothing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rest(pub String);

impl FromArgs for Rest {
    fn from_args(args: &mut Args<'_>) -> Result<Self, ArgError> {
        let rest = args.rest();
        if rest.is_empty() {
            Err(ArgError::missing())
        } else {
            Ok(Self(rest.to_owned()))
        }
    }

    fn usage(name: &str) -> String {
        format!("<{name}...>")
    }
}

impl std::ops::Deref for Rest {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Rest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;

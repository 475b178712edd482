//! [`FromArg`] for the standard types, and [`UserName`].

use std::fmt;
use std::num::IntErrorKind;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::args::{ArgError, FromArg};

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl FromArg for $t {
            fn from_arg(word: &str) -> Result<Self, ArgError> {
                word.parse::<$t>().map_err(|e| {
                    let expected = match e.kind() {
                        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                            format!("a whole number from {} to {}", <$t>::MIN, <$t>::MAX)
                        }
                        _ if <$t>::MIN == 0 && word.starts_with('-') => {
                            "a whole number of 0 or more".to_owned()
                        }
                        _ => "a whole number".to_owned(),
                    };
                    ArgError::invalid(word, expected)
                })
            }
        }
    )*};
}

integers!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

macro_rules! floats {
    ($($t:ty),*) => {$(
        impl FromArg for $t {
            fn from_arg(word: &str) -> Result<Self, ArgError> {
                match word.parse::<$t>() {
                    Ok(value) if value.is_finite() => Ok(value),
                    _ => Err(ArgError::invalid(word, "a number")),
                }
            }
        }
    )*};
}

floats!(f32, f64);

/// `true`/`false`, `yes`/`no`, `on`/`off`, `1`/`0` (any case).
impl FromArg for bool {
    fn from_arg(word: &str) -> Result<Self, ArgError> {
        match word.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" | "1" => Ok(true),
            "false" | "no" | "n" | "off" | "0" => Ok(false),
            _ => Err(ArgError::invalid(word, "yes or no")),
        }
    }
}

/// One word, or several in quotes.
impl FromArg for String {
    fn from_arg(word: &str) -> Result<Self, ArgError> {
        Ok(word.to_owned())
    }
}

/// A duration such as `90s`, `10m` or `1h30m` (units `ms`, `s`, `m`, `h`,
/// `d`; any case).
impl FromArg for Duration {
    fn from_arg(word: &str) -> Result<Self, ArgError> {
        crate::parse_duration(&word.to_ascii_lowercase())
            .map_err(|_| ArgError::invalid(word, "a duration like 10m or 1h30m"))
    }
}

/// A CyTube user name: 1–20 letters, digits, `_` or `-` (the server's
/// rule), given with or without a leading `@`. CyTube matches names
/// case-insensitively in most places; compare with
/// [`is`](UserName::is).
///
/// ```
/// use daz_core::command::{FromArg, UserName};
///
/// let name = UserName::from_arg("@Some_User")?;
/// assert_eq!(name.as_str(), "Some_User");
/// assert!(name.is("some_user"));
/// assert!(UserName::from_arg("no spaces!").is_err());
/// # Ok::<(), daz_core::command::ArgError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserName(String);

impl UserName {
    /// Checks `name` against CyTube's rule.
    ///
    /// # Errors
    ///
    /// An [`ArgError`] if it is not a valid user name.
    pub fn new(name: &str) -> Result<Self, ArgError> {
        Self::from_arg(name)
    }

    /// The name, as given.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is `other`, ignoring case.
    #[must_use]
    pub fn is(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other)
    }
}

impl FromArg for UserName {
    fn from_arg(word: &str) -> Result<Self, ArgError> {
        let name = word.strip_prefix('@').unwrap_or(word);
        let valid = (1..=20).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(ArgError::invalid(word, "a user name"))
        }
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for UserName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

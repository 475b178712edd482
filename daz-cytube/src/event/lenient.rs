//! Tolerant readers for the type hazards the protocol reference lists:
//! numbers sent as strings, `false`-or-string, `null` for absent.

use serde::{Deserialize, Deserializer};

/// Reads a number from a JSON number, a numeric string, or `null`.
struct NumberVisitor;

impl<'de> serde::de::Visitor<'de> for NumberVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number or a numeric string")
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "JSON numbers are f64 to the server"
    )]
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    #[allow(
        clippy::cast_precision_loss,
        reason = "JSON numbers are f64 to the server"
    )]
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<f64, E> {
        v.trim()
            .parse::<f64>()
            .map_err(|_| E::custom(format!("{v:?} is not a number")))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<f64, E> {
        Ok(0.0)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<f64, E> {
        Ok(0.0)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<f64, D::Error> {
        d.deserialize_any(NumberVisitor)
    }
}

/// A number, or a string holding one (`"5"`); `null` is 0.
pub(crate) fn number<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    d.deserialize_any(NumberVisitor)
}

/// A whole number of 0 or more, or a string holding one; `null` is 0.
pub(crate) fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let n = number(d)?;
    if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_992.0 {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked: a whole number within f64's exact integer range"
        )]
        let whole = n as u64;
        Ok(whole)
    } else {
        Err(serde::de::Error::custom(format!(
            "{n} is not a whole number of 0 or more"
        )))
    }
}

/// An epoch time in milliseconds (number or numeric string).
pub(crate) fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = number(d)?;
    if n.is_finite() && n.abs() <= 9_007_199_254_740_992.0 {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "checked: within f64's exact integer range"
        )]
        let ms = n.trunc() as i64;
        Ok(ms)
    } else {
        Err(serde::de::Error::custom(format!("{n} is not a time")))
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum FalseOrText {
    Flag(bool),
    Text(String),
}

/// `false` (or `null`, or absent) for none, else the string (a channel
/// password).
pub(crate) fn false_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<FalseOrText>::deserialize(d)? {
        None | Some(FalseOrText::Flag(false)) => None,
        Some(FalseOrText::Flag(true)) => Some(String::new()),
        Some(FalseOrText::Text(text)) => Some(text),
    })
}

/// [`false_or_string`], held as a [`daz_core::Secret`].
pub(crate) fn false_or_secret<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<daz_core::Secret>, D::Error> {
    Ok(false_or_string(d)?.map(daz_core::Secret::new))
}

/// A string, with `null` read as empty.
pub(crate) fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// A string or a number, as text (ids that are sometimes either).
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(text)) => text,
        Some(other) => other.to_string(),
    })
}

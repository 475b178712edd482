//! The environment layer: `DAZ_<SECTION>__<KEY>[__<KEY>…]`.

use serde_json::{Map, Value};

use crate::{Error, Result};

/// The key path a variable names, lower-cased: `DAZ_GREETER__COOLDOWN` →
/// `["greeter", "cooldown"]`. `None` for variables that are not
/// configuration (no `DAZ_` prefix, or no `__`).
pub(super) fn key_path(name: &str) -> Option<Vec<String>> {
    let rest = name.strip_prefix("DAZ_")?;
    if !rest.contains("__") {
        return None;
    }
    let path: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
    path.iter().all(|p| !p.is_empty()).then_some(path)
}

/// Sets `value` at `path` in `root`; returns the dotted key.
pub(super) fn apply(
    root: &mut Map<String, Value>,
    path: &[String],
    value: &str,
    var: &str,
) -> Result<String> {
    let key = path.join(".");
    let parsed =
        serde_json::from_str::<Value>(value).unwrap_or_else(|_| Value::String(value.to_owned()));
    let (last, parents) = path.split_last().ok_or_else(|| not_a_table(var, &key))?;
    let mut table = root;
    for part in parents {
        let entry = table
            .entry(part.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        table = entry
            .as_object_mut()
            .ok_or_else(|| not_a_table(var, &key))?;
    }
    table.insert(last.clone(), parsed);
    Ok(key)
}

fn not_a_table(var: &str, key: &str) -> Error {
    Error::ConfigValue {
        origin: format!("from {var}"),
        key: key.to_owned(),
        reason: "a part of this key path is a value, not a table".to_owned(),
    }
}

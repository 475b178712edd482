//! Configured rules: events matching a pattern become rows of a table the
//! operator names, with columns taken from the payload (dot paths) or the
//! envelope (`@time`, `@topic`, `@source`, `@room`, `@correlation`).

use std::collections::BTreeMap;
use std::sync::Arc;

use daz_core::{Event, Pattern};
use serde::Deserialize;
use serde_json::Value;

use super::rows::{CustomRow, Row};

/// One rule (`[[logger.rules]]`).
///
/// ```toml
/// [[logger.rules]]
/// pattern = "economy.transfer"
/// table = "daz_economy_transfers"     # created by the owning module's migration
/// columns = { at_ms = "@time", from_user = "from", to_user = "to", amount = "amount" }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// Which events.
    pub pattern: String,
    /// The table (`daz_<module>_<table>`).
    pub table: String,
    /// Column → where its value comes from.
    pub columns: BTreeMap<String, String>,
}

/// A rule, checked and ready.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    pattern: Pattern,
    table: Arc<str>,
    columns: Arc<[String]>,
    sources: Vec<String>,
}

fn identifier(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl CompiledRule {
    /// Checks a rule; the message names what is wrong.
    pub(crate) fn compile(rule: &Rule) -> Result<Self, String> {
        let pattern = Pattern::new(rule.pattern.as_str()).map_err(|e| e.to_string())?;
        if !rule.table.starts_with("daz_") || !identifier(&rule.table) {
            return Err(format!(
                "table {:?}: use a table named daz_<module>_<table> (lower-case letters, digits, '_')",
                rule.table
            ));
        }
        if rule.columns.is_empty() {
            return Err(format!("table {:?}: name at least one column", rule.table));
        }
        if let Some(bad) = rule.columns.keys().find(|c| !identifier(c)) {
            return Err(format!(
                "column {bad:?}: use lower-case letters, digits and '_'"
            ));
        }
        let columns: Arc<[String]> = rule.columns.keys().cloned().collect();
        let sources = rule.columns.values().cloned().collect();
        Ok(Self {
            pattern,
            table: rule.table.as_str().into(),
            columns,
            sources,
        })
    }

    /// The row for `event`, if it matches.
    pub(crate) fn row(&self, event: &Event) -> Option<Row> {
        if !self.pattern.matches(event.topic()) {
            return None;
        }
        let payload = event.payload_json().unwrap_or(Value::Null);
        let values = self
            .sources
            .iter()
            .map(|source| value_of(event, &payload, source))
            .collect();
        Some(Row::Custom(CustomRow {
            table: Arc::clone(&self.table),
            columns: Arc::clone(&self.columns),
            values,
        }))
    }
}

fn value_of(event: &Event, payload: &Value, source: &str) -> Value {
    match source {
        "@time" => Value::from(super::rows::at_ms(event)),
        "@topic" => Value::from(event.topic().to_string()),
        "@source" => event.source().map_or(Value::Null, Value::from),
        "@room" => event.room().map_or(Value::Null, Value::from),
        "@correlation" => event
            .correlation_id()
            .map_or(Value::Null, |id| Value::from(id.to_string())),
        path => path
            .split('.')
            .try_fold(payload, |v, key| v.get(key))
            .cloned()
            .unwrap_or(Value::Null),
    }
}

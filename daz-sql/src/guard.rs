//! What a module may run over the bus: one parameterized statement on its
//! own tables.

use crate::migrate::names::{prefix, words};

/// What a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `SELECT` / `WITH`, answered with rows.
    Query,
    /// `INSERT` / `UPDATE` / `DELETE`, answered with a count.
    Exec,
}

const TABLE_KEYWORDS: [&str; 5] = ["from", "join", "into", "update", "table"];
const FORBIDDEN: [&str; 10] = [
    "create", "drop", "alter", "grant", "revoke", "attach", "detach", "pragma", "vacuum", "copy",
];

/// Why `sql` from `module` is refused, if it is.
pub(crate) fn refusal(module: &str, kind: Kind, sql: &str) -> Option<String> {
    if sql.contains('\'') {
        return Some(
            "parameterized statements only: pass values as params ($1, $2…), not quoted literals"
                .to_owned(),
        );
    }
    let words = words(sql);
    let statements = words.iter().filter(|w| *w == ";").count();
    let trailing = words.last().is_some_and(|w| w == ";");
    if statements > usize::from(trailing) {
        return Some("one statement per request".to_owned());
    }
    let first = words.first().map(String::as_str).unwrap_or_default();
    match kind {
        Kind::Query if !matches!(first, "select" | "with") => {
            return Some(
                "sql.query runs SELECT (or WITH … SELECT); use sql.exec to change data".to_owned(),
            );
        }
        Kind::Exec if !matches!(first, "insert" | "update" | "delete" | "with") => {
            return Some(
                "sql.exec runs INSERT, UPDATE or DELETE; tables change through migrations"
                    .to_owned(),
            );
        }
        _ => {}
    }
    if let Some(word) = words.iter().find(|w| FORBIDDEN.contains(&w.as_str())) {
        return Some(format!(
            "{} is not allowed over the bus; tables change through migrations",
            word.to_uppercase()
        ));
    }
    let own = prefix(module);
    for (i, word) in words.iter().enumerate() {
        let names_table = i > 0 && TABLE_KEYWORDS.contains(&words[i - 1].as_str());
        let daz_table = word.starts_with("daz_");
        if (names_table || daz_table) && word != "(" && !word.starts_with(&own) {
            return Some(format!(
                "table {word:?} is not module {module:?}'s; it may use tables named {own}<table>"
            ));
        }
    }
    None
}

//! What a module may run over the bus: one parameterized statement on its
//! own tables, calling only allow-listed functions.
//!
//! The statement is split into tokens (words, quoted names, punctuation);
//! then every place a table can be named must name one of the module's
//! own (`daz_<module>_…`), every function called must be on
//! [`FUNCTIONS`], and no word may reach the database's own catalogue.

use crate::migrate::names::prefix;

/// What a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `SELECT` / `WITH`, answered with rows.
    Query,
    /// `INSERT` / `UPDATE` / `DELETE`, answered with a count.
    Exec,
}

/// Words after which a table name follows.
const TABLE_KEYWORDS: [&str; 5] = ["from", "join", "into", "update", "table"];
/// Words that end a `FROM a, b` list.
const CLAUSES: [&str; 16] = [
    "where",
    "group",
    "order",
    "limit",
    "offset",
    "having",
    "on",
    "using",
    "union",
    "intersect",
    "except",
    "window",
    "returning",
    "set",
    "values",
    "select",
];
/// Never allowed: schema changes and database administration.
const FORBIDDEN: [&str; 12] = [
    "create", "drop", "alter", "grant", "revoke", "attach", "detach", "pragma", "vacuum", "copy",
    "truncate", "reindex",
];
/// Names that reach the database's own catalogue or other schemas.
const CATALOGUE: [&str; 5] = [
    "pg_",
    "sqlite_",
    "information_schema",
    "mysql",
    "performance_schema",
];
/// Keywords that may stand before `(` without being a function call.
const BEFORE_PAREN: [&str; 31] = [
    "select",
    "from",
    "join",
    "where",
    "and",
    "or",
    "not",
    "in",
    "exists",
    "values",
    "as",
    "on",
    "using",
    "when",
    "then",
    "else",
    "by",
    "over",
    "filter",
    "any",
    "all",
    "some",
    "having",
    "between",
    "like",
    "is",
    "union",
    "returning",
    "set",
    "into",
    "conflict",
];
/// The functions a statement may call: aggregates, arithmetic, text,
/// time and JSON helpers common to PostgreSQL and SQLite. Nothing that
/// reads files, sleeps, runs a query from a string or changes settings.
pub(crate) const FUNCTIONS: [&str; 40] = [
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "coalesce",
    "nullif",
    "ifnull",
    "greatest",
    "least",
    "abs",
    "round",
    "floor",
    "ceil",
    "lower",
    "upper",
    "length",
    "char_length",
    "trim",
    "ltrim",
    "rtrim",
    "substr",
    "substring",
    "replace",
    "instr",
    "strpos",
    "cast",
    "now",
    "date",
    "datetime",
    "strftime",
    "date_trunc",
    "extract",
    "row_number",
    "rank",
    "dense_rank",
    "string_agg",
    "group_concat",
    "json_extract",
    "jsonb_extract_path_text",
];

/// One token of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// A word or a quoted name, lower case.
    Word(String),
    /// A string literal (refused: values travel as parameters).
    Literal,
    /// Any other character that is not white space.
    Punct(char),
}

fn tokens(sql: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<Token>| {
        if !word.is_empty() {
            out.push(Token::Word(std::mem::take(word).to_lowercase()));
        }
    };
    while let Some(c) = chars.next() {
        if c.is_alphanumeric() || c == '_' || c == '$' {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out);
        match c {
            '-' if chars.peek() == Some(&'-') => {
                chars.by_ref().take_while(|c| *c != '\n').for_each(drop);
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '\'' => out.push(Token::Literal),
            '"' | '`' | '[' => {
                let close = if c == '[' { ']' } else { c };
                let quoted: String = chars.by_ref().take_while(|c| *c != close).collect();
                out.push(Token::Word(quoted.to_lowercase()));
            }
            c if c.is_whitespace() => {}
            c => out.push(Token::Punct(c)),
        }
    }
    flush(&mut word, &mut out);
    out
}

fn word(token: Option<&Token>) -> Option<&str> {
    match token {
        Some(Token::Word(w)) => Some(w),
        _ => None,
    }
}

/// Why `sql` from `module` is refused, if it is.
pub(crate) fn refusal(module: &str, kind: Kind, sql: &str) -> Option<String> {
    let tokens = tokens(sql);
    if tokens.contains(&Token::Literal) {
        return Some(
            "parameterized statements only: pass values as params ($1, $2…), not quoted literals"
                .to_owned(),
        );
    }
    let semicolons = tokens.iter().filter(|t| **t == Token::Punct(';')).count();
    let trailing = tokens.last() == Some(&Token::Punct(';'));
    if semicolons > usize::from(trailing) {
        return Some("one statement per request".to_owned());
    }
    let first = word(tokens.first()).unwrap_or_default();
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
    let own = prefix(module);
    // `WITH name AS (…)`: the query's own names, checked where defined.
    let ctes: Vec<&str> = tokens
        .windows(3)
        .filter_map(|w| match w {
            [Token::Word(name), Token::Word(a), Token::Punct('(')] if a == "as" => {
                Some(name.as_str())
            }
            _ => None,
        })
        .collect();
    let mut from_depth: Option<usize> = None;
    // One entry per open parenthesis: whether it holds a function's
    // arguments, where `FROM` is syntax (`EXTRACT(EPOCH FROM t)`).
    let mut parens: Vec<bool> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let depth = parens.len();
        let before = i.checked_sub(1).and_then(|b| tokens.get(b));
        match token {
            Token::Punct('(') => {
                parens.push(word(before).is_some_and(|w| FUNCTIONS.contains(&w)));
            }
            Token::Punct(')') => {
                if from_depth == Some(depth) {
                    from_depth = None;
                }
                parens.pop();
            }
            Token::Punct(_) | Token::Literal => {}
            Token::Word(w) => {
                if let Some(why) = word_refusal(module, &own, w) {
                    return Some(why);
                }
                if CLAUSES.contains(&w.as_str()) && from_depth == Some(depth) {
                    from_depth = None;
                }
                // `FROM` inside `EXTRACT(… FROM …)` or `IS DISTINCT FROM`.
                let in_call = parens.last() == Some(&true);
                let syntax_from = |at: usize| in_call || is_distinct_from(&tokens, at);
                if (w == "from" || w == "join") && !syntax_from(i) {
                    from_depth = Some(depth);
                }
                let names_table = word(before).is_some_and(|b| {
                    TABLE_KEYWORDS.contains(&b) && !(b == "from" && syntax_from(i - 1))
                }) || (before == Some(&Token::Punct(','))
                    && from_depth == Some(depth));
                if names_table
                    && !w.starts_with(&own)
                    && !ctes.contains(&w.as_str())
                    && !is_keyword_after_table_word(w)
                {
                    return Some(format!(
                        "table {w:?} is not module {module:?}'s; it may use tables named {own}<table>"
                    ));
                }
                let called = tokens.get(i + 1) == Some(&Token::Punct('('));
                if called
                    && !w.starts_with(&own)
                    && !BEFORE_PAREN.contains(&w.as_str())
                    && !FUNCTIONS.contains(&w.as_str())
                {
                    return Some(format!(
                        "the function {w}() is not allowed over the bus; allowed: {}",
                        FUNCTIONS.join(", ")
                    ));
                }
            }
        }
    }
    None
}

/// Words that may follow `FROM`/`JOIN`/`UPDATE` without being a table:
/// `JOIN LATERAL`, `FROM ONLY`, `ON CONFLICT … DO UPDATE SET`.
fn is_keyword_after_table_word(word: &str) -> bool {
    matches!(word, "lateral" | "only" | "set")
}

/// Whether the `FROM` at `i` is part of `IS [NOT] DISTINCT FROM`.
fn is_distinct_from(tokens: &[Token], i: usize) -> bool {
    i.checked_sub(1)
        .and_then(|b| word(tokens.get(b)))
        .is_some_and(|b| b == "distinct")
}

fn word_refusal(module: &str, own: &str, w: &str) -> Option<String> {
    if FORBIDDEN.contains(&w) {
        return Some(format!(
            "{} is not allowed over the bus; tables change through migrations",
            w.to_uppercase()
        ));
    }
    if w.starts_with("daz_") && !w.starts_with(own) {
        return Some(format!(
            "table {w:?} is not module {module:?}'s; it may use tables named {own}<table>"
        ));
    }
    if CATALOGUE.iter().any(|c| w.starts_with(c)) {
        return Some(format!(
            "{w:?} reaches the database's catalogue, which modules may not read"
        ));
    }
    None
}

#[cfg(test)]
mod tests;

//! Which tables a migration touches, so a module keeps to its own
//! (`daz_<module>_<table>`).

/// The words of `sql`, lower-cased, with comments and string literals left
/// out; quoted identifiers keep their text.
pub(crate) fn words(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = sql.chars().peekable();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            out.push(std::mem::take(word).to_lowercase());
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                flush(&mut word, &mut out);
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                flush(&mut word, &mut out);
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '\'' => {
                flush(&mut word, &mut out);
                while let Some(c) = chars.next() {
                    if c == '\'' && chars.peek() != Some(&'\'') {
                        break;
                    }
                    if c == '\'' {
                        chars.next();
                    }
                }
            }
            '"' | '`' => {
                flush(&mut word, &mut out);
                let close = c;
                let quoted: String = chars.by_ref().take_while(|c| *c != close).collect();
                out.push(quoted.to_lowercase());
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' || c == '$' => word.push(c),
            '(' | ')' | ',' | ';' => {
                flush(&mut word, &mut out);
                out.push(c.to_string());
            }
            _ => flush(&mut word, &mut out),
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Skips optional words at `at`.
fn skip(words: &[String], mut at: usize, optional: &[&str]) -> usize {
    while words
        .get(at)
        .is_some_and(|w| optional.contains(&w.as_str()))
    {
        at += 1;
    }
    at
}

/// The tables `sql` creates, alters, drops or indexes, as written.
pub(crate) fn tables(sql: &str) -> Vec<String> {
    let words = words(sql);
    let mut found = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        let next = |j: usize| words.get(j).map(String::as_str);
        match w {
            "create" => {
                let at = skip(
                    &words,
                    i + 1,
                    &["temp", "temporary", "unlogged", "or", "replace", "unique"],
                );
                match next(at) {
                    Some("table" | "view") => {
                        let at = skip(&words, at + 1, &["if", "not", "exists"]);
                        if let Some(name) = next(at) {
                            found.push(name.to_owned());
                        }
                    }
                    Some("index") => {
                        // The index's own name is free; its table is after ON.
                        if let Some(on) = words[at..].iter().position(|w| w == "on") {
                            let at = skip(&words, at + on + 1, &["only"]);
                            if let Some(name) = next(at) {
                                found.push(name.to_owned());
                            }
                        }
                    }
                    _ => {}
                }
            }
            "alter" | "drop" if next(i + 1) == Some("table") => {
                let mut at = skip(&words, i + 2, &["if", "exists", "only"]);
                while let Some(name) = next(at) {
                    found.push(name.to_owned());
                    if next(at + 1) != Some(",") || w == "alter" {
                        break;
                    }
                    at += 2;
                }
            }
            _ => {}
        }
        i += 1;
    }
    found
}

/// The tables and views `sql` creates, and those it drops, as written:
/// what the ownership register (`daz_schema_tables`) records.
pub(crate) fn created_and_dropped(sql: &str) -> (Vec<String>, Vec<String>) {
    let words = words(sql);
    let (mut created, mut dropped) = (Vec::new(), Vec::new());
    for (i, w) in words.iter().enumerate() {
        let next = |j: usize| words.get(j).map(String::as_str);
        match w.as_str() {
            "create" => {
                let at = skip(
                    &words,
                    i + 1,
                    &["temp", "temporary", "unlogged", "or", "replace"],
                );
                if matches!(next(at), Some("table" | "view")) {
                    let at = skip(&words, at + 1, &["if", "not", "exists"]);
                    created.extend(next(at).map(str::to_owned));
                }
            }
            "drop" if matches!(next(i + 1), Some("table" | "view")) => {
                let mut at = skip(&words, i + 2, &["if", "exists"]);
                while let Some(name) = next(at) {
                    dropped.push(name.to_owned());
                    if next(at + 1) != Some(",") {
                        break;
                    }
                    at += 2;
                }
            }
            _ => {}
        }
    }
    (created, dropped)
}

/// The prefix `module`'s tables must carry.
pub(crate) fn prefix(module: &str) -> String {
    format!("daz_{}_", module.to_lowercase().replace('-', "_"))
}

/// The first table in `sql` that is not `module`'s, if any.
pub(crate) fn foreign_table(module: &str, sql: &str) -> Option<String> {
    let prefix = prefix(module);
    tables(sql)
        .into_iter()
        .find(|t| !t.starts_with(&prefix) || t.contains('.') || t.len() == prefix.len())
}

//! The attacks that got past the hand-written tokenizer, and their kin,
//! each refused on both dialects (the databases enforce the same again:
//! see `sql_module/run/tests.rs`).

use super::tests::{BOTH, EXEC, QUERY, shop_owns};
use super::{Kind, refusal};
use crate::database::Backend;

/// Refused on both databases, the reason naming one of `words` (`|`).
fn refused_on_both(kind: Kind, sql: &str, words: &str) {
    for backend in BOTH {
        let why = refusal("shop", backend, kind, sql, &shop_owns);
        assert!(
            why.as_deref()
                .is_some_and(|r| words.split('|').any(|w| r.contains(w))),
            "{backend:?} let through or refused for another reason: {sql:?}: {why:?} (wanted {words})"
        );
    }
}

fn passes_on_both(kind: Kind, sql: &str) {
    for backend in BOTH {
        assert_eq!(
            refusal("shop", backend, kind, sql, &shop_owns),
            None,
            "{backend:?}: {sql}"
        );
    }
}

#[test]
fn array_subscript_hiding_a_subquery() {
    // PostgreSQL runs the subquery inside `[…]`; SQLite reads `[…]` as a
    // quoted name (an alias), as the guard does.
    let sql = "SELECT ARRAY[(SELECT value FROM daz_core_state)] FROM daz_shop_items";
    let pg = refusal("shop", Backend::Postgres, QUERY, sql, &shop_owns);
    assert!(pg.is_some_and(|r| r.contains("daz_core_state")));
    refused_on_both(
        QUERY,
        "SELECT (SELECT value FROM daz_core_state)[1] FROM daz_shop_items",
        "daz_core_state|does not parse",
    );
}

#[test]
fn dollar_quoting_hiding_a_subquery() {
    refused_on_both(
        QUERY,
        "SELECT $a$x$a$ AS n, (SELECT value FROM daz_core_state LIMIT 1) FROM daz_shop_items",
        "parameterized|daz_core_state|does not parse",
    );
    refused_on_both(
        QUERY,
        "SELECT $$ ) $$ FROM daz_shop_items",
        "parameterized|does not parse",
    );
}

#[test]
fn a_comment_ended_by_a_carriage_return() {
    // PostgreSQL ends `--` at `\r` and runs the UNION; SQLite reads a comment.
    let sql = "SELECT id FROM daz_shop_items -- x\r UNION SELECT value FROM daz_core_state";
    let pg = refusal("shop", Backend::Postgres, QUERY, sql, &shop_owns);
    assert!(pg.is_some_and(|r| r.contains("daz_core_state")));
    let sqlite = refusal("shop", Backend::Sqlite, QUERY, sql, &shop_owns);
    assert_eq!(sqlite, None, "SQLite runs only the first line");
}

#[test]
fn a_data_modifying_cte_in_a_query() {
    for sql in [
        "WITH d AS (DELETE FROM daz_shop_items RETURNING id) SELECT * FROM d",
        "WITH d AS (UPDATE daz_shop_items SET name = $1 RETURNING id) SELECT count(*) FROM d",
        "WITH d AS (INSERT INTO daz_shop_items (id) VALUES ($1) RETURNING id) SELECT * FROM d",
        "SELECT * FROM (WITH d AS (DELETE FROM daz_shop_items RETURNING id) SELECT id FROM d) s",
    ] {
        refused_on_both(
            QUERY,
            sql,
            "may not change data|does not parse|sql.query runs",
        );
    }
    // On sql.exec a module may change its own tables that way.
    passes_on_both(
        EXEC,
        "WITH gone AS (DELETE FROM daz_shop_orders WHERE item = $1 RETURNING item) DELETE FROM daz_shop_items WHERE id IN (SELECT item FROM gone)",
    );
}

#[test]
fn another_modules_table_that_shares_the_prefix() {
    refused_on_both(QUERY, "SELECT * FROM daz_shop_x_items", "daz_shop_x_items");
    refused_on_both(EXEC, "DELETE FROM daz_shop_x_items", "daz_shop_x_items");
}

#[test]
fn tables_in_every_place_a_table_can_stand() {
    for sql in [
        "SELECT * FROM daz_shop_items, LATERAL (SELECT * FROM daz_core_state) s",
        "SELECT coalesce((SELECT value FROM daz_core_state), $1)",
        "SELECT * FROM daz_shop_items WHERE EXISTS (SELECT 1 FROM daz_core_state)",
        "SELECT id FROM daz_shop_items INTERSECT SELECT 1 FROM daz_core_state",
        "SELECT id FROM daz_shop_items EXCEPT SELECT 1 FROM daz_core_state",
        "SELECT (SELECT max(id) FROM (SELECT id FROM daz_core_tasks) t) FROM daz_shop_items",
        "SELECT * FROM daz_shop_items JOIN (daz_shop_orders JOIN daz_core_state ON $1) ON $2",
        "SELECT * FROM daz_shop_items ORDER BY (SELECT count(*) FROM daz_core_state)",
        "SELECT count(*) FILTER (WHERE id IN (SELECT 1 FROM daz_core_state)) FROM daz_shop_items",
    ] {
        refused_on_both(QUERY, sql, "daz_core_state|daz_core_tasks|does not parse");
    }
    refused_on_both(
        EXEC,
        "INSERT INTO daz_shop_items (id) SELECT count(*) FROM daz_core_state",
        "daz_core_state",
    );
    refused_on_both(
        EXEC,
        "UPDATE daz_shop_items SET name = (SELECT value FROM daz_core_state LIMIT 1)",
        "daz_core_state",
    );
}

#[test]
fn ctes_hide_no_real_table() {
    // A CTE named like a table is the CTE where it is in scope…
    passes_on_both(
        QUERY,
        "WITH daz_core_state AS (SELECT id FROM daz_shop_items) SELECT * FROM daz_core_state",
    );
    passes_on_both(
        QUERY,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) SELECT i FROM n",
    );
    // …and the real table everywhere else.
    for sql in [
        "WITH users AS (SELECT * FROM users) SELECT * FROM users",
        "WITH a AS (SELECT * FROM b), b AS (SELECT id FROM daz_shop_items) SELECT * FROM a",
        "SELECT * FROM (WITH t AS (SELECT id FROM daz_shop_items) SELECT * FROM t) s, t",
    ] {
        refused_on_both(QUERY, sql, "\"users\"|\"b\"|\"t\"");
    }
}

#[test]
fn table_functions_and_table_syntax() {
    for sql in [
        "SELECT * FROM generate_series(1, $1)",
        "SELECT * FROM json_each($1)",
        "SELECT * FROM pragma_table_info($1)",
        "SELECT * FROM unnest($1)",
        "TABLE daz_core_state",
        "SELECT id FROM daz_shop_items UNION TABLE daz_core_state",
        "SELECT id FROM daz_shop_items WHERE id IN daz_core_state",
    ] {
        refused_on_both(QUERY, sql, "not allowed|does not parse|daz_core_state");
    }
}

#[test]
fn statements_that_are_not_reads_or_writes() {
    for (kind, sql) in [
        (QUERY, "SELECT * INTO daz_shop_copy FROM daz_shop_items"),
        (QUERY, "SELECT * FROM daz_shop_items FOR UPDATE"),
        (EXEC, "CREATE TABLE daz_shop_more (id INT)"),
        (EXEC, "ATTACH DATABASE $1 AS other"),
        (EXEC, "PRAGMA writable_schema = 1"),
        (EXEC, "SET statement_timeout = 0"),
        (EXEC, "VACUUM"),
        (EXEC, "GRANT ALL ON daz_shop_items TO PUBLIC"),
        (
            EXEC,
            "MERGE INTO daz_shop_items USING daz_core_state ON 1 = 1 WHEN MATCHED THEN DELETE",
        ),
        (EXEC, "DROP TABLE daz_shop_items"),
    ] {
        refused_on_both(
            kind,
            sql,
            "not allowed|sql.exec runs|sql.query runs|does not parse|creates a table|row locks",
        );
    }
}

#[test]
fn names_as_each_database_folds_them() {
    passes_on_both(QUERY, "SELECT * FROM \"daz_shop_items\"");
    passes_on_both(QUERY, "SELECT * FROM DAZ_SHOP_ITEMS");
    // PostgreSQL keeps the case of a quoted name: another table.
    let sql = "SELECT * FROM \"Daz_Shop_Items\"";
    assert!(refusal("shop", Backend::Postgres, QUERY, sql, &shop_owns).is_some());
    assert_eq!(
        refusal("shop", Backend::Sqlite, QUERY, sql, &shop_owns),
        None
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let deep = format!(
        "SELECT {}1{} FROM daz_shop_items",
        "(".repeat(5_000),
        ")".repeat(5_000)
    );
    refused_on_both(QUERY, &deep, "does not parse");
    let long = format!(
        "SELECT {} FROM daz_shop_items",
        vec!["id"; 20_000].join(" + ")
    );
    for backend in BOTH {
        // Refused or not, it returns.
        let _ = refusal("shop", backend, QUERY, &long, &shop_owns);
    }
}

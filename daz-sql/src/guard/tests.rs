use super::{Kind, refusal};
use crate::database::Backend;

pub(super) const QUERY: Kind = Kind::Query;
pub(super) const EXEC: Kind = Kind::Exec;
pub(super) const BOTH: [Backend; 2] = [Backend::Postgres, Backend::Sqlite];

/// Module `shop` owns these; `shop_x` owns `daz_shop_x_items`.
pub(super) fn shop_owns(table: &str) -> bool {
    ["daz_shop_items", "daz_shop_orders"].contains(&table)
}

fn refused(backend: Backend, kind: Kind, sql: &str) -> Option<String> {
    refusal("shop", backend, kind, sql, &shop_owns)
}

#[test]
fn the_modules_own_statements_pass() {
    for (kind, sql) in [
        (QUERY, "SELECT id, name FROM daz_shop_items WHERE id = $1"),
        (QUERY, "select count(*) as n from daz_shop_items"),
        (
            QUERY,
            "SELECT i.name, o.qty FROM daz_shop_items i, daz_shop_orders o WHERE i.id = o.item",
        ),
        (
            QUERY,
            "SELECT name FROM daz_shop_items JOIN daz_shop_orders ON (daz_shop_orders.item = daz_shop_items.id)",
        ),
        (QUERY, "SELECT EXTRACT(EPOCH FROM at) FROM daz_shop_orders"),
        (QUERY, "SELECT price * (1 + $1) FROM daz_shop_items"),
        (
            QUERY,
            "WITH cheap AS (SELECT id FROM daz_shop_items WHERE price < $1) SELECT count(*) FROM cheap WHERE id IN (SELECT id FROM daz_shop_items)",
        ),
        (
            QUERY,
            "SELECT name FROM daz_shop_items WHERE name IS DISTINCT FROM $1 ORDER BY name LIMIT 5",
        ),
        (
            QUERY,
            "SELECT * FROM (SELECT name FROM daz_shop_items) AS sub",
        ),
        (
            EXEC,
            "INSERT INTO daz_shop_items (id, name) VALUES ($1, $2);",
        ),
        (
            EXEC,
            "INSERT INTO daz_shop_items (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        ),
        (
            EXEC,
            "UPDATE daz_shop_items SET price = price - $1 WHERE id = $2",
        ),
        (EXEC, "DELETE FROM daz_shop_items WHERE id = $1"),
    ] {
        for backend in BOTH {
            assert_eq!(refused(backend, kind, sql), None, "{backend:?}: {sql}");
        }
    }
}

/// Injection and escape attempts, each with a word of the reason given.
#[test]
fn injection_and_escape_attempts_are_refused_with_a_reason() {
    for (kind, sql, why) in [
        (
            QUERY,
            "SELECT * FROM daz_shop_items WHERE name = 'x' OR '1'='1'",
            "parameterized",
        ),
        (
            QUERY,
            "SELECT 1; DROP TABLE daz_shop_items",
            "one statement|does not parse",
        ),
        (
            QUERY,
            "SELECT 1; -- harmless?\nDELETE FROM daz_shop_items",
            "one statement",
        ),
        (QUERY, "DELETE FROM daz_shop_items", "sql.query runs SELECT"),
        (EXEC, "SELECT 1", "sql.exec runs"),
        (EXEC, "DROP TABLE daz_shop_items", "sql.exec runs"),
        (
            EXEC,
            "WITH x AS (SELECT 1) DELETE FROM daz_shop_items; DROP TABLE daz_shop_items",
            "one statement",
        ),
        (
            EXEC,
            "WITH gone AS (DELETE FROM daz_core_state RETURNING *) INSERT INTO daz_shop_items SELECT * FROM gone",
            "daz_core_state",
        ),
        (QUERY, "SELECT * FROM daz_core_state", "daz_core_state"),
        (
            QUERY,
            "SELECT * FROM daz_shop_items, daz_economy_balances",
            "daz_economy_balances",
        ),
        (QUERY, "SELECT * FROM daz_shop_items, users", "\"users\""),
        (
            QUERY,
            "SELECT * FROM daz_shop_items i JOIN accounts a ON a.id = i.id",
            "\"accounts\"",
        ),
        (
            QUERY,
            "SELECT * FROM daz_shop_items UNION SELECT * FROM secrets",
            "\"secrets\"",
        ),
        (
            QUERY,
            "SELECT * FROM \"DAZ_CORE_STATE\"",
            "DAZ_CORE_STATE|daz_core_state",
        ),
        (
            QUERY,
            "SELECT * FROM [daz_core_state]",
            "daz_core_state|does not parse",
        ),
        (QUERY, "SELECT * FROM public.daz_core_state", "schema"),
        (QUERY, "SELECT * FROM sqlite_master", "sqlite_master"),
        (QUERY, "SELECT * FROM pg_catalog.pg_tables", "schema"),
        (
            QUERY,
            "SELECT table_name FROM information_schema.tables",
            "schema",
        ),
        (
            QUERY,
            "SELECT (SELECT usename FROM pg_user) FROM daz_shop_items",
            "pg_user",
        ),
        (QUERY, "SELECT pg_read_file($1)", "pg_read_file()"),
        (
            QUERY,
            "SELECT query_to_xml($1, true, true, $2)",
            "query_to_xml()",
        ),
        (QUERY, "SELECT current_setting($1)", "current_setting()"),
        (QUERY, "SELECT set_config($1, $2, false)", "set_config()"),
        (QUERY, "SELECT lo_import($1)", "lo_import()"),
        (QUERY, "SELECT load_extension($1)", "load_extension()"),
        (QUERY, "SELECT dblink($1, $2)", "dblink()"),
        (
            QUERY,
            "SELECT name FROM daz_shop_items WHERE id = (SELECT version())",
            "version()",
        ),
        (
            QUERY,
            "SELECT/**/*/**/FROM/**/daz_core_state",
            "daz_core_state",
        ),
        (
            EXEC,
            "UPDATE daz_economy_balances SET amount = $1",
            "daz_economy_balances",
        ),
        (
            EXEC,
            "INSERT INTO daz_economy_balances VALUES ($1)",
            "daz_economy_balances",
        ),
        (
            EXEC,
            "DELETE FROM daz_shop_items; TRUNCATE daz_shop_items",
            "one statement",
        ),
        (
            EXEC,
            "COPY daz_shop_items FROM $1",
            "sql.exec runs|does not parse",
        ),
        (
            QUERY,
            "WITH x AS (SELECT 1) SELECT * FROM x CROSS JOIN pg_shadow",
            "pg_shadow",
        ),
    ] {
        for backend in BOTH {
            let why_refused = refused(backend, kind, sql);
            assert!(
                why_refused
                    .as_deref()
                    .is_some_and(|r| why.split('|').any(|w| r.contains(w))),
                "{backend:?}: {sql}: {why_refused:?}, wanted a reason naming {why}"
            );
        }
    }
}

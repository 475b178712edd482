use super::names::{foreign_table, tables};
use super::{Migration, check_declared};

#[test]
fn the_tables_a_migration_touches_are_found() {
    let sql = r#"
        -- CREATE TABLE in_a_comment (x INT);
        CREATE TABLE IF NOT EXISTS daz_shop_items (id INT, note TEXT DEFAULT 'CREATE TABLE nope');
        /* DROP TABLE hidden; */
        CREATE UNIQUE INDEX any_name_at_all ON daz_shop_items (id);
        ALTER TABLE ONLY "Daz_Shop_Orders" ADD COLUMN x INT;
        DROP TABLE IF EXISTS daz_shop_a, daz_shop_b;
        CREATE TEMPORARY VIEW daz_shop_v AS SELECT 1;
    "#;
    assert_eq!(
        tables(sql),
        [
            "daz_shop_items",
            "daz_shop_items",
            "daz_shop_orders",
            "daz_shop_a",
            "daz_shop_b",
            "daz_shop_v"
        ]
    );
    assert_eq!(foreign_table("shop", sql), None);
}

#[test]
fn tables_of_other_modules_and_schemas_are_refused() {
    for sql in [
        "CREATE TABLE users (id INT)",
        "CREATE TABLE daz_other_users (id INT)",
        "CREATE TABLE public.daz_shop_x (id INT)",
        "DROP TABLE daz_shop_ok, daz_core_state",
        "CREATE INDEX i ON daz_chat_log (x)",
        "ALTER TABLE daz_schema_migrations ADD COLUMN x INT",
        "CREATE TABLE daz_shop_ (id INT)",
    ] {
        assert!(foreign_table("shop", sql).is_some(), "{sql}");
    }
    assert_eq!(
        foreign_table("my-mod", "CREATE TABLE daz_my_mod_t (x INT)"),
        None
    );
}

#[test]
fn versions_must_count_up_from_one() {
    let ok = [
        Migration::new(1, "a", "CREATE TABLE daz_m_a (x INT)"),
        Migration::new(2, "b", "CREATE TABLE daz_m_b (x INT)"),
    ];
    assert!(check_declared("m", &ok).is_ok());
    let gap = [
        Migration::new(1, "a", "SELECT 1"),
        Migration::new(3, "c", "SELECT 1"),
    ];
    let err = check_declared("m", &gap).unwrap_err().to_string();
    assert!(
        err.contains("migration 3 of module \"m\"") && err.contains("expected 2"),
        "{err}"
    );
    let zero = [Migration::new(0, "a", "SELECT 1")];
    assert!(check_declared("m", &zero).is_err());
    let foreign = [Migration::new(1, "a", "CREATE TABLE users (x INT)")];
    let err = check_declared("m", &foreign).unwrap_err().to_string();
    assert!(
        err.contains("\"users\"") && err.contains("daz_m_<table>"),
        "{err}"
    );
}

#[test]
fn checksums_cover_every_variant() {
    let a = Migration::split(1, "a", "PG", "LITE");
    let b = Migration::split(1, "a", "PG", "LITE2");
    assert_ne!(a.checksum(), b.checksum());
    assert_eq!(
        a.checksum(),
        Migration::split(1, "renamed", "PG", "LITE").checksum()
    );
    assert_eq!(a.checksum().len(), 64);
}

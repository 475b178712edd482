use super::*;
use crate::testing::test_databases;

fn chat(n: i64) -> Row {
    Row::Chat(ChatRow {
        at_ms: 1_700_000_000_000 + n,
        room: "testchan".to_owned(),
        user: format!("u{n}"),
        rank: 1.0,
        text: format!("line {n}"),
        html: None,
        pm: false,
    })
}

async fn number(db: &Database, sql: &'static str) -> i64 {
    each_pool!(db.pool(), p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await)
        .expect("the count runs")
}

#[tokio::test]
async fn a_batch_retried_after_its_commit_is_written_once() {
    for db in test_databases().await.expect("test databases") {
        prepare(&db).await.expect("the logger's tables");
        let batch = Batch::from_rows((0..3).map(chat));
        assert_eq!(write(&db, &batch).await.expect("first try"), Written::Now);
        // The retry of a batch whose answer was lost: the same batch.
        assert_eq!(write(&db, &batch).await.expect("retry"), Written::Before);
        let sql = "SELECT COUNT(*) FROM daz_chat_log";
        assert_eq!(number(&db, sql).await, 3, "{:?}", db.backend());
        // The same rows in a new batch are new lines.
        let again = Batch::from_rows((0..3).map(chat));
        assert_eq!(write(&db, &again).await.expect("a new batch"), Written::Now);
        assert_eq!(number(&db, sql).await, 6, "{:?}", db.backend());
        let ids = "SELECT COUNT(*) FROM daz_sql_log_batches";
        assert_eq!(number(&db, ids).await, 2);
    }
}

#[tokio::test]
async fn old_batch_ids_are_forgotten_and_recent_ones_kept() {
    for db in test_databases().await.expect("test databases") {
        prepare(&db).await.expect("the logger's tables");
        let recent = Batch::from_rows([chat(1)]);
        assert_eq!(write(&db, &recent).await.expect("a batch"), Written::Now);
        let old = "INSERT INTO daz_sql_log_batches (id, at_ms) VALUES ('old', 5)";
        each_pool!(db.pool(), p => sqlx::query(old).execute(p).await.map(|_| ()))
            .expect("an old id");
        assert_eq!(forget_old_batches(&db).await.expect("forgetting"), 1);
        let ids = "SELECT COUNT(*) FROM daz_sql_log_batches";
        assert_eq!(number(&db, ids).await, 1);
        assert_eq!(write(&db, &recent).await.expect("retry"), Written::Before);
    }
}

use super::*;
use crate::modules::testkit::{self, said_after};
use daz_core::testing::Harness;
use daz_sql::Pool;

async fn ready(db: &Database) -> Harness {
    testkit::ready(Harness::builder().module(Seen::new(db)), "seen").await
}

#[tokio::test]
async fn seen_reports_first_and_last_sight_and_messages() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let mut room = ready(&db).await;
    // Ann was here an hour ago and five minutes ago.
    let now = chrono::Utc::now().timestamp_millis();
    let Pool::Sqlite(p) = db.pool() else {
        unreachable!()
    };
    sqlx::query("INSERT INTO daz_seen_users (room, user_key, user_name, first_ms, last_ms, messages) VALUES ('lobby', 'ann', 'Ann', $1, $2, 2)")
        .bind(now - 3_900_000)
        .bind(now - 300_000)
        .execute(p)
        .await
        .unwrap();
    room.say("bob", "!seen ANN").await;
    room.say("carol", "!seen nobody").await;
    let said = said_after(&room, 2).await;
    assert!(said[0].starts_with("Ann was last seen 5m"), "{said:?}");
    assert!(
        said[0].contains("first seen 1h5m") && said[0].ends_with("2 messages)."),
        "{said:?}"
    );
    assert_eq!(said[1], "I have not seen nobody.");
    // Bob's line counts; his own join does too, without a message.
    room.say("bob", "hello").await;
    let mut count = None;
    for _ in 0..500 {
        count = sqlx::query_scalar::<_, i64>(
            "SELECT messages FROM daz_seen_users WHERE user_key = 'bob'",
        )
        .fetch_optional(p)
        .await
        .unwrap();
        if count == Some(2) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(count, Some(2), "!seen and hello");
    room.shutdown().await;
}

#[tokio::test]
async fn names_come_back_as_typed_through_the_chat_filters() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let mut room = ready(&db).await;
    room.say("_under_score_", "hi").await;
    room.say("bob", "!seen _under_score_").await;
    room.say("carol", "!seen __nobody__").await;
    let said = said_after(&room, 2).await;
    // The server would turn `_under_` into <em>under</em>: the look-alike
    // low line (U+FF3F) goes out instead, one for each.
    assert!(
        said[0].starts_with("\u{FF3F}under\u{FF3F}score\u{FF3F} was last seen"),
        "{said:?}"
    );
    assert!(!said[0].contains('_'), "{said:?}");
    assert_eq!(
        said[1],
        "I have not seen \u{FF3F}\u{FF3F}nobody\u{FF3F}\u{FF3F}."
    );
    room.shutdown().await;
}

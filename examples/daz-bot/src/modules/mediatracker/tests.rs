use super::*;
use crate::modules::testkit::{self, config, eventually, said_after};
use daz_core::testing::Harness;

async fn bot(db: &Database) -> Harness {
    let quiet = "[commands.flood]\nburst = 100\n\
        [commands.commands.nowplaying]\nroom_cooldown = \"0s\"\n\
        [commands.commands.history]\nroom_cooldown = \"0s\"\n";
    let builder = Harness::builder()
        .config(config(quiet))
        .module(MediaTracker::new(db));
    testkit::ready(builder, "mediatracker").await
}

async fn plays(db: &Database) -> i64 {
    let daz_sql::Pool::Sqlite(p) = db.pool() else {
        unreachable!("in memory")
    };
    sqlx::query_scalar("SELECT COUNT(*) FROM daz_mediatracker_plays")
        .fetch_one(p)
        .await
        .unwrap()
}

#[tokio::test]
async fn tracks_what_plays_and_answers_about_it() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let mut room = bot(&db).await;
    room.say("ann", "!np").await;
    room.say("ann", "!history").await;
    assert_eq!(
        said_after(&room, 2).await,
        [
            "Nothing has played here yet.",
            "Nothing has played here yet."
        ]
    );
    for (title, secs) in [("Song A", 200), ("Song B", 100), ("Song A", 200)] {
        room.media(title, Duration::from_secs(secs)).await;
    }
    // Announced again, as after a reconnect: the same play, not counted.
    room.media("Song A", Duration::from_secs(200)).await;
    let long = "x".repeat(300);
    room.media(&long, Duration::ZERO).await;
    assert!(eventually(|| async { plays(&db).await == 4 }).await);
    room.say("ann", "!np").await;
    room.say("ann", "!history 2").await;
    room.say("ann", "!history 99").await;
    room.say("ann", "!mostplayed").await;
    let said = said_after(&room, 6).await;
    let short = "x".repeat(200);
    assert_eq!(
        said[2..],
        [
            format!("Now playing: {short} (live)."),
            format!("Recently: {short} · Song A"),
            format!("Recently: {short} · Song A · Song B · Song A"),
            format!("Most played: Song A (2×), {short} (1×), Song B (1×)"),
        ]
    );
    room.shutdown().await;
}

#[tokio::test]
async fn now_playing_counts_down() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let mut room = bot(&db).await;
    // Film started a minute ago.
    let daz_sql::Pool::Sqlite(p) = db.pool() else {
        unreachable!("in memory")
    };
    sqlx::query("INSERT INTO daz_mediatracker_plays VALUES ('lobby', 'Film', 5400, $1)")
        .bind(chrono::Utc::now().timestamp_millis() - 61_000)
        .execute(p)
        .await
        .unwrap();
    // The server announces it again when the bot joins, 61 s in: still
    // one play.
    room.media_at("Film", Duration::from_secs(5400), 61.0).await;
    room.say("ann", "!np").await;
    room.say("ann", "!history x").await;
    let said = said_after(&room, 2).await;
    assert!(
        said[0].starts_with("Now playing: Film (1h28m5") && said[0].ends_with("left of 1h30m)."),
        "{said:?}"
    );
    assert!(said[1].contains("Usage: !history"), "{said:?}");
    assert_eq!(plays(&db).await, 1);
    room.shutdown().await;
}

#[tokio::test]
async fn time_left_counts_from_the_servers_position_not_the_change() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let mut room = bot(&db).await;
    // The bot joins 30 s into a 2-minute media: 1m30s left, not 2m.
    room.media_at("Clip", Duration::from_secs(120), 30.0).await;
    room.say("ann", "!np").await;
    assert_eq!(
        said_after(&room, 1).await,
        ["Now playing: Clip (1m30s left of 2m)."]
    );
    // A leader seeks to 1m40s and pauses: 20 s left, and it stays so.
    room.media_position(100.0, true).await;
    room.say("ann", "!np").await;
    assert_eq!(
        said_after(&room, 2).await[1],
        "Now playing: Clip (20s left of 2m)."
    );
    room.shutdown().await;
}

#[test]
fn the_lead_in_is_not_counted_as_played() {
    // As the live server: a 12 s media announced at -3 s (the lead-in).
    let now = 1_000_000;
    let clock = Clock {
        title: "Clip".to_owned(),
        seconds: 12,
        zero_ms: zero(now, -3.0),
        paused_at: None,
    };
    assert_eq!(clock.played(now), 0);
    assert_eq!(clock.played(now + 2_000), 0);
    // 8 s after the change it has played 5 s: 7 s left, not 4.
    assert_eq!(clock.played(now + 8_000), 5);
    let paused = Clock {
        paused_at: Some(4.5),
        ..clock
    };
    assert_eq!(paused.played(now + 60_000), 4);
}

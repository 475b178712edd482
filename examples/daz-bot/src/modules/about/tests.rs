use super::*;
use daz_core::testing::Harness;
use daz_core::{Config, Format};

async fn answer(config: Config, line: &str) -> Vec<String> {
    let mut room = Harness::builder()
        .config(config)
        .module(About::default())
        .build()
        .await
        .unwrap();
    room.say("ann", line).await;
    let said = room.said();
    room.shutdown().await;
    said
}

#[tokio::test(start_paused = true)]
async fn about_answers_with_the_version_or_the_configured_text() {
    let said = answer(Config::default(), "!about").await;
    assert!(
        said[0].starts_with("daz-bot ") && said[0].contains(env!("CARGO_PKG_VERSION")),
        "{said:?}"
    );
    let custom = Config::parse(
        "[about]\ntext = \"I keep the playlist tidy.\"",
        Format::Toml,
    )
    .unwrap();
    assert_eq!(
        answer(custom, "!version").await,
        ["I keep the playlist tidy."]
    );
}

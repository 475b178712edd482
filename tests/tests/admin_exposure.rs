//! The admin API's token is read as it is presented (white space around
//! it removed on both sides), and a bind beyond loopback is called out in
//! the log at start.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use daz_core::admin::AdminHttp;
use daz_core::testing::CapturedLogs;
use daz_core::{Bot, Config, Format};
use reqwest::StatusCode;

const TOKEN: &str = "exposure-token-0123456789";
const WARNING: &str = "the admin API listens beyond this machine over plain HTTP";

/// Runs a bot with only the admin API on `bind`, its token written as
/// `written` in the config; calls `/modules` with each of `presented`
/// and gives back the statuses and the log.
async fn statuses(bind: &str, written: &str, presented: &[&str]) -> (Vec<StatusCode>, String) {
    let logs = CapturedLogs::new();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let logs = logs.clone();
            move || logs.clone()
        })
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let toml = format!("[admin]\nbind = \"{bind}\"\ntoken = {written:?}\n");
    let admin = AdminHttp::new();
    let address = admin.address();
    let bot = Bot::builder()
        .config(Config::parse(&toml, Format::Toml).unwrap())
        .module(admin)
        .build()
        .unwrap();
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    let addr = tokio::time::timeout(Duration::from_secs(5), address.listening())
        .await
        .expect("it listens");
    let port = addr.port();
    let url = format!("http://127.0.0.1:{}/modules", port);
    daz_cytube::ensure_tls_provider();
    let http = reqwest::Client::new();
    let mut out = Vec::new();
    for header in presented {
        let response = http
            .get(&url)
            .header("Authorization", *header)
            .send()
            .await
            .unwrap();
        out.push(response.status());
    }
    handle.stop();
    running.await.unwrap().unwrap();
    (out, logs.text())
}

#[tokio::test]
async fn a_token_written_with_white_space_is_the_token_presented_without() {
    let written = format!("  {TOKEN}\n");
    let (got, _) = statuses(
        "127.0.0.1:0",
        &written,
        &[
            &format!("Bearer {TOKEN}"),
            &format!("bearer {TOKEN}"),
            &format!("Bearer   {TOKEN}  "),
            &format!("Bearer {TOKEN}x"),
            &format!("Basic {TOKEN}"),
        ],
    )
    .await;
    assert_eq!(
        got,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::FORBIDDEN,
            StatusCode::UNAUTHORIZED
        ]
    );
}

#[test]
fn a_token_short_without_its_white_space_is_refused() {
    let toml = "[admin]\ntoken = \"   short-token   \\n\"\n";
    let config = Config::parse(toml, Format::Toml).unwrap();
    let Err(err) = Bot::builder()
        .config(config)
        .module(AdminHttp::new())
        .build()
    else {
        panic!("a short token is refused")
    };
    assert!(err.to_string().contains("at least 16 characters"), "{err}");
}

#[tokio::test]
async fn a_bind_beyond_loopback_warns_at_start_and_loopback_does_not() {
    let presented = format!("Bearer {TOKEN}");
    let (got, open) = statuses("0.0.0.0:0", TOKEN, &[&presented]).await;
    assert_eq!(got, [StatusCode::OK]);
    assert!(open.contains(WARNING), "{open}");
    assert!(open.contains("WARN"), "{open}");
    let (got, local) = statuses("127.0.0.1:0", TOKEN, &[&presented]).await;
    assert_eq!(got, [StatusCode::OK]);
    // It started and logged its address: the warning would be there by now.
    assert!(local.contains("admin API listening"), "{local}");
    assert!(!local.contains(WARNING), "{local}");
}

//! The services the storage and distribution tests use are reachable where
//! the environment names them. `.ci/run` always names both, so in CI this
//! fails rather than skips when a service is down.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::io::{BufRead, BufReader};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// `scheme://[user@]host:port[/path]` → `host:port`.
fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    rest.split('/').next().unwrap().to_owned()
}

fn connect(var: &str) -> Option<TcpStream> {
    let url = daz_core::testing::service(var)?;
    let target = host_port(&url);
    let addr = target
        .to_socket_addrs()
        .unwrap_or_else(|e| panic!("{var}={url}: cannot resolve {target}: {e}"))
        .next()
        .unwrap_or_else(|| panic!("{var}={url}: {target} resolves to nothing"));
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("{var}={url}: cannot connect to {addr}: {e}"));
    Some(stream)
}

#[test]
fn urls_are_parsed_to_host_and_port() {
    assert_eq!(
        host_port("postgres://postgres@127.0.0.1:5432/test"),
        "127.0.0.1:5432"
    );
    assert_eq!(host_port("nats://127.0.0.1:4222"), "127.0.0.1:4222");
}

#[test]
fn postgres_is_reachable_when_configured() {
    let Some(_stream) = connect("DAZ_TEST_POSTGRES_URL") else {
        return;
    };
}

#[test]
fn nats_with_jetstream_is_reachable_when_configured() {
    let Some(stream) = connect("DAZ_TEST_NATS_URL") else {
        return;
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut info = String::new();
    BufReader::new(stream).read_line(&mut info).unwrap();
    assert!(info.starts_with("INFO "), "not a NATS server: {info:?}");
    assert!(
        info.contains("\"jetstream\":true"),
        "NATS is up but JetStream is off (start nats-server with -js): {info}"
    );
}

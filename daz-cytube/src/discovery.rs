//! Finding a channel's Socket.IO servers: `GET <base>/socketconfig/<channel>.json`
//! (protocol reference §2), and choosing among them.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::event::{SocketConfig, SocketServer};

/// Whether `channel` is a valid channel name (`^[\w-]{1,30}$`).
#[must_use]
pub fn valid_channel(channel: &str) -> bool {
    (1..=30).contains(&channel.len())
        && channel
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The most bytes a socketconfig answer may have (a real one is about 100).
pub const MAX_SOCKETCONFIG_BYTES: usize = 64 * 1024;

/// Fetches the socketconfig of `channel` from the site at `base`
/// (`https://cytu.be`).
///
/// # Errors
///
/// [`Error::Discovery`] for an invalid channel name, an unreachable site,
/// an error status (with the server's message), a body over
/// [`MAX_SOCKETCONFIG_BYTES`] (read no further), or a body that does not
/// read.
pub async fn fetch(base: &str, channel: &str, timeout: Duration) -> Result<SocketConfig> {
    let url = format!("{}/socketconfig/{channel}.json", base.trim_end_matches('/'));
    let fail = |reason: String| Error::Discovery {
        channel: channel.to_owned(),
        url: url.clone(),
        reason,
    };
    if !valid_channel(channel) {
        return Err(fail(
            "not a valid channel name: 1-30 letters, digits, '_' or '-'".to_owned(),
        ));
    }
    crate::tls::ensure_provider();
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let mut response = client
        .get(&url)
        .send()
        .await
        .map_err(|e| fail(e.to_string()))?;
    let status = response.status();
    let too_big = || {
        fail(format!(
            "the answer is longer than {MAX_SOCKETCONFIG_BYTES} bytes; a socketconfig is a few \
             hundred: is the URL a CyTube site?"
        ))
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_SOCKETCONFIG_BYTES as u64)
    {
        return Err(too_big());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| fail(e.to_string()))? {
        if body.len() + chunk.len() > MAX_SOCKETCONFIG_BYTES {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    let body = String::from_utf8_lossy(&body);
    if !status.is_success() {
        let message = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_else(|| body.chars().take(200).collect());
        return Err(fail(format!("HTTP {status}: {message}")));
    }
    serde_json::from_str(&body).map_err(|e| fail(format!("the answer does not read: {e}")))
}

/// The WebSocket URL of a server (`http` → `ws`, `https` → `wss`).
///
/// ```
/// use daz_cytube::discovery::socket_url;
/// assert_eq!(
///     socket_url("https://cytu.be:10443"),
///     "wss://cytu.be:10443/socket.io/?EIO=4&transport=websocket",
/// );
/// ```
#[must_use]
pub fn socket_url(server: &str) -> String {
    let server = server.trim_end_matches('/');
    let ws = if let Some(rest) = server.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = server.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        server.to_owned()
    };
    format!("{ws}/socket.io/?EIO=4&transport=websocket")
}

/// The servers to try, best first: IPv4 before IPv6-only entries, and,
/// when the site is reached over HTTPS, secure ones before the rest (the
/// browser's choice, §2). Order is kept otherwise.
#[must_use]
pub fn candidates(config: &SocketConfig, base_is_https: bool) -> Vec<SocketServer> {
    let mut servers: Vec<SocketServer> = config
        .servers
        .iter()
        .filter(|s| !s.url.is_empty())
        .cloned()
        .collect();
    servers.sort_by_key(|s| (s.ipv6_only, s.ipv6, base_is_https && !s.secure));
    servers
}

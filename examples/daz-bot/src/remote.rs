//! `daz-bot modules` against a running bot, through its admin API.

use std::net::SocketAddr;
use std::time::Duration;

use daz_core::admin::{ADMIN, AdminConfig};
use daz_core::{Config, ModuleList};

type Failure = Box<dyn std::error::Error>;

/// What to ask of a module.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Action {
    Enable,
    Disable,
    Restart,
}

impl Action {
    fn path(self) -> &'static str {
        match self {
            Self::Enable => "enable",
            Self::Disable => "disable",
            Self::Restart => "restart",
        }
    }
}

/// Where the bot's API answers: its `bind`, with an unspecified address
/// (`0.0.0.0`) asked on loopback.
fn base(bind: SocketAddr) -> String {
    let host = if bind.ip().is_unspecified() {
        match bind {
            SocketAddr::V4(_) => "127.0.0.1".to_owned(),
            SocketAddr::V6(_) => "[::1]".to_owned(),
        }
    } else if bind.is_ipv6() {
        format!("[{}]", bind.ip())
    } else {
        bind.ip().to_string()
    };
    format!("http://{host}:{}", bind.port())
}

/// The running bot's modules, after `action` on `module` if given.
pub(crate) async fn modules(
    config: &Config,
    change: Option<(Action, &str)>,
) -> Result<ModuleList, Failure> {
    let admin: AdminConfig = config.section(ADMIN)?;
    let token = admin.token()?;
    let base = base(admin.bind);
    daz_cytube::ensure_tls_provider();
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(65))
        .build()?;
    let request = match change {
        None => http.get(format!("{base}/modules")),
        Some((action, module)) => http.post(format!("{base}/modules/{module}/{}", action.path())),
    };
    let response = request
        .bearer_auth(token.expose())
        .send()
        .await
        .map_err(|e| format!("no bot answers at {base}: is it running? ({e})"))?;
    let status = response.status();
    let body: serde_json::Value = response
        .json()
        .await
        .map_err(|e| format!("{base} answered {status} with something other than JSON: {e}"))?;
    if !status.is_success() {
        let message = body["error"].as_str().unwrap_or("no reason given");
        return Err(format!("{base}: {status}: {message}").into());
    }
    Ok(serde_json::from_value(body)?)
}

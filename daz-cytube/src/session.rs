//! Joining a channel on an open [`Connection`]: the handshake in the order
//! the protocol reference recommends (§3.7) — `40`, wait for `40{"sid"}`,
//! `joinChannel` and `login` back to back, then wait for the login answer
//! and the first `userlist`. No sleeps.

use std::time::Duration;

use daz_core::Secret;
use daz_core::chat::Rank;
use serde_json::json;
use tokio::time::Instant;

use crate::codec::{CONNECT, Incoming, event_frame};
use crate::connection::{Connection, LinkEvent};
use crate::error::{Error, Result};
use crate::event::ServerEvent;

/// How the bot logs in.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Login {
    /// Not at all: the bot only reads (it cannot chat).
    Anonymous,
    /// As a guest with this name.
    Guest {
        /// The name (1–20 letters, digits, `_`, `-`; not registered).
        name: String,
    },
    /// As a registered account.
    Registered {
        /// The account.
        name: String,
        /// Its password.
        password: Secret,
    },
}

impl Login {
    fn name(&self) -> Option<&str> {
        match self {
            Self::Anonymous => None,
            Self::Guest { name } | Self::Registered { name, .. } => Some(name),
        }
    }
}

/// What a join needs.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct JoinSettings {
    /// The channel.
    pub channel: String,
    /// Its password, if it has one.
    pub channel_password: Option<Secret>,
    /// How to log in.
    pub login: Login,
    /// The time the whole handshake may take.
    pub timeout: Duration,
}

impl JoinSettings {
    /// Joins `channel` with `login`, no channel password, 30 s to do it.
    #[must_use]
    pub fn new(channel: &str, login: Login) -> Self {
        Self {
            channel: channel.to_owned(),
            channel_password: None,
            login,
            timeout: Duration::from_secs(30),
        }
    }
}

/// An event received during the join, with whether it is replayed chat
/// history (every `chatMsg` before the first `userlist` is).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Received {
    /// The event.
    pub event: ServerEvent,
    /// Replayed history, not said just now.
    pub backlog: bool,
}

/// A joined channel.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Joined {
    /// The name logged in as (canonical case), if logged in.
    pub name: Option<String>,
    /// Whether it is a guest login.
    pub guest: bool,
    /// The bot's effective rank.
    pub rank: Rank,
    /// Everything the server sent during the join, in order.
    pub events: Vec<Received>,
}

fn valid_name(name: &str) -> bool {
    (1..=20).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// The next event before `deadline`, skipping (and logging) bad frames.
async fn next_frame(
    conn: &mut Connection,
    deadline: Instant,
    what: &'static str,
    timeout: Duration,
) -> Result<Incoming> {
    loop {
        match tokio::time::timeout_at(deadline, conn.next()).await {
            Err(_) => {
                return Err(Error::Timeout {
                    what,
                    after: timeout,
                });
            }
            Ok(None) => {
                return Err(Error::Closed {
                    reason: "the connection ended during the join".to_owned(),
                });
            }
            Ok(Some(LinkEvent::Closed(e))) => return Err(e),
            Ok(Some(LinkEvent::BadFrame(e))) => {
                tracing::warn!(error = %e, "skipped a frame the client cannot read");
            }
            Ok(Some(LinkEvent::Frame(frame))) => return Ok(frame),
        }
    }
}

/// Joins `settings.channel` on `conn`.
///
/// # Errors
///
/// [`Error::Refused`] (`44`: rate limit, ban), [`Error::Login`],
/// [`Error::ChannelPassword`], [`Error::Kicked`] (banned, bad channel name,
/// load failure), [`Error::Closed`] and [`Error::Timeout`].
pub async fn join(conn: &mut Connection, settings: &JoinSettings) -> Result<Joined> {
    let name = settings.login.name().map(str::to_owned);
    if let Some(name) = &name
        && !valid_name(name)
    {
        return Err(Error::Login {
            name: name.clone(),
            reason: "not a valid user name: use 1-20 letters, digits, '_' or '-'".to_owned(),
        });
    }
    let deadline = Instant::now() + settings.timeout;
    let mut joined = Joined {
        name: None,
        guest: false,
        rank: Rank::new(-1.0),
        events: Vec::new(),
    };
    conn.send(CONNECT.to_owned()).await?;
    loop {
        match next_frame(
            conn,
            deadline,
            "the Socket.IO connect reply",
            settings.timeout,
        )
        .await?
        {
            Incoming::Connected { .. } => break,
            Incoming::Refused { message } => return Err(Error::Refused { message }),
            Incoming::Event(event) => joined.events.push(Received {
                event,
                backlog: false,
            }),
            _ => {}
        }
    }
    let mut join = json!({ "name": settings.channel });
    if let (Some(pw), Some(map)) = (&settings.channel_password, join.as_object_mut()) {
        map.insert("pw".to_owned(), json!(pw.expose()));
    }
    conn.send(event_frame("joinChannel", Some(&join))?).await?;
    match &settings.login {
        Login::Anonymous => {}
        Login::Guest { name } => {
            conn.send(event_frame("login", Some(&json!({ "name": name })))?)
                .await?;
        }
        Login::Registered { name, password } => {
            let login = json!({ "name": name, "pw": password.expose() });
            conn.send(event_frame("login", Some(&login))?).await?;
        }
    }
    let mut logged_in = settings.login == Login::Anonymous;
    let mut listed = false;
    while !(logged_in && listed) {
        let event =
            match next_frame(conn, deadline, "the join to complete", settings.timeout).await? {
                Incoming::Event(event) => event,
                Incoming::Disconnected => {
                    return Err(Error::Closed {
                        reason: "the server ended the session during the join".to_owned(),
                    });
                }
                _ => continue,
            };
        match &event {
            ServerEvent::Rank(rank) => joined.rank = *rank,
            ServerEvent::Login(reply) if reply.success => {
                logged_in = true;
                joined.name = reply.name.clone().or_else(|| name.clone());
                joined.guest = reply.guest.unwrap_or(false);
            }
            ServerEvent::Login(reply) => {
                return Err(Error::Login {
                    name: name.clone().unwrap_or_default(),
                    reason: reply
                        .error_text()
                        .unwrap_or_else(|| "(no reason given)".to_owned()),
                });
            }
            ServerEvent::Userlist(_) => listed = true,
            ServerEvent::Kick(kick) => {
                return Err(Error::Kicked {
                    reason: kick.reason.clone(),
                });
            }
            ServerEvent::NeedPassword(wrong) => {
                let given = settings.channel_password.is_some();
                match &settings.channel_password {
                    Some(pw) if !wrong => {
                        conn.send(event_frame("channelPassword", Some(pw.expose()))?)
                            .await?;
                    }
                    _ => {
                        return Err(Error::ChannelPassword {
                            channel: settings.channel.clone(),
                            given,
                        });
                    }
                }
            }
            _ => {}
        }
        let backlog = !listed && matches!(event, ServerEvent::ChatMsg(_));
        joined.events.push(Received { event, backlog });
    }
    Ok(joined)
}

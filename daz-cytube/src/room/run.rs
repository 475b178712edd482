//! The room's task: connect, join, run, and reconnect.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::outbound::Outbound;
use super::{Command, Endpoint, RoomConfig, RoomEvent, Sent};
use crate::action::Action;
use crate::codec::Incoming;
use crate::connection::{Connection, LinkEvent};
use crate::discovery;
use crate::error::{Error, Result};
use crate::event::ServerEvent;
use crate::metrics::RoomMetrics;
use crate::reconnect::{CycleState, KickReaction, ReconnectStore, react_to_kick};
use crate::session::{JoinSettings, join};
use crate::state::ChannelState;

/// What to do after a connection ended.
#[derive(Debug)]
enum Next {
    /// The normal backoff.
    Retry,
    /// A short wait.
    Soon,
    /// The long wait.
    Long,
    /// Exactly this long.
    Wait(Duration),
    /// Give up.
    Stop,
}

/// How an attempt ended.
enum Ended {
    /// The owner stopped the room.
    ByOwner,
    /// The connection ended or failed.
    Lost { reason: String, next: Next },
}

/// The seconds in a guest-throttle message ("… one per IP address per 60
/// seconds.").
fn guest_delay(reason: &str) -> Option<Duration> {
    let digits: String = reason
        .split("per ")
        .last()?
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().map(Duration::from_secs)
}

/// The reaction to a failed connect or join.
fn after_error(error: &Error) -> Next {
    match error {
        Error::Kicked { reason } => after_kick(reason.as_deref()),
        Error::Login { reason, .. } if reason.contains("restricted") => Next::Wait(
            guest_delay(reason).unwrap_or(Duration::from_secs(60)) + Duration::from_secs(1),
        ),
        // A ghost of our last session holds the name until the server's
        // ping timeout (25 s + 120 s) notices it.
        Error::Login { reason, .. } if reason.contains("already in use") => {
            Next::Wait(Duration::from_secs(150))
        }
        Error::Login { .. } | Error::ChannelPassword { .. } => Next::Stop,
        Error::Discovery { reason, .. } if reason.contains("not a valid channel name") => {
            Next::Stop
        }
        _ => Next::Retry,
    }
}

fn after_kick(reason: Option<&str>) -> Next {
    match react_to_kick(reason) {
        KickReaction::Retry => Next::Retry,
        KickReaction::RetrySoon => Next::Soon,
        KickReaction::WaitLong { why } => {
            tracing::warn!(%why, "kicked; waiting long before reconnecting");
            Next::Long
        }
        KickReaction::Stop { why } => {
            tracing::error!(%why, "kicked; not reconnecting");
            Next::Stop
        }
    }
}

/// A number in 0..1 for the jitter (xorshift over the clock; no
/// dependency for something this small).
fn jitter_unit(seed: &mut u64) -> f64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    #[allow(clippy::cast_precision_loss, reason = "a fraction")]
    let unit = (*seed % 1_000_000) as f64 / 1_000_000.0;
    unit
}

pub(super) async fn run(
    config: RoomConfig,
    store: Arc<dyn ReconnectStore>,
    mut commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<RoomEvent>,
) {
    let room = config.channel.clone();
    let mut cycle = match store.load(&room).await {
        Ok(saved) => saved.unwrap_or_default(),
        Err(e) => {
            tracing::warn!(%room, error = %e, "cannot read the reconnect state; starting afresh");
            CycleState::default()
        }
    };
    let mut seed = u64::from(std::process::id()) | 1;
    let metrics = RoomMetrics::new(&room);
    // A cooldown or a long wait begun before a restart is waited out.
    if let Some(left) = config.reconnect.left_to_wait(&cycle, unix_ms()) {
        let reason = "waiting out the reconnect delay saved before the restart".to_owned();
        if !pause(&room, reason, left, &metrics, &events, &mut commands).await {
            return;
        }
    }
    loop {
        let ended = attempt(
            &config,
            &mut commands,
            &events,
            &mut cycle,
            &*store,
            &metrics,
        )
        .await;
        metrics.connected(false);
        let (reason, next) = match ended {
            Ended::ByOwner => return,
            Ended::Lost { reason, next } => (reason, next),
        };
        let policy = &config.reconnect;
        let delay = match next {
            Next::Stop => {
                let _ = events.send(RoomEvent::Stopped { reason }).await;
                return;
            }
            Next::Soon => policy.soon,
            Next::Long => policy.long_wait,
            Next::Wait(d) => d,
            Next::Retry => {
                let (delay, after) = policy.next_delay(cycle, jitter_unit(&mut seed));
                cycle = after;
                delay
            }
        };
        let due = unix_ms().saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
        cycle = cycle.with_next_attempt(Some(due));
        if let Err(e) = store.save(&room, cycle).await {
            tracing::warn!(%room, error = %e, "cannot save the reconnect state");
        }
        if !pause(&room, reason, delay, &metrics, &events, &mut commands).await {
            return;
        }
    }
}

/// Reports the room disconnected for `reason` and waits `delay` before
/// the next attempt; `false` if stopped meanwhile.
async fn pause(
    room: &str,
    reason: String,
    delay: Duration,
    metrics: &RoomMetrics,
    events: &mpsc::Sender<RoomEvent>,
    commands: &mut mpsc::Receiver<Command>,
) -> bool {
    tracing::info!(%room, %reason, retry_in = ?delay, "disconnected");
    metrics.reconnecting();
    let _ = events
        .send(RoomEvent::Disconnected {
            reason,
            retry_in: delay,
        })
        .await;
    wait(delay, commands).await
}

/// Now, in Unix milliseconds (what a saved wait is measured in).
fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Waits `delay`, answering commands meanwhile; `false` if stopped.
async fn wait(delay: Duration, commands: &mut mpsc::Receiver<Command>) -> bool {
    let until = Instant::now() + delay;
    loop {
        tokio::select! {
            () = tokio::time::sleep_until(until) => return true,
            command = commands.recv() => match command {
                None | Some(Command::Stop) => return false,
                Some(Command::Send(_, reply)) => { let _ = reply.send(Err(Error::NotConnected)); }
                Some(Command::State(reply)) => { let _ = reply.send(ChannelState::default()); }
            },
        }
    }
}

async fn connect(config: &RoomConfig) -> Result<Connection> {
    let url = match &config.endpoint {
        Endpoint::Socket(url) => url.clone(),
        Endpoint::Site(base) => {
            let found = discovery::fetch(base, &config.channel, config.connect_timeout).await?;
            let best = discovery::candidates(&found, base.starts_with("https://"));
            let server = best.first().ok_or_else(|| Error::Discovery {
                channel: config.channel.clone(),
                url: base.clone(),
                reason: "the server lists no Socket.IO server for this channel".to_owned(),
            })?;
            discovery::socket_url(&server.url)
        }
    };
    Connection::open_in(&url, config.connect_timeout, &config.channel).await
}

async fn attempt(
    config: &RoomConfig,
    commands: &mut mpsc::Receiver<Command>,
    events: &mpsc::Sender<RoomEvent>,
    cycle: &mut CycleState,
    store: &dyn ReconnectStore,
    metrics: &RoomMetrics,
) -> Ended {
    let lost = |e: Error| {
        let next = after_error(&e);
        Ended::Lost {
            reason: e.to_string(),
            next,
        }
    };
    let mut conn = match connect(config).await {
        Ok(conn) => conn,
        Err(e) => return lost(e),
    };
    let mut settings = JoinSettings::new(&config.channel, config.login.clone());
    settings
        .channel_password
        .clone_from(&config.channel_password);
    settings.timeout = config.connect_timeout;
    let joined = match join(&mut conn, &settings).await {
        Ok(joined) => joined,
        Err(e) => {
            conn.close().await;
            return lost(e);
        }
    };
    *cycle = CycleState::default();
    if let Err(e) = store.save(&config.channel, *cycle).await {
        tracing::warn!(room = %config.channel, error = %e, "cannot save the reconnect state");
    }
    let mut state = ChannelState::for_bot(joined.name.as_deref());
    let mut outbound = Outbound::new(config.queue, config.max_line);
    for received in &joined.events {
        state.apply(&received.event);
    }
    outbound.follow(&state);
    metrics.connected(true);
    metrics.users(state.users.len());
    let _ = events
        .send(RoomEvent::Joined {
            name: joined.name.clone(),
            rank: joined.rank,
        })
        .await;
    for received in joined.events {
        let _ = events
            .send(RoomEvent::Event {
                event: received.event,
                backlog: received.backlog,
            })
            .await;
    }
    let ended = session(
        &mut conn,
        &mut state,
        &mut outbound,
        commands,
        events,
        metrics,
    )
    .await;
    let unsent = outbound.clear();
    if unsent > 0 {
        tracing::warn!(room = %config.channel, lines = unsent, "lines not sent before the connection ended");
    }
    conn.close().await;
    match ended {
        Ended::Lost { reason, next } if unsent > 0 => Ended::Lost {
            reason: format!("{reason} ({unsent} queued lines were not sent)"),
            next,
        },
        other => other,
    }
}

/// Answers a send: checks, then sends now or queues for the throttle.
async fn send(
    conn: &Connection,
    state: &ChannelState,
    outbound: &mut Outbound,
    action: &Action,
) -> Result<Sent> {
    action.validate()?;
    action.check(&state.standing())?;
    let frames = outbound.frames(action)?;
    if !action.is_chat() {
        for frame in frames {
            conn.send(frame).await?;
        }
        return Ok(Sent::Sent);
    }
    let ahead = outbound.push(frames)?;
    flush(conn, outbound).await?;
    Ok(if outbound.waiting() == 0 {
        Sent::Sent
    } else {
        Sent::Queued { ahead }
    })
}

/// Sends every waiting line the throttle allows now.
async fn flush(conn: &Connection, outbound: &mut Outbound) -> Result<()> {
    while let Some(frame) = outbound.pop_ready(Instant::now()) {
        conn.send(frame).await?;
    }
    Ok(())
}

async fn session(
    conn: &mut Connection,
    state: &mut ChannelState,
    outbound: &mut Outbound,
    commands: &mut mpsc::Receiver<Command>,
    events: &mpsc::Sender<RoomEvent>,
    metrics: &RoomMetrics,
) -> Ended {
    loop {
        let ready = outbound.ready_at(Instant::now());
        tokio::select! {
            command = commands.recv() => match command {
                None | Some(Command::Stop) => return Ended::ByOwner,
                Some(Command::Send(action, reply)) => {
                    let sent = send(conn, state, outbound, &action).await;
                    if matches!(sent, Ok(Sent::Queued { .. })) {
                        metrics.throttled.increment(1);
                    }
                    let _ = reply.send(sent);
                }
                Some(Command::State(reply)) => { let _ = reply.send(state.clone()); }
            },
            () = async { if let Some(at) = ready { tokio::time::sleep_until(at).await } }, if ready.is_some() => {
                if let Err(e) = flush(conn, outbound).await {
                    return Ended::Lost { reason: e.to_string(), next: Next::Retry };
                }
            }
            link = conn.next() => {
                let event = match link {
                    None => return Ended::Lost { reason: "the connection ended".to_owned(), next: Next::Retry },
                    Some(LinkEvent::Closed(e)) => return Ended::Lost { reason: e.to_string(), next: Next::Retry },
                    Some(LinkEvent::BadFrame(e)) => {
                        let _ = events.send(RoomEvent::BadFrame { error: e.to_string() }).await;
                        continue;
                    }
                    Some(LinkEvent::Frame(Incoming::Event(event))) => event,
                    Some(LinkEvent::Frame(Incoming::Disconnected)) => {
                        return Ended::Lost { reason: "the server ended the session".to_owned(), next: Next::Retry };
                    }
                    Some(LinkEvent::Frame(_)) => continue,
                };
                let rank = state.rank;
                state.apply(&event);
                metrics.users(state.users.len());
                if state.rank != rank {
                    outbound.follow(state);
                }
                let ended = match &event {
                    ServerEvent::ChannelOpts(_) => { outbound.follow(state); None }
                    ServerEvent::Cooldown(ms) => {
                        metrics.cooldowns.increment(1);
                        let wait = Duration::try_from_secs_f64(ms.0.max(0.0) / 1000.0).unwrap_or(Duration::from_secs(1));
                        outbound.cooldown(Instant::now(), wait);
                        None
                    }
                    ServerEvent::Kick(kick) => Some(Ended::Lost {
                        reason: Error::Kicked { reason: kick.reason.clone() }.to_string(),
                        next: after_kick(kick.reason.as_deref()),
                    }),
                    ServerEvent::PartitionChange(_) => Some(Ended::Lost {
                        reason: "the channel moved to another server".to_owned(),
                        next: Next::Soon,
                    }),
                    _ => None,
                };
                let _ = events.send(RoomEvent::Event { event, backlog: false }).await;
                if let Some(ended) = ended {
                    return ended;
                }
            }
        }
    }
}

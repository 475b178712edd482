//! [`Connection`]: one WebSocket to a CyTube server. A reader task decodes
//! frames, answers the server's pings (EIO 4: the server pings) and keeps
//! a heartbeat watchdog; one writer task owns the socket's sending half, so
//! nothing locks around it.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::codec::{Incoming, Open, pong};
use crate::error::{Error, Result};
use crate::metrics::LinkMetrics;

/// The largest frame accepted from the server: a full playlist (4000
/// items) is about a megabyte, so well above that.
pub const MAX_FRAME: usize = 16 * 1024 * 1024;

/// Frames waiting to be written; a full queue makes senders wait.
const OUTBOUND: usize = 256;
/// Decoded frames waiting for the session.
const INBOUND: usize = 4096;

/// What the writer is given.
#[derive(Debug)]
enum Outbound {
    Frame(String),
    /// Send a WebSocket close and stop.
    Close,
}

/// What the reader passes on.
#[derive(Debug)]
#[non_exhaustive]
pub enum LinkEvent {
    /// A frame, decoded.
    Frame(Incoming),
    /// A frame that did not decode (reported, then skipped).
    BadFrame(Error),
    /// The connection ended; nothing follows.
    Closed(Error),
}

/// An open WebSocket to a CyTube server, after the Engine.IO open packet.
#[derive(Debug)]
pub struct Connection {
    open: Open,
    outbound: mpsc::Sender<Outbound>,
    inbound: mpsc::Receiver<LinkEvent>,
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl Connection {
    /// Opens `url` (`ws://` or `wss://…/socket.io/?EIO=4&transport=websocket`)
    /// and waits for the Engine.IO open packet, all within `timeout`.
    ///
    /// # Errors
    ///
    /// [`Error::Connect`] when the socket cannot be opened or the first
    /// frame is not an open packet; [`Error::Timeout`].
    pub async fn open(url: &str, timeout: Duration) -> Result<Self> {
        Self::open_in(url, timeout, "").await
    }

    /// [`open`](Self::open), counting frames and ping gaps under the label
    /// `room` (see [`metrics`](crate::metrics)).
    ///
    /// # Errors
    ///
    /// As [`open`](Self::open).
    pub async fn open_in(url: &str, timeout: Duration, room: &str) -> Result<Self> {
        let fail = |reason: String| Error::Connect {
            url: url.to_owned(),
            reason,
        };
        crate::tls::ensure_provider();
        let config = WebSocketConfig::default()
            .max_message_size(Some(MAX_FRAME))
            .max_frame_size(Some(MAX_FRAME));
        let connect = tokio_tungstenite::connect_async_with_config(url, Some(config), true);
        let (socket, _) = tokio::time::timeout(timeout, connect)
            .await
            .map_err(|_| Error::Timeout {
                what: "the WebSocket to open",
                after: timeout,
            })?
            .map_err(|e| fail(e.to_string()))?;
        let (mut sink, mut stream) = socket.split();
        let first = tokio::time::timeout(timeout, stream.next())
            .await
            .map_err(|_| Error::Timeout {
                what: "the Engine.IO open packet",
                after: timeout,
            })?;
        let open = match first {
            Some(Ok(Message::Text(text))) => match Incoming::decode(&text)? {
                Incoming::Open(open) => open,
                other => return Err(fail(format!("expected the open packet, got {other:?}"))),
            },
            Some(Ok(other)) => {
                return Err(fail(format!("expected the open packet, got {other:?}")));
            }
            Some(Err(e)) => return Err(fail(e.to_string())),
            None => return Err(fail("closed before the open packet".to_owned())),
        };
        let (outbound, mut to_send) = mpsc::channel::<Outbound>(OUTBOUND);
        let (events, inbound) = mpsc::channel(INBOUND);
        let link = LinkMetrics::new(room);
        let sent = link.frames_out.clone();
        let writer = tokio::spawn(async move {
            while let Some(Outbound::Frame(frame)) = to_send.recv().await {
                sent.increment(1);
                if let Err(e) = sink.send(Message::text(frame)).await {
                    tracing::debug!(error = %e, "the WebSocket stopped taking frames");
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let silence = Duration::from_millis(open.ping_interval.saturating_add(open.ping_timeout));
        let pongs = outbound.clone();
        let reader = tokio::spawn(read_loop(stream, events, pongs, silence, link));
        Ok(Self {
            open,
            outbound,
            inbound,
            reader,
            writer,
        })
    }

    /// The server's Engine.IO settings.
    #[must_use]
    pub fn settings(&self) -> &Open {
        &self.open
    }

    /// Queues a frame for the writer (waits while the queue is full).
    ///
    /// # Errors
    ///
    /// [`Error::Closed`] when the connection has ended.
    pub async fn send(&self, frame: String) -> Result<()> {
        self.outbound
            .send(Outbound::Frame(frame))
            .await
            .map_err(|_| Error::Closed {
                reason: "the writer has stopped".to_owned(),
            })
    }

    /// The next event; `None` once the reader has ended and everything was
    /// taken.
    pub async fn next(&mut self) -> Option<LinkEvent> {
        self.inbound.recv().await
    }

    /// Closes the socket: ends the Socket.IO session (`41`) and sends a
    /// WebSocket close.
    pub async fn close(mut self) {
        let disconnect = Outbound::Frame(crate::codec::DISCONNECT.to_owned());
        let _ = self.outbound.send(disconnect).await;
        let _ = self.outbound.send(Outbound::Close).await;
        self.reader.abort();
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut self.writer).await;
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.reader.abort();
        self.writer.abort();
    }
}

type Stream = futures::stream::SplitStream<
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
>;

/// Reads frames until the socket ends: answers pings at once, passes the
/// rest on, and gives up when the server is silent for `silence`.
async fn read_loop(
    mut stream: Stream,
    events: mpsc::Sender<LinkEvent>,
    pongs: mpsc::Sender<Outbound>,
    silence: Duration,
    mut link: LinkMetrics,
) {
    let ended = loop {
        let next = match tokio::time::timeout(silence, stream.next()).await {
            Ok(next) => next,
            Err(_) => {
                break Error::Timeout {
                    what: "a ping from the server (heartbeat)",
                    after: silence,
                };
            }
        };
        let event = match next {
            None => {
                break Error::Closed {
                    reason: "the server closed the socket".to_owned(),
                };
            }
            Some(Err(e)) => {
                break Error::Closed {
                    reason: e.to_string(),
                };
            }
            Some(Ok(Message::Text(text))) => {
                link.frames_in.increment(1);
                match Incoming::decode(&text) {
                    Ok(Incoming::Ping(data)) => {
                        link.ping();
                        if pongs.send(Outbound::Frame(pong(&data))).await.is_err() {
                            break Error::Closed {
                                reason: "the writer has stopped".to_owned(),
                            };
                        }
                        continue;
                    }
                    Ok(incoming) => LinkEvent::Frame(incoming),
                    Err(e) => LinkEvent::BadFrame(e),
                }
            }
            Some(Ok(Message::Close(frame))) => {
                let reason = frame.map_or_else(
                    || "the server closed the socket".to_owned(),
                    |f| format!("the server closed the socket ({} {})", f.code, f.reason),
                );
                break Error::Closed { reason };
            }
            Some(Ok(Message::Binary(_))) => LinkEvent::BadFrame(crate::error::bad_frame(
                "(binary)",
                "CyTube sends no binary frames",
            )),
            Some(Ok(_)) => continue,
        };
        if events.send(event).await.is_err() {
            return;
        }
    };
    let _ = events.send(LinkEvent::Closed(ended)).await;
}

//! The four flows over NATS: local events out, peers' events in, peers'
//! sends and requests to local inboxes, and local sends and requests to
//! peers' inboxes.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_nats::client::RequestErrorKind;
use async_nats::{Client, HeaderMap, Message, StatusCode, Subscriber};
use bytes::Bytes;
use futures::StreamExt;
use futures::stream::FuturesUnordered;

use super::config::Checked;
use super::envelope::{self, ORIGIN_TAG};
use super::stats::{Metrics, Shared, count};
use crate::{Event, EventBus, Pattern, SubscribeOptions, Topic};

/// Topics that never leave the process: the runtime's own.
const LOCAL_ONLY: [&str; 6] = [
    "daz.lifecycle",
    "daz.tick",
    "daz.control",
    "daz.tasks",
    "daz.modules",
    "daz.error",
];

/// What every flow needs.
pub(crate) struct Link {
    pub(crate) client: Client,
    pub(crate) bus: EventBus,
    pub(crate) config: Checked,
    pub(crate) shared: Arc<Shared>,
    pub(crate) metrics: Arc<Metrics>,
    /// The module's name: owner of the transport's own subscriptions.
    pub(crate) owner: String,
}

/// A spawned task aborted when dropped.
pub(crate) struct Task(tokio::task::JoinHandle<()>);

impl Task {
    pub(crate) fn spawn(f: impl Future<Output = ()> + Send + 'static) -> Self {
        Self(tokio::spawn(f))
    }

    /// Aborts the task and waits until it is gone (what it held dropped).
    pub(crate) async fn end(mut self) {
        self.0.abort();
        let _ = (&mut self.0).await;
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Link {
    pub(crate) fn origin(&self) -> &str {
        &self.config.name
    }

    pub(crate) fn prefix(&self) -> &str {
        &self.config.raw.prefix
    }

    /// The subject of a peer's inbox.
    pub(crate) fn inbox_subject(&self, inbox: &str) -> String {
        format!("_daz.{}.inbox.{inbox}", self.prefix())
    }

    /// The subject announcements travel on.
    pub(crate) fn directory_subject(&self) -> String {
        format!("_daz.{}.dir", self.prefix())
    }

    fn connected(&self) -> bool {
        self.shared.connected.load(Ordering::Relaxed)
    }

    pub(crate) fn malformed(&self, what: &str, error: &dyn std::fmt::Display) {
        count(&self.shared.malformed, &self.metrics.malformed);
        tracing::warn!(error = %error, "NATS transport: {what}");
    }

    /// Exports what arrives in `sub`, in order.
    pub(crate) async fn export_all(self: Arc<Self>, mut sub: crate::Subscription) {
        while let Some(event) = sub.recv().await {
            self.export(event).await;
        }
    }

    /// Puts a local event on NATS, unless it came from there or is the
    /// runtime's own. While the connection is down it is counted as not
    /// forwarded instead (local delivery goes on regardless).
    pub(crate) async fn export(&self, event: Event) {
        if event.tags().contains_key(ORIGIN_TAG) || LOCAL_ONLY.contains(&event.topic().as_str()) {
            return;
        }
        if !self.connected() {
            count(&self.shared.not_forwarded, &self.metrics.not_forwarded);
            return;
        }
        let (headers, body) = match envelope::encode_published(&event, self.origin()) {
            Ok(parts) => parts,
            Err(e) => return self.malformed("a local event cannot be carried", &e),
        };
        let subject = format!("{}.{}", self.prefix(), event.topic());
        match self
            .client
            .publish_with_headers(subject, headers, body)
            .await
        {
            Ok(()) => count(&self.shared.exported, &self.metrics.exported),
            Err(e) => {
                count(&self.shared.not_forwarded, &self.metrics.not_forwarded);
                tracing::warn!(error = %e, "NATS transport: publish failed");
            }
        }
    }

    /// Publishes peers' events on the local bus: every subject under the
    /// prefix, filtered by `import` when it is set.
    pub(crate) async fn import(self: Arc<Self>, mut sub: Subscriber) {
        let skip = self.prefix().len() + 1;
        while let Some(msg) = sub.next().await {
            if envelope::origin(msg.headers.as_ref()) == Some(self.origin()) {
                continue;
            }
            let Some(topic) = msg.subject.get(skip..).and_then(|t| Topic::new(t).ok()) else {
                self.malformed("a subject under the prefix is not a topic", &msg.subject);
                continue;
            };
            if let Some(import) = &self.config.import
                && !import.iter().any(|p: &Pattern| p.matches(&topic))
            {
                continue;
            }
            if self.config.durable.iter().any(|p| p.matches(&topic)) {
                continue; // the durable consumer delivers it
            }
            match envelope::decode(Some(topic), msg.headers.as_ref(), &msg.payload) {
                Ok(event) => {
                    self.bus.publish(event);
                    count(&self.shared.imported, &self.metrics.imported);
                }
                Err(e) => self.malformed("an event from NATS is unreadable", &e),
            }
        }
    }

    /// Serves a local inbox to peers: their sends and requests arrive on
    /// its subject (in a queue group, so one process of several serving
    /// the same inbox takes each). Requests are answered concurrently, on
    /// this task.
    pub(crate) async fn serve(self: Arc<Self>, inbox: String, mut sub: Subscriber) {
        let mut inflight = FuturesUnordered::new();
        loop {
            let msg = tokio::select! {
                msg = sub.next() => match msg {
                    Some(msg) => msg,
                    None => break,
                },
                Some(()) = inflight.next(), if !inflight.is_empty() => continue,
            };
            let Some(reply) = msg.reply.clone() else {
                self.malformed("a message to an inbox has no reply subject", &inbox);
                continue;
            };
            let headers = msg.headers.as_ref();
            let event = match envelope::decode(None, headers, &msg.payload) {
                Ok(event) => event,
                Err(e) => {
                    self.answer(reply.to_string(), None, Err(e.to_string()))
                        .await;
                    continue;
                }
            };
            count(&self.shared.served, &self.metrics.imported);
            let correlation = envelope::correlation(headers).ok().flatten();
            if envelope::kind(headers) == Some("request") {
                let timeout = envelope::timeout(headers)
                    .unwrap_or(self.config.raw.request_timeout)
                    .min(self.config.raw.request_timeout);
                inflight.push(self.serve_request(&inbox, event, timeout, reply, correlation));
            } else {
                let sent = self.bus.send(&inbox, event).map_err(|e| e.to_string());
                self.answer(reply.to_string(), correlation, sent.map(|()| None))
                    .await;
            }
        }
    }

    async fn serve_request(
        &self,
        inbox: &str,
        event: Event,
        timeout: Duration,
        reply: async_nats::Subject,
        correlation: Option<crate::EventId>,
    ) {
        let answer = self
            .bus
            .request(inbox, event, timeout)
            .await
            .map_err(|e| e.to_string());
        self.answer(reply.to_string(), correlation, answer.map(Some))
            .await;
    }

    /// Answers a peer: the reply event, an empty receipt, or an error.
    async fn answer(
        &self,
        reply: String,
        correlation: Option<crate::EventId>,
        answer: Result<Option<Event>, String>,
    ) {
        let (mut headers, body) = match answer {
            Ok(Some(event)) => match envelope::encode(&event, self.origin()) {
                Ok(parts) => parts,
                Err(e) => (error_headers(&e.to_string()), Bytes::new()),
            },
            Ok(None) => (HeaderMap::new(), Bytes::new()),
            Err(message) => (error_headers(&message), Bytes::new()),
        };
        if let Some(id) = correlation {
            let _ = envelope::put(&mut headers, envelope::CORRELATION, &id.to_string());
        }
        if let Err(e) = self.client.publish_with_headers(reply, headers, body).await {
            tracing::warn!(error = %e, "NATS transport: cannot answer a peer");
        }
    }

    /// Stands in for a peer's inbox on the local bus: what local modules
    /// send there goes to the peer in order, each receipt checked; a
    /// request goes as a NATS request and its answer is the reply.
    pub(crate) async fn proxy(self: Arc<Self>, inbox: String) {
        let options = SubscribeOptions::new().owner(self.owner.as_str());
        let Ok(mut local) = self.bus.inbox(&inbox, options) else {
            return; // a local module took the name: it wins
        };
        let subject = self.inbox_subject(&inbox);
        let receipts = self.client.new_inbox();
        let Ok(acks) = self.client.subscribe(receipts.clone()).await else {
            return;
        };
        let _receipts = Task::spawn(Arc::clone(&self).receipts(inbox.clone(), acks));
        let mut inflight = FuturesUnordered::new();
        loop {
            let event = tokio::select! {
                event = local.recv() => match event {
                    Some(event) => event,
                    None => break,
                },
                Some(()) = inflight.next(), if !inflight.is_empty() => continue,
            };
            if let Some(deadline) = event.deadline() {
                let timeout = deadline.saturating_duration_since(tokio::time::Instant::now());
                inflight.push(self.request(subject.clone(), event, timeout));
                continue;
            }
            let (mut headers, body) = match envelope::encode(&event, self.origin()) {
                Ok(parts) => parts,
                Err(e) => {
                    self.malformed("a send cannot be carried", &e);
                    continue;
                }
            };
            let _ = envelope::put(&mut headers, envelope::KIND, "send");
            let sent = self
                .client
                .publish_with_reply_and_headers(subject.clone(), receipts.clone(), headers, body)
                .await;
            match sent {
                Ok(()) => count(&self.shared.forwarded, &self.metrics.exported),
                Err(e) => self.undelivered(&inbox, &e),
            }
        }
    }

    fn undelivered(&self, inbox: &str, why: &dyn std::fmt::Display) {
        count(&self.shared.undelivered, &self.metrics.undelivered);
        tracing::warn!(inbox, error = %why, "NATS transport: a send to a peer was not delivered");
    }

    /// Checks the receipts of sends to `inbox`.
    async fn receipts(self: Arc<Self>, inbox: String, mut acks: Subscriber) {
        while let Some(msg) = acks.next().await {
            if msg.status == Some(StatusCode::NO_RESPONDERS) {
                self.undelivered(&inbox, &"no peer serves it any more");
            } else if let Some(error) = envelope::error(msg.headers.as_ref()) {
                self.undelivered(&inbox, &error);
            }
        }
    }

    /// Carries a local request to a peer and hands the answer to the
    /// waiting caller.
    async fn request(&self, subject: String, event: Event, timeout: Duration) {
        let (mut headers, body) = match envelope::encode(&event, self.origin()) {
            Ok(parts) => parts,
            Err(e) => {
                let _ = self.bus.reply_error(&event, e.to_string());
                return;
            }
        };
        let _ = envelope::put(&mut headers, envelope::KIND, "request");
        let millis = u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX);
        let _ = envelope::put(&mut headers, envelope::TIMEOUT_MS, &millis.to_string());
        count(&self.shared.forwarded, &self.metrics.exported);
        let request = async_nats::Request::new()
            .headers(headers)
            .payload(body)
            .timeout(Some(timeout));
        match self.client.send_request(subject, request).await {
            Ok(msg) => self.hand_back(&event, &msg),
            Err(e) if e.kind() == RequestErrorKind::TimedOut => {} // the caller times out too
            Err(e) if e.kind() == RequestErrorKind::NoResponders => {
                let _ = self
                    .bus
                    .reply_error(&event, "no peer serves this inbox any more");
            }
            Err(e) => {
                let _ = self.bus.reply_error(&event, format!("over NATS: {e}"));
            }
        }
    }

    fn hand_back(&self, request: &Event, msg: &Message) {
        let headers = msg.headers.as_ref();
        if let Some(error) = envelope::error(headers) {
            let _ = self.bus.reply_error(request, error);
            return;
        }
        match envelope::decode(None, headers, &msg.payload) {
            Ok(reply) => {
                let _ = self.bus.reply(request, reply);
            }
            Err(e) => {
                self.malformed("a peer's reply is unreadable", &e);
                let _ = self.bus.reply_error(request, e.to_string());
            }
        }
    }
}

fn error_headers(message: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let clean: String = message
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect();
    let _ = envelope::put(&mut headers, envelope::ERROR, &clean);
    headers
}

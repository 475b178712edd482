//! JetStream, where delivery must survive a restart of the receiving
//! process: the exporter keeps the topics in `keep` in a stream
//! (`DAZ_<PREFIX>`), and a receiver takes the topics in `durable` through
//! a durable consumer named after it, so what was published while it was
//! down arrives when it is back.

use std::collections::BTreeSet;
use std::sync::Arc;

use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, pull};
use async_nats::jetstream::{self, stream};
use futures::StreamExt;

use super::envelope;
use super::link::Link;
use super::stats::count;
use crate::{Error, Pattern, Result, Topic};

fn failed(what: &str, e: &dyn std::fmt::Display) -> Error {
    Error::Transport {
        what: what.to_owned(),
        reason: e.to_string(),
    }
}

/// The stream's name for `prefix`: `daz.mybot` keeps `DAZ_DAZ_MYBOT`.
pub(crate) fn stream_name(prefix: &str) -> String {
    format!("DAZ_{}", prefix.replace(['.', '-'], "_").to_uppercase())
}

fn subjects(prefix: &str, patterns: &[Pattern]) -> Vec<String> {
    patterns.iter().map(|p| format!("{prefix}.{p}")).collect()
}

/// Makes sure the stream holds at least the subjects of `patterns`
/// (adding them to a stream another process made).
pub(crate) async fn ensure_stream(link: &Link, patterns: &[Pattern]) -> Result<()> {
    let js = jetstream::new(link.client.clone());
    let name = stream_name(link.prefix());
    let wanted = subjects(link.prefix(), patterns);
    let config = stream::Config {
        name: name.clone(),
        subjects: wanted.clone(),
        max_age: link.config.raw.keep_for,
        ..Default::default()
    };
    let mut stream = js
        .get_or_create_stream(config)
        .await
        .map_err(|e| failed(&format!("making the JetStream stream {name}"), &e))?;
    let info = stream
        .info()
        .await
        .map_err(|e| failed(&format!("reading the JetStream stream {name}"), &e))?;
    let have: BTreeSet<String> = info.config.subjects.iter().cloned().collect();
    if wanted.iter().all(|s| have.contains(s)) {
        return Ok(());
    }
    let mut config = info.config.clone();
    config.subjects = have
        .into_iter()
        .chain(wanted)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    js.update_stream(config).await.map_err(|e| {
        failed(
            &format!("adding subjects to the JetStream stream {name}"),
            &e,
        )
    })?;
    Ok(())
}

/// The durable consumer of this process, made or found.
pub(crate) async fn consumer(
    link: &Link,
    patterns: &[Pattern],
) -> Result<jetstream::consumer::Consumer<pull::Config>> {
    ensure_stream(link, patterns).await?;
    let js = jetstream::new(link.client.clone());
    let name = stream_name(link.prefix());
    let stream = js
        .get_stream(&name)
        .await
        .map_err(|e| failed(&format!("opening the JetStream stream {name}"), &e))?;
    let durable = link.origin().to_owned();
    // One filter subject works on every server; several need NATS 2.10,
    // so with several the consumer takes the whole stream and `receive`
    // filters.
    let mut filter = subjects(link.prefix(), patterns);
    let config = pull::Config {
        durable_name: Some(durable.clone()),
        filter_subject: if filter.len() == 1 {
            filter.remove(0)
        } else {
            String::new()
        },
        deliver_policy: DeliverPolicy::New,
        ack_policy: AckPolicy::Explicit,
        ..Default::default()
    };
    stream
        .get_or_create_consumer(&durable, config)
        .await
        .map_err(|e| failed(&format!("making the durable consumer {durable}"), &e))
}

/// Publishes what the durable consumer delivers on the local bus, and
/// acknowledges it once it is there.
pub(crate) async fn receive(
    link: Arc<Link>,
    consumer: jetstream::consumer::Consumer<pull::Config>,
) {
    let skip = link.prefix().len() + 1;
    let mut messages = match consumer.messages().await {
        Ok(messages) => messages,
        Err(e) => {
            tracing::error!(error = %e, "NATS transport: the durable consumer does not deliver");
            return;
        }
    };
    while let Some(next) = messages.next().await {
        let msg = match next {
            Ok(msg) => msg,
            Err(e) => {
                tracing::warn!(error = %e, "NATS transport: durable delivery");
                continue;
            }
        };
        let own = envelope::origin(msg.headers.as_ref()) == Some(link.origin());
        let topic = msg.subject.get(skip..).and_then(|t| Topic::new(t).ok());
        let wanted = |t: &Topic| link.config.durable.iter().any(|p: &Pattern| p.matches(t));
        match (own, topic) {
            (true, _) => {}
            (false, Some(topic)) if !wanted(&topic) => {}
            (false, Some(topic)) => {
                match envelope::decode(Some(topic), msg.headers.as_ref(), &msg.payload) {
                    Ok(event) => {
                        link.bus.publish(event);
                        count(&link.shared.imported, &link.metrics.imported);
                    }
                    Err(e) => link.malformed("a durable event is unreadable", &e),
                }
            }
            (false, None) => link.malformed("a durable subject is not a topic", &msg.subject),
        }
        if let Err(e) = msg.ack().await {
            tracing::warn!(error = %e, "NATS transport: cannot acknowledge a durable event");
        }
    }
}

//! `Context::reply_later`: a module answers a slow request from a task and
//! goes on answering others meanwhile; stopping it answers what is left.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use std::time::Duration;

use daz_core::{Bot, Context, Event, EventPayload, Module, ModuleResult, Topic};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Ask {
    slow: bool,
}

impl EventPayload for Ask {
    const TOPIC: Topic = Topic::from_static("test.ask");
}

/// Answers slow asks when `release` fires, fast ones at once.
#[derive(daz_core::Module)]
#[module(name = "slow")]
struct Slow {
    release: Option<oneshot::Receiver<()>>,
}

#[daz_core::async_trait]
impl Module for Slow {
    async fn handle_request(&mut self, ctx: &mut Context, request: Event) -> ModuleResult<Event> {
        let ask = request.payload::<Ask>()?;
        let answer = ctx.event(Ask::TOPIC).payload(ask.clone());
        if !ask.slow {
            return Ok(answer);
        }
        let release = self.release.take();
        Ok(ctx.reply_later(&request, async move {
            match release {
                Some(release) => {
                    let _ = release.await;
                    Ok(answer)
                }
                None => Err("asked twice".into()),
            }
        }))
    }
}

#[tokio::test]
async fn a_slow_answer_does_not_hold_up_the_next_request_and_a_stop_answers_it() {
    let (release, wait) = oneshot::channel();
    let bot = Bot::builder()
        .module(Slow {
            release: Some(wait),
        })
        .build()
        .unwrap();
    let handle = bot.handle();
    let bus = handle.bus().clone();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    handle.modules().await.unwrap();
    let ask = |slow| Event::new(Ask { slow });
    let slow = tokio::spawn({
        let bus = bus.clone();
        async move {
            bus.request("slow", ask(true), Duration::from_secs(10))
                .await
        }
    });
    // The fast one is answered while the slow one waits.
    let fast = bus
        .request("slow", ask(false), Duration::from_secs(10))
        .await
        .unwrap();
    assert!(!fast.payload::<Ask>().unwrap().slow);
    assert!(!slow.is_finished());
    release.send(()).unwrap();
    let slow = slow.await.unwrap().unwrap();
    assert!(slow.payload::<Ask>().unwrap().slow);

    // A second slow ask fails in the task: an error reply.
    let err = bus
        .request("slow", ask(true), Duration::from_secs(10))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("asked twice"), "{err}");
    handle.stop();
    running.await.unwrap().unwrap();
}

/// Never answers: the task waits forever.
#[derive(daz_core::Module)]
#[module(name = "stuck")]
struct Stuck;

#[daz_core::async_trait]
impl Module for Stuck {
    async fn handle_request(&mut self, ctx: &mut Context, request: Event) -> ModuleResult<Event> {
        Ok(ctx.reply_later(&request, std::future::pending()))
    }
}

#[tokio::test]
async fn a_module_that_stops_answers_its_pending_requests_with_an_error() {
    let bot = Bot::builder().module(Stuck).build().unwrap();
    let handle = bot.handle();
    let bus = handle.bus().clone();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    handle.modules().await.unwrap();
    let asked = tokio::spawn(async move {
        bus.request(
            "stuck",
            Event::new(Ask { slow: true }),
            Duration::from_secs(30),
        )
        .await
    });
    // The request is on its way (answered by the task or by the drain).
    while handle.bus().pending_requests() == 0 {
        tokio::task::yield_now().await;
    }
    handle.disable("stuck").await.unwrap();
    let err = asked.await.unwrap().unwrap_err();
    assert!(
        err.to_string().contains("stopped before answering"),
        "{err}"
    );
    handle.stop();
    running.await.unwrap().unwrap();
}

//! The test harness drives modules through a fake room in paused time.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use daz_core::chat::{BRIDGE, ChatMessage, MediaChanged, Rank, SendChat, SendPm, UserJoined};
use daz_core::testing::{Harness, Said};
use daz_core::{Context, Event, Module, ModuleResult, ModuleState, Pattern};

/// Greets joiners once per minute per user, answers `!np` with the media,
/// and tells a user privately when they PM it.
#[derive(Default, daz_core::Module)]
#[module(name = "host")]
struct Host {
    playing: Option<String>,
    last_greeted: std::collections::HashMap<String, tokio::time::Instant>,
}

#[daz_core::async_trait]
impl Module for Host {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        for pattern in [
            "cytube.event.chatMsg",
            "cytube.event.pm",
            "cytube.event.addUser",
            "cytube.event.changeMedia",
        ] {
            ctx.subscribe(Pattern::new(pattern)?)?;
        }
        Ok(())
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let room = event.room().unwrap_or_default().to_owned();
        match event.topic().as_str() {
            "cytube.event.addUser" => {
                let joined = event.payload::<UserJoined>()?;
                let now = tokio::time::Instant::now();
                let recent = self
                    .last_greeted
                    .get(&joined.user)
                    .is_some_and(|t| now.duration_since(*t) < Duration::from_secs(60));
                if !recent {
                    self.last_greeted.insert(joined.user.clone(), now);
                    ctx.send(
                        BRIDGE,
                        SendChat::new(&room, &format!("welcome, {}", joined.user)),
                    )?;
                }
            }
            "cytube.event.changeMedia" => {
                self.playing = Some(event.payload::<MediaChanged>()?.title.clone());
            }
            "cytube.event.pm" => {
                let pm = event.payload::<ChatMessage>()?;
                ctx.send(
                    BRIDGE,
                    SendPm::new(&room, &pm.user, &format!("you said {}", pm.text)),
                )?;
            }
            _ => {
                let chat = event.payload::<ChatMessage>()?;
                if chat.text == "!np" {
                    let text = self.playing.clone().unwrap_or_else(|| "nothing".into());
                    let reply = ctx
                        .request(BRIDGE, SendChat::new(&room, &text), Duration::from_secs(1))
                        .await?;
                    assert_eq!(
                        reply.payload::<SendChat>()?.text,
                        text,
                        "the room echoes what it said"
                    );
                }
                if chat.text == "!rank" {
                    ctx.send(
                        BRIDGE,
                        SendChat::new(&room, &format!("{} is {}", chat.user, chat.rank)),
                    )?;
                }
            }
        }
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_module_is_tested_in_a_few_lines() {
    let mut room = Harness::builder()
        .module(Host::default())
        .room("movies")
        .build()
        .await
        .unwrap();
    assert_eq!(
        room.state("host").await.unwrap(),
        Some(ModuleState::Running)
    );
    assert_eq!(room.room(), "movies");

    room.join("ann", Rank::MODERATOR).await;
    room.join("ann", Rank::MODERATOR).await;
    assert_eq!(
        room.said(),
        ["welcome, ann"],
        "greeted once within the cooldown"
    );
    room.advance(Duration::from_secs(61)).await;
    room.join("ann", Rank::MODERATOR).await;
    assert_eq!(room.said(), ["welcome, ann", "welcome, ann"]);

    room.say("ann", "!np").await;
    room.media("Big Buck Bunny", Duration::from_secs(596)).await;
    room.say("ann", "!np").await;
    room.say("ann", "!rank").await;
    room.say("bob", "!rank").await;
    room.pm("bob", "hi").await;
    assert_eq!(
        room.take_said(),
        [
            Said::Chat {
                room: "movies".into(),
                text: "welcome, ann".into()
            },
            Said::Chat {
                room: "movies".into(),
                text: "welcome, ann".into()
            },
            Said::Chat {
                room: "movies".into(),
                text: "nothing".into()
            },
            Said::Chat {
                room: "movies".into(),
                text: "Big Buck Bunny".into()
            },
            Said::Chat {
                room: "movies".into(),
                text: "ann is 2".into()
            },
            Said::Chat {
                room: "movies".into(),
                text: "bob is 0".into()
            },
            Said::Pm {
                room: "movies".into(),
                to: "bob".into(),
                text: "you said hi".into()
            },
        ]
    );
    assert!(room.said().is_empty());
    assert_eq!(room.pms_to("bob"), Vec::<String>::new(), "taken");

    let joins = room.published(&Pattern::new("cytube.event.addUser").unwrap());
    assert_eq!(joins.len(), 3);
    assert!(joins.iter().all(|e| e.room() == Some("movies")));
    let report = room.shutdown().await;
    assert!(report.abandoned.is_empty());
}

//! `daz-bot console`: a local room in the terminal. Each line typed is a
//! chat message from you; `/join`, `/leave`, `/rank`, `/media` and `/pm`
//! simulate the channel; what the bot says is printed.

use std::io::Write;
use std::time::Duration;

use daz_core::chat::{
    self, ChatMessage, MediaChanged, Rank, SendChat, SendPm, UserJoined, UserLeft, UserRank,
};
use daz_core::{Event, EventBus, EventPayload, SubscribeOptions, Topic};
use tokio::io::{AsyncBufReadExt, BufReader};

const ROOM: &str = "console";

/// You, in the room.
struct Me {
    user: String,
    rank: Rank,
}

/// A console room is one person trying commands: unless the configuration
/// sets `[commands.flood]`, the flood limit is lifted.
pub(crate) fn without_flood_limit(mut config: daz_core::Config) -> daz_core::Config {
    let mut commands = config
        .section_value("commands")
        .cloned()
        .unwrap_or_else(|| serde_json::json!({}));
    if let Some(table) = commands.as_object_mut()
        && !table.contains_key("flood")
    {
        table.insert(
            "flood".to_owned(),
            serde_json::json!({ "burst": 1_000_000 }),
        );
        config.set_section("commands", commands);
    }
    config
}

/// Runs the console until end of input.
pub(crate) async fn run(
    bot: daz_core::BotBuilder,
    user: String,
    rank: Rank,
) -> Result<(), Box<dyn std::error::Error>> {
    let bus = EventBus::new();
    let bot = bot.bus(bus.clone()).build()?;
    // The console plays the CyTube bridge: it receives what modules say.
    let mut bridge = bus.inbox(chat::BRIDGE, SubscribeOptions::new())?;
    let handle = bot.handle();
    // `run` also stops on SIGINT (Ctrl-C) and SIGTERM.
    let mut running = tokio::spawn(bot.run());
    if let Err(e) = daz_bot::compose::until_running(&handle, Duration::from_secs(30)).await {
        handle.stop();
        let _ = running.await;
        return Err(e);
    }
    let mut me = Me { user, rank };
    publish(
        &bus,
        UserJoined::TOPIC,
        UserJoined::new(ROOM, &me.user, me.rank),
    );
    println!(
        "daz-bot console: you are `{}` (rank {}) in room `{ROOM}`. Try !help; /join, /leave, /rank, /media, /pm; end with Ctrl-D.",
        me.user, me.rank
    );
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut input_open = true;
    let report = loop {
        tokio::select! {
            line = lines.next_line(), if input_open => match line? {
                Some(line) => {
                    if let Err(problem) = act(&bus, &mut me, &line) {
                        println!("(console) {problem}");
                    }
                    // Let the bot answer before the next line.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                None => {
                    // A graceful stop lets modules finish what they were given.
                    input_open = false;
                    handle.stop();
                }
            },
            Some(event) = bridge.recv() => print_said(&event),
            report = &mut running => break report??,
        }
    };
    println!("daz-bot console: stopped.");
    for module in report.abandoned {
        eprintln!("daz-bot: module {module} did not stop in time");
    }
    while let Some(event) = bridge.try_recv() {
        print_said(&event);
    }
    Ok(())
}

fn publish<T: EventPayload>(bus: &EventBus, topic: Topic, payload: T) {
    bus.publish(
        Event::builder(topic)
            .source(chat::BRIDGE)
            .room(ROOM)
            .payload(payload),
    );
}

/// One typed line: a console command, or chat.
fn act(bus: &EventBus, me: &mut Me, line: &str) -> Result<(), String> {
    let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
    let rest = rest.trim();
    match word {
        "/join" if !rest.is_empty() => publish(
            bus,
            UserJoined::TOPIC,
            UserJoined::new(ROOM, rest, Rank::GUEST),
        ),
        "/leave" if !rest.is_empty() => publish(bus, UserLeft::TOPIC, UserLeft::new(ROOM, rest)),
        "/rank" => {
            me.rank = rest.parse().map_err(|e| format!("/rank N: {e}"))?;
            publish(bus, UserRank::TOPIC, UserRank::new(ROOM, &me.user, me.rank));
            println!("(console) you are now rank {}", me.rank);
        }
        "/media" => {
            let (title, seconds) = rest.rsplit_once(' ').ok_or("/media TITLE SECONDS")?;
            let seconds: u64 = seconds
                .parse()
                .map_err(|_| "/media TITLE SECONDS: SECONDS is a whole number")?;
            publish(
                bus,
                MediaChanged::TOPIC,
                MediaChanged::new(ROOM, title, Duration::from_secs(seconds)),
            );
        }
        "/pm" => {
            let message = ChatMessage::new(ROOM, &me.user, me.rank, rest).private();
            publish(bus, message.topic(), message);
        }
        "/join" | "/leave" => return Err(format!("{word} NAME")),
        _ => {
            let message = ChatMessage::new(ROOM, &me.user, me.rank, line);
            publish(bus, message.topic(), message);
        }
    }
    Ok(())
}

fn print_said(event: &Event) {
    let text = if let Ok(chat) = event.payload::<SendChat>() {
        format!("<daz-bot> {}", chat.text)
    } else if let Ok(pm) = event.payload::<SendPm>() {
        format!("<daz-bot → {}> {}", pm.to, pm.text)
    } else {
        return;
    };
    println!("{text}");
    let _ = std::io::stdout().flush();
}

//! `daz-bot console`: a local room in the terminal. Each line typed is a
//! chat message; what the bot says is printed.

use std::io::Write;

use daz_core::chat::{self, ChatMessage, Rank, SendChat, SendPm};
use daz_core::{Bot, Event, EventBus, SubscribeOptions, Subscription};
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::ping::Ping;

const ROOM: &str = "console";
const USER: &str = "you";

/// Runs the console until end of input.
pub(crate) async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let bot = Bot::builder().module(Ping).build()?;
    let bus = bot.bus().clone();
    // The console plays the CyTube bridge: it receives what modules say.
    let mut bridge = bus.inbox(chat::BRIDGE, SubscribeOptions::new())?;
    let handle = bot.handle();
    // `run` also stops on SIGINT (Ctrl-C) and SIGTERM.
    let mut running = tokio::spawn(bot.run());
    // Once the supervisor answers, it listens for signals and the modules
    // have been started.
    handle.modules().await?;
    println!(
        "daz-bot console: you are `{USER}` in room `{ROOM}`. Try !ping or !help; end with Ctrl-D."
    );
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut input_open = true;
    let report = loop {
        tokio::select! {
            line = lines.next_line(), if input_open => match line? {
                Some(line) => publish_line(&bus, &line),
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
    drain(&mut bridge);
    Ok(())
}

fn publish_line(bus: &EventBus, line: &str) {
    let message = ChatMessage::new(ROOM, USER, Rank::REGISTERED, line);
    bus.publish(
        Event::builder(message.topic())
            .source(chat::BRIDGE)
            .room(ROOM)
            .payload(message),
    );
}

fn drain(bridge: &mut Subscription) {
    while let Some(event) = bridge.try_recv() {
        print_said(&event);
    }
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

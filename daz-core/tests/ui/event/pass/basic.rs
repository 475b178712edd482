use daz_core::{Event, EventPayload};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Event)]
#[event(topic = "cytube.event.chatMsg")]
struct ChatMsg {
    msg: String,
}

#[derive(Serialize, Deserialize, Event)]
#[event(topic = "demo.wrapped-value_2")]
struct Wrapped<T>(T);

fn main() {
    assert_eq!(ChatMsg::TOPIC, "cytube.event.chatMsg");
    assert_eq!(<Wrapped<u8> as EventPayload>::TOPIC, "demo.wrapped-value_2");
    let event = Event::new(ChatMsg { msg: "hi".into() });
    assert_eq!(event.topic(), "cytube.event.chatMsg");
}

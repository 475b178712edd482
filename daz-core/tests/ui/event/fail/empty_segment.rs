#[derive(serde::Serialize, serde::Deserialize, daz_core::Event)]
#[event(topic = "cytube..chatMsg")]
struct ChatMsg;

fn main() {}

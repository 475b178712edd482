#[derive(serde::Serialize, serde::Deserialize, daz_core::Event)]
#[event(topic = "chat", priority = "high")]
struct Chat;

fn main() {}

#[derive(serde::Serialize, serde::Deserialize, daz_core::Event)]
#[event(topic = chat.message)]
struct Chat;

fn main() {}

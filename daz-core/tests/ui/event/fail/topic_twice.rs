#[derive(serde::Serialize, serde::Deserialize, daz_core::Event)]
#[event(topic = "a")]
#[event(topic = "b")]
struct Chat;

fn main() {}

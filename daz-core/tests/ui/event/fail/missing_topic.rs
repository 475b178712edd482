#[derive(serde::Serialize, serde::Deserialize, daz_core::Event)]
struct Chat;

fn main() {}

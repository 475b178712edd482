#[derive(daz_core::Event)]
#[event(topic = "demo.plain")]
struct Plain;

fn main() {}

#[derive(daz_core::Module)]
#[module(name = "my module")]
struct M;

fn main() {}

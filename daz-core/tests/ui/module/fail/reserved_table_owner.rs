#[derive(daz_core::Module)]
#[module(name = "core")]
struct M;

fn main() {}

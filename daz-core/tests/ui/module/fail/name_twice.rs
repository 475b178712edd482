#[derive(daz_core::Module)]
#[module(name = "a", name = "b")]
struct M;

fn main() {}

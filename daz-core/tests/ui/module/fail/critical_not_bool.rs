#[derive(daz_core::Module)]
#[module(name = "m", critical = "yes")]
struct M;

fn main() {}

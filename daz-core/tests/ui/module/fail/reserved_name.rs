#[derive(daz_core::Module)]
#[module(name = "daz")]
struct M;

fn main() {}

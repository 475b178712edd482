#[derive(daz_core::Module)]
#[module(name = economy)]
struct M;

fn main() {}

#[derive(daz_core::Module)]
#[module(requires = ["sql"])]
struct M;

fn main() {}

#[derive(daz_core::Module)]
#[module(name = "m", depends = ["sql"])]
struct M;

fn main() {}

#[derive(daz_core::Module)]
#[module(name = "m", requires = "sql")]
struct M;

fn main() {}

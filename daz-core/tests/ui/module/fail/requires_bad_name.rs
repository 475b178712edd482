#[derive(daz_core::Module)]
#[module(name = "m", requires = ["sql.db"])]
struct M;

fn main() {}

use daz_core::{Module, ModuleInfo};

/// Keeps balances
/// and pays interest.
#[derive(Module)]
#[module(
    name = "economy",
    requires = ["sql", "cytube"],
    provides = ["balances"],
    rooms = ["lobby", "movies"],
    critical,
    version = "2.1.0"
)]
struct Economy<T: Send + 'static> {
    _rate: T,
}

#[daz_core::async_trait]
impl<T: Send + 'static> Module for Economy<T> {}

/// Minimal.
#[derive(Module)]
#[module(name = "min")]
struct Min;

#[daz_core::async_trait]
impl Module for Min {}

fn main() {
    let m = Economy { _rate: 0.5 }.manifest();
    assert_eq!(m.name(), "economy");
    assert_eq!(m.version(), "2.1.0");
    assert_eq!(m.description(), "Keeps balances\nand pays interest.");
    assert_eq!(m.requires(), ["sql", "cytube"]);
    assert_eq!(m.provides(), ["balances"]);
    assert_eq!(m.rooms(), Some(&["lobby".to_owned(), "movies".to_owned()][..]));
    assert!(m.is_critical());

    let m = Min.manifest();
    assert_eq!(m.version(), env!("CARGO_PKG_VERSION"));
    assert_eq!(m.description(), "Minimal.");
    assert!(m.requires().is_empty() && m.rooms().is_none() && !m.is_critical());
    let boxed: Box<dyn Module> = Box::new(Min);
    assert_eq!(boxed.manifest().name(), "min");
}

//! `#[derive(Module)]`: what compiles and what is refused, with the message.

#[test]
fn derive_module_ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/module/pass/*.rs");
    t.compile_fail("tests/ui/module/fail/*.rs");
}

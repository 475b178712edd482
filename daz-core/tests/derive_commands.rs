//! `#[commands]`: what compiles and what is refused, with the message.

#[test]
fn commands_ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/commands/pass/*.rs");
    t.compile_fail("tests/ui/commands/fail/*.rs");
}

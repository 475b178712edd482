//! `#[derive(Event)]`: what compiles and what is refused, with the message.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[test]
fn derive_event_ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/event/pass/*.rs");
    t.compile_fail("tests/ui/event/fail/*.rs");
}

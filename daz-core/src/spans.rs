//! The spans the runtime makes, and a hook on them.
//!
//! Every event a module handles runs in an `event` span (fields `module`,
//! `topic`, `event_id`, `trace`, `correlation`), every command in a
//! `command` span inside it (`command`, `user`, `room`, `pm`). Events a
//! module makes while handling one carry its trace
//! ([`Event::trace_id`](crate::Event::trace_id)), so everything a chat line
//! sets off shares one `trace`.
//!
//! A tracing backend that has trace ids of its own (OpenTelemetry) can
//! make them follow daz's: [`set_hook`] is called with each `event` span as
//! it is made and the event's trace id, before the span is entered.
//!
//! ```
//! fn hook(span: &tracing::Span, trace: daz_core::EventId) {
//!     // e.g. with tracing-opentelemetry: span.set_parent(a remote context
//!     // whose trace id is trace.as_u128())
//!     let _ = (span, trace);
//! }
//! assert!(daz_core::spans::set_hook(hook));
//! assert!(!daz_core::spans::set_hook(hook), "set once per process");
//! ```

use std::sync::OnceLock;

use crate::EventId;

/// What [`set_hook`] takes.
pub type SpanHook = fn(&tracing::Span, EventId);

static HOOK: OnceLock<SpanHook> = OnceLock::new();

/// Sets the process's span hook; `false` when one is set already.
pub fn set_hook(hook: SpanHook) -> bool {
    HOOK.set(hook).is_ok()
}

/// Hands a new span to the hook, if any.
pub(crate) fn made(span: &tracing::Span, trace: EventId) {
    if let Some(hook) = HOOK.get() {
        hook(span, trace);
    }
}

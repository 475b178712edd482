//! Procedural macros for daz. Use them through `daz-core`, which re-exports
//! each one next to the trait it implements.

mod event;
mod topic;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `daz_core::EventPayload`: `#[event(topic = "a.b.c")]` names the
/// topic, checked here so a bad topic is a compile error on the literal.
///
/// See `daz_core::Event` for examples.
#[proc_macro_derive(Event, attributes(event))]
pub fn derive_event(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    event::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

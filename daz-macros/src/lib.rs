//! Procedural macros for daz. Use them through `daz-core`, which re-exports
//! each one next to the trait it implements.

mod commands;
mod docs;
mod event;
mod module;
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

/// Derives `daz_core::ModuleInfo`, the manifest of a module, from
/// `#[module(name = "...", requires = [...], provides = [...], rooms = [...],
/// critical, version = "...", description = "...")]`. Only `name` is
/// required; the version defaults to the crate's and the description to
/// the doc comment. Checked at compile time.
///
/// See `daz_core::Module` for examples.
#[proc_macro_derive(Module, attributes(module))]
pub fn derive_module(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    module::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares a module's chat commands: `#[command(...)]` on async methods
/// of its `impl` block. See `daz_core::command`.
#[proc_macro_attribute]
pub fn commands(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = parse_macro_input!(item as syn::ItemImpl);
    let mut fallback = item.clone();
    match commands::expand(args.into(), item) {
        Ok(tokens) => tokens.into(),
        Err(error) => {
            // Keep the methods, so the only errors are the macro's own.
            commands::strip(&mut fallback);
            let empty = commands::empty_impl(&fallback);
            let error = error.into_compile_error();
            quote::quote! { #fallback #empty #error }.into()
        }
    }
}

//! `#[derive(Event)]`: the model the parser builds and the generator reads.

mod generate;
mod parse;

use proc_macro2::TokenStream;
use syn::{DeriveInput, Generics, Ident, LitStr};

/// What the derive needs to know about the payload type.
pub(crate) struct EventDerive<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    /// The topic literal, already checked against the grammar.
    pub(crate) topic: LitStr,
}

pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let model = parse::parse(input)?;
    Ok(generate::generate(&model))
}

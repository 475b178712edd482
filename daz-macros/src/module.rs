//! `#[derive(Module)]`: the model the parser builds and the generator reads.

mod generate;
pub(crate) mod parse;

use proc_macro2::TokenStream;
use syn::{DeriveInput, Generics, Ident, LitStr};

/// What the derive needs to write a module's manifest.
pub(crate) struct ModuleDerive<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) name: LitStr,
    /// `None`: the deriving crate's version.
    pub(crate) version: Option<LitStr>,
    /// From `description = "..."`, else the doc comment.
    pub(crate) description: String,
    pub(crate) requires: Vec<LitStr>,
    pub(crate) provides: Vec<LitStr>,
    pub(crate) rooms: Option<Vec<LitStr>>,
    pub(crate) critical: bool,
    /// The module's config type, from `config = Type`.
    pub(crate) config: Option<syn::Type>,
    /// `commands`: the type's `#[commands]` block offers chat commands.
    pub(crate) commands: bool,
}

pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let model = parse::parse(input)?;
    Ok(generate::generate(&model))
}

//! `#[commands]`: the model the parser builds and the generator reads.

mod attrs;
mod generate;
mod parse;

use proc_macro2::{Span, TokenStream};
use syn::{Ident, ItemImpl, LitStr, Type};

/// Where a command may be used.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Anywhere,
    PmOnly,
    RoomOnly,
}

/// What `#[command(...)]` says.
pub(crate) struct CommandAttrs {
    pub(crate) name: Option<LitStr>,
    pub(crate) aliases: Vec<LitStr>,
    pub(crate) min_rank: Option<f64>,
    pub(crate) user_cooldown_ms: Option<u64>,
    pub(crate) room_cooldown_ms: Option<u64>,
    pub(crate) global_cooldown_ms: Option<u64>,
    pub(crate) scope: Scope,
    pub(crate) hidden: bool,
    pub(crate) confirm_ms: Option<u64>,
}

/// One typed parameter after the context.
pub(crate) struct Param {
    /// The name shown in usage (leading `_` removed).
    pub(crate) name: String,
    pub(crate) ty: Type,
}

/// One `#[command]` method.
pub(crate) struct CommandMethod {
    pub(crate) method: Ident,
    /// The command's name, lower-cased.
    pub(crate) name: String,
    pub(crate) name_span: Span,
    pub(crate) attrs: CommandAttrs,
    pub(crate) description: String,
    pub(crate) params: Vec<Param>,
}

impl CommandMethod {
    /// The name and aliases, lower-cased.
    pub(crate) fn words(&self) -> Vec<String> {
        std::iter::once(self.name.clone())
            .chain(
                self.attrs
                    .aliases
                    .iter()
                    .map(|a| a.value().to_ascii_lowercase()),
            )
            .collect()
    }
}

/// The whole block.
pub(crate) struct CommandsBlock {
    /// The impl block with the `#[command]` attributes removed.
    pub(crate) item: ItemImpl,
    pub(crate) commands: Vec<CommandMethod>,
}

pub(crate) fn expand(args: TokenStream, item: ItemImpl) -> syn::Result<TokenStream> {
    let model = parse::parse(args, item)?;
    Ok(generate::generate(&model))
}

/// Removes the `#[command]` attributes from `item`.
pub(crate) fn strip(item: &mut ItemImpl) {
    for entry in &mut item.items {
        if let syn::ImplItem::Fn(function) = entry {
            function.attrs.retain(|a| !a.path().is_ident("command"));
        }
    }
}

/// An empty `Commands` impl, so a mistake in the block is reported once,
/// not again by `#[module(commands)]`. Nothing for a trait impl.
pub(crate) fn empty_impl(item: &ItemImpl) -> TokenStream {
    if item.trait_.is_some() {
        return TokenStream::new();
    }
    let self_ty = &item.self_ty;
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    quote::quote! {
        impl #impl_generics ::daz_core::command::Commands for #self_ty #where_clause {
            fn commands() -> ::std::vec::Vec<::daz_core::command::CommandSpec> {
                ::std::vec::Vec::new()
            }
        }
    }
}

//! Reads `#[event(...)]` into an [`EventDerive`].

use syn::{DeriveInput, LitStr};

use super::EventDerive;
use crate::topic;

pub(crate) fn parse(input: &DeriveInput) -> syn::Result<EventDerive<'_>> {
    let mut topic: Option<LitStr> = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("event")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("topic") {
                if topic.is_some() {
                    return Err(meta.error("`topic` is given twice; keep one"));
                }
                let lit: LitStr = meta.value()?.parse().map_err(|e| {
                    syn::Error::new(e.span(), "expected a string literal: `topic = \"a.b.c\"`")
                })?;
                if let Some(problem) = topic::problem(&lit.value()) {
                    return Err(syn::Error::new(
                        lit.span(),
                        format!("invalid topic: {problem}"),
                    ));
                }
                topic = Some(lit);
                Ok(())
            } else {
                Err(meta.error("unknown `event` attribute key; the only key is `topic = \"...\"`"))
            }
        })?;
    }
    let Some(topic) = topic else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "missing topic: add `#[event(topic = \"module.name\")]` to the type",
        ));
    };
    Ok(EventDerive {
        ident: &input.ident,
        generics: &input.generics,
        topic,
    })
}

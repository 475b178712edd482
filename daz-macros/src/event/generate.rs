//! Writes the `EventPayload` impl for an [`EventDerive`].

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::EventDerive;

pub(crate) fn generate(model: &EventDerive<'_>) -> TokenStream {
    let ident = model.ident;
    let topic = &model.topic;
    let (impl_generics, ty_generics, where_clause) = model.generics.split_for_impl();
    // Generic payloads get the trait's supertraits as bounds on `Self`, so
    // `Wrapped<T>` is a payload exactly when `T` allows it.
    let mut predicates = where_clause
        .map(|w| w.predicates.clone())
        .unwrap_or_default();
    if !model.generics.params.is_empty() {
        predicates.push(syn::parse_quote! {
            Self: ::daz_core::__private::serde::Serialize
                + ::daz_core::__private::serde::de::DeserializeOwned
                + ::core::marker::Send
                + ::core::marker::Sync
                + 'static
        });
    }
    let where_clause = (!predicates.is_empty()).then(|| quote! { where #predicates });
    quote_spanned! {topic.span()=>
        impl #impl_generics ::daz_core::EventPayload for #ident #ty_generics #where_clause {
            const TOPIC: ::daz_core::__private::Topic =
                ::daz_core::__private::Topic::from_static(#topic);
        }
    }
}

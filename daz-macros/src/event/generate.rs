//! Writes the `EventPayload` impl for an [`EventDerive`].

use proc_macro2::TokenStream;
use quote::quote_spanned;

use super::EventDerive;

pub(crate) fn generate(model: &EventDerive<'_>) -> TokenStream {
    let ident = model.ident;
    let topic = &model.topic;
    let (impl_generics, ty_generics, where_clause) = model.generics.split_for_impl();
    quote_spanned! {topic.span()=>
        impl #impl_generics ::daz_core::EventPayload for #ident #ty_generics #where_clause {
            const TOPIC: ::daz_core::__private::Topic =
                ::daz_core::__private::Topic::from_static(#topic);
        }
    }
}

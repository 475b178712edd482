//! Writes the `ModuleInfo` impl for a [`ModuleDerive`].

use proc_macro2::TokenStream;
use quote::quote;

use super::ModuleDerive;

pub(crate) fn generate(model: &ModuleDerive<'_>) -> TokenStream {
    let ident = model.ident;
    let (impl_generics, ty_generics, where_clause) = model.generics.split_for_impl();
    let name = &model.name;
    let version = match &model.version {
        Some(v) => quote! { #v },
        None => quote! { ::core::env!("CARGO_PKG_VERSION") },
    };
    let description = &model.description;
    let requires = &model.requires;
    let provides = &model.provides;
    let rooms = match &model.rooms {
        Some(rooms) => quote! { ::core::option::Option::Some(&[#(#rooms),*]) },
        None => quote! { ::core::option::Option::None },
    };
    let critical = model.critical;
    let check_config = model.config.as_ref().map(|ty| {
        quote! {
            fn check_config(&self, config: &::daz_core::Config) -> ::daz_core::Result<()> {
                config.section::<#ty>(#name).map(|_| ())
            }
        }
    });
    let (commands, declared) = if model.commands {
        (
            Some(quote! {
                fn commands(&self) -> ::std::vec::Vec<::daz_core::command::CommandSpec> {
                    <Self as ::daz_core::command::Commands>::commands()
                }
            }),
            Some(quote! {
                impl #impl_generics ::daz_core::__private::CommandsDeclared
                    for #ident #ty_generics #where_clause {}
            }),
        )
    } else {
        (None, None)
    };
    // The names are checked by daz-core's own rule, at compile time.
    let checks = std::iter::once(name.clone())
        .chain(requires.iter().cloned())
        .map(|lit| {
            quote::quote_spanned! { lit.span() =>
                const _: () = ::daz_core::__private::assert_module_name(#lit);
            }
        });
    quote! {
        #(#checks)*
        #declared

        impl #impl_generics ::daz_core::ModuleInfo for #ident #ty_generics #where_clause {
            fn manifest(&self) -> ::daz_core::Manifest {
                ::daz_core::__private::manifest(::daz_core::__private::ManifestParts {
                    name: #name,
                    version: #version,
                    description: #description,
                    requires: &[#(#requires),*],
                    provides: &[#(#provides),*],
                    rooms: #rooms,
                    critical: #critical,
                })
            }

            #check_config

            #commands
        }
    }
}

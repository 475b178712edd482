//! Writes, for each `#[command]` method, an argument reader and a handler,
//! and the `Commands` impl listing their specs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use super::{CommandMethod, CommandsBlock, Scope};

fn optional_ms(ms: Option<u64>) -> TokenStream {
    match ms {
        Some(ms) => quote! { ::core::option::Option::Some(#ms) },
        None => quote! { ::core::option::Option::None },
    }
}

/// The hidden functions of one command: reading its arguments, its usage
/// fragment, and running it.
/// The names of a command's hidden functions: argument reader, usage, run.
fn hidden_names(command: &CommandMethod) -> (Ident, Ident, Ident) {
    let base = command.method.unraw();
    (
        format_ident!("__daz_args_{}", base),
        format_ident!("__daz_usage_{}", base),
        format_ident!("__daz_run_{}", base),
    )
}

fn functions(command: &CommandMethod) -> TokenStream {
    let method = &command.method;
    let (args_fn, usage_fn, run_fn) = hidden_names(command);
    let types: Vec<_> = command.params.iter().map(|p| &p.ty).collect();
    let names: Vec<_> = command.params.iter().map(|p| p.name.as_str()).collect();
    let values: Vec<_> = (0..command.params.len())
        .map(|i| format_ident!("__daz_arg{}", i))
        .collect();
    let reads = command.params.iter().zip(&values).map(|(param, value)| {
        let ty = &param.ty;
        let name = &param.name;
        quote_spanned! {ty.span()=>
            let #value = <#ty as ::daz_core::command::FromArgs>::from_args(&mut __daz_args)
                .map_err(|e| e.param(#name))?;
        }
    });
    quote! {
        #[doc(hidden)]
        fn #args_fn(
            text: &str,
        ) -> ::core::result::Result<(#(#types,)*), ::daz_core::command::ArgError> {
            let mut __daz_args = ::daz_core::command::Args::new(text);
            #(#reads)*
            __daz_args.finish()?;
            ::core::result::Result::Ok((#(#values,)*))
        }

        #[doc(hidden)]
        fn #usage_fn() -> ::std::string::String {
            let parts: ::std::vec::Vec<::std::string::String> = ::std::vec![
                #(<#types as ::daz_core::command::FromArgs>::usage(#names)),*
            ];
            parts.join(" ")
        }

        #[doc(hidden)]
        fn #run_fn<'a>(
            module: &'a mut (dyn ::core::any::Any + ::core::marker::Send),
            ctx: &'a mut ::daz_core::Context,
            call: &'a ::daz_core::command::Invocation,
        ) -> ::daz_core::command::HandlerFuture<'a> {
            ::std::boxed::Box::pin(async move {
                let this = ::daz_core::__private::downcast::<Self>(module)?;
                let (#(#values,)*) = match Self::#args_fn(&call.args) {
                    ::core::result::Result::Ok(values) => values,
                    ::core::result::Result::Err(error) => {
                        return ::daz_core::__private::bad_arguments(ctx, call, &error, &Self::#usage_fn());
                    }
                };
                let mut command_ctx = ::daz_core::command::CommandContext::new(ctx, call);
                ::daz_core::__private::IntoModuleResult::into_module_result(
                    this.#method(&mut command_ctx, #(#values),*).await,
                )
            })
        }
    }
}

/// The spec of one command.
fn spec(command: &CommandMethod) -> TokenStream {
    let (args_fn, usage_fn, run_fn) = hidden_names(command);
    let attrs = &command.attrs;
    let name = &command.name;
    let aliases: Vec<String> = attrs.aliases.iter().map(|a| a.value()).collect();
    let description = &command.description;
    let min_rank = attrs.min_rank.unwrap_or(0.0);
    let user = optional_ms(attrs.user_cooldown_ms);
    let room = optional_ms(attrs.room_cooldown_ms);
    let global = optional_ms(attrs.global_cooldown_ms);
    let confirm = optional_ms(attrs.confirm_ms);
    let hidden = attrs.hidden;
    let scope = match attrs.scope {
        Scope::Anywhere => quote! { ::daz_core::command::Scope::Anywhere },
        Scope::PmOnly => quote! { ::daz_core::command::Scope::PmOnly },
        Scope::RoomOnly => quote! { ::daz_core::command::Scope::RoomOnly },
    };
    quote! {
        ::daz_core::__private::command(::daz_core::__private::CommandParts {
            name: #name,
            aliases: &[#(#aliases),*],
            description: #description,
            usage: Self::#usage_fn(),
            min_rank: #min_rank,
            user_cooldown_ms: #user,
            room_cooldown_ms: #room,
            global_cooldown_ms: #global,
            scope: #scope,
            hidden: #hidden,
            confirm_ms: #confirm,
            check: |text| Self::#args_fn(text).map(|_| ()),
            handler: Self::#run_fn,
        })
    }
}

pub(crate) fn generate(model: &CommandsBlock) -> TokenStream {
    let item = &model.item;
    let self_ty = &item.self_ty;
    let (impl_generics, _, where_clause) = item.generics.split_for_impl();
    let functions = model.commands.iter().map(functions);
    let specs = model.commands.iter().map(spec);
    // Forgetting `commands` in `#[module(...)]` would leave the commands
    // unregistered; this makes it a compile error instead.
    let declared = item.generics.params.is_empty().then(|| {
        quote! {
            const _: fn() = ::daz_core::__private::assert_commands_declared::<#self_ty>;
        }
    });
    quote! {
        #item

        #[allow(clippy::needless_lifetimes, clippy::unused_async)]
        impl #impl_generics #self_ty #where_clause {
            #(#functions)*
        }

        impl #impl_generics ::daz_core::command::Commands for #self_ty #where_clause {
            fn commands() -> ::std::vec::Vec<::daz_core::command::CommandSpec> {
                ::std::vec![#(#specs),*]
            }
        }

        #declared
    }
}

//! Reads the `impl` block: each `#[command]` method's attribute, doc
//! comment and parameters, checked so mistakes point at the culprit.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{FnArg, ImplItem, ImplItemFn, ItemImpl, Pat, Type};

use super::{CommandMethod, CommandsBlock, Param, attrs};

fn error(span: impl Spanned, message: &str) -> syn::Error {
    syn::Error::new(span.span(), message)
}

/// Checks a parameter type can be read from chat (as far as syntax tells).
fn check_type(ty: &Type) -> syn::Result<()> {
    match ty {
        Type::Reference(r) => Err(error(
            r,
            "command parameters are owned values: use `String` instead of `&str` (and `T` \
             instead of `&T`)",
        )),
        Type::ImplTrait(t) => Err(error(
            t,
            "a command parameter needs a concrete type that implements `FromArgs`, not `impl Trait`",
        )),
        Type::Tuple(t) if !t.elems.is_empty() => Err(error(
            t,
            "tuples cannot be command parameters; take each value as its own parameter",
        )),
        Type::Slice(_) | Type::Array(_) => Err(error(ty, "use `Vec<T>` for a list of arguments")),
        Type::Ptr(_) | Type::BareFn(_) | Type::TraitObject(_) | Type::Never(_) | Type::Infer(_) => {
            Err(error(
                ty,
                "this type cannot be a command parameter; use a type that implements `FromArgs`",
            ))
        }
        _ => Ok(()),
    }
}

fn method(function: &ImplItemFn, attr: &syn::Attribute) -> syn::Result<CommandMethod> {
    let attrs = attrs::parse(attr)?;
    let sig = &function.sig;
    if sig.asyncness.is_none() {
        return Err(error(
            sig.fn_token,
            "a command method must be async: write `async fn`",
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(error(&sig.generics, "command methods cannot be generic"));
    }
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() => {}
        Some(other) => {
            return Err(error(
                other,
                "a command method takes `&mut self` (or `&self`) first",
            ));
        }
        None => {
            return Err(error(
                &sig.ident,
                "a command method takes `&mut self` and `ctx: &mut CommandContext<'_>` first",
            ));
        }
    }
    match inputs.next() {
        Some(FnArg::Typed(t)) if matches!(&*t.ty, Type::Reference(r) if r.mutability.is_some()) => {
        }
        Some(other) => {
            return Err(error(
                other,
                "the second parameter of a command is its context: `ctx: &mut CommandContext<'_>`",
            ));
        }
        None => {
            return Err(error(
                &sig.ident,
                "a command method takes the context after `self`: `ctx: &mut CommandContext<'_>`",
            ));
        }
    }
    let mut params = Vec::new();
    for input in inputs {
        let FnArg::Typed(typed) = input else {
            return Err(error(input, "unexpected receiver"));
        };
        let name = match &*typed.pat {
            Pat::Ident(ident) => ident.ident.to_string(),
            other => {
                return Err(error(
                    other,
                    "name each command parameter (`amount: u64`); patterns are not supported",
                ));
            }
        };
        check_type(&typed.ty)?;
        params.push(Param {
            name: name.trim_start_matches('_').to_owned(),
            ty: (*typed.ty).clone(),
        });
    }
    let (name, name_span) = match &attrs.name {
        Some(lit) => (lit.value().to_ascii_lowercase(), lit.span()),
        None => {
            let name = sig.ident.to_string();
            let name = name
                .strip_prefix("r#")
                .unwrap_or(&name)
                .to_ascii_lowercase();
            if let Some(problem) = attrs::word_problem(&name) {
                return Err(error(&sig.ident, &problem));
            }
            (name, sig.ident.span())
        }
    };
    Ok(CommandMethod {
        method: sig.ident.clone(),
        name,
        name_span,
        description: crate::docs::doc_comment(&function.attrs),
        attrs,
        params,
    })
}

fn push(errors: &mut Option<syn::Error>, error: syn::Error) {
    match errors {
        Some(all) => all.combine(error),
        None => *errors = Some(error),
    }
}

pub(crate) fn parse(args: TokenStream, mut item: ItemImpl) -> syn::Result<CommandsBlock> {
    if !args.is_empty() {
        return Err(error(
            args,
            "`#[commands]` takes no arguments; configure each `#[command(...)]`",
        ));
    }
    if let Some((_, path, _)) = &item.trait_ {
        return Err(error(
            path,
            "`#[commands]` goes on the module's own impl block (`impl MyModule { ... }`), not a trait impl",
        ));
    }
    let mut commands: Vec<CommandMethod> = Vec::new();
    let mut errors: Option<syn::Error> = None;
    for entry in &mut item.items {
        let ImplItem::Fn(function) = entry else {
            continue;
        };
        let Some(at) = function
            .attrs
            .iter()
            .position(|a| a.path().is_ident("command"))
        else {
            continue;
        };
        let attr = function.attrs.remove(at);
        if let Some(extra) = function.attrs.iter().find(|a| a.path().is_ident("command")) {
            return Err(error(
                extra,
                "a method takes one `#[command(...)]`; merge them",
            ));
        }
        match method(function, &attr) {
            Ok(command) => {
                let words = command.words();
                match commands
                    .iter()
                    .find(|c| c.words().iter().any(|w| words.contains(w)))
                {
                    Some(other) => push(
                        &mut errors,
                        syn::Error::new(
                            command.name_span,
                            format!(
                                "this command's name or an alias is already used by `{}` in this block",
                                other.method
                            ),
                        ),
                    ),
                    None => commands.push(command),
                }
            }
            Err(e) => push(&mut errors, e),
        }
    }
    if let Some(errors) = errors {
        return Err(errors);
    }
    Ok(CommandsBlock { item, commands })
}

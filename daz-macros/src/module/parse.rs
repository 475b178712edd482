//! Reads `#[module(...)]` and the doc comment into a [`ModuleDerive`].

use syn::meta::ParseNestedMeta;
use syn::{DeriveInput, Expr, ExprArray, ExprLit, Lit, LitBool, LitStr, Token};

use super::ModuleDerive;

/// Reads `key = ["a", "b"]`; `check` says what is wrong with an item, if
/// anything.
pub(crate) fn string_list(
    meta: &ParseNestedMeta<'_>,
    key: &str,
    check: Option<fn(&str) -> Option<String>>,
) -> syn::Result<Vec<LitStr>> {
    let expected = || format!("expected a list of strings: `{key} = [\"a\", \"b\"]`");
    let array: ExprArray = meta
        .value()?
        .parse()
        .map_err(|e| syn::Error::new(e.span(), expected()))?;
    let items = array
        .elems
        .iter()
        .map(|elem| match elem {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => Ok(s.clone()),
            other => Err(syn::Error::new_spanned(other, expected())),
        })
        .collect::<syn::Result<Vec<LitStr>>>()?;
    if let Some(check) = check {
        for item in &items {
            if let Some(problem) = check(&item.value()) {
                return Err(syn::Error::new(item.span(), problem));
            }
        }
    }
    Ok(items)
}

pub(crate) fn parse(input: &DeriveInput) -> syn::Result<ModuleDerive<'_>> {
    let mut name: Option<LitStr> = None;
    let mut version: Option<LitStr> = None;
    let mut description: Option<LitStr> = None;
    let mut requires: Option<Vec<LitStr>> = None;
    let mut provides: Option<Vec<LitStr>> = None;
    let mut rooms: Option<Vec<LitStr>> = None;
    let mut critical: Option<bool> = None;
    let mut config: Option<syn::Type> = None;
    let mut commands = false;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("module")) {
        attr.parse_nested_meta(|meta| {
            let key = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let twice = || meta.error(format!("`{key}` is given twice; keep one"));
            let string = |meta: &ParseNestedMeta<'_>| -> syn::Result<LitStr> {
                meta.value()?.parse::<LitStr>().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        format!("expected a string literal: `{key} = \"...\"`"),
                    )
                })
            };
            match key.as_str() {
                "name" if name.is_some() => Err(twice()),
                "name" => {
                    // Checked by daz-core's rule in the generated code.
                    name = Some(string(&meta)?);
                    Ok(())
                }
                "version" if version.is_some() => Err(twice()),
                "version" => string(&meta).map(|v| version = Some(v)),
                "description" if description.is_some() => Err(twice()),
                "description" => string(&meta).map(|v| description = Some(v)),
                "requires" if requires.is_some() => Err(twice()),
                "requires" => string_list(&meta, &key, None).map(|v| requires = Some(v)),
                "provides" if provides.is_some() => Err(twice()),
                "provides" => string_list(&meta, &key, None).map(|v| provides = Some(v)),
                "rooms" if rooms.is_some() => Err(twice()),
                "rooms" => string_list(&meta, &key, None).map(|v| rooms = Some(v)),
                "config" if config.is_some() => Err(twice()),
                "config" => {
                    let ty = meta.value()?.parse::<syn::Type>().map_err(|e| {
                        syn::Error::new(e.span(), "expected a type: `config = MyConfig`")
                    })?;
                    config = Some(ty);
                    Ok(())
                }
                "commands" if commands => Err(twice()),
                "commands" => {
                    commands = true;
                    Ok(())
                }
                "critical" if critical.is_some() => Err(twice()),
                "critical" => {
                    critical = Some(if meta.input.peek(Token![=]) {
                        meta.value()?
                            .parse::<LitBool>()
                            .map_err(|e| {
                                syn::Error::new(
                                    e.span(),
                                    "`critical` is a flag: write `critical` or `critical = true`",
                                )
                            })?
                            .value
                    } else {
                        true
                    });
                    Ok(())
                }
                _ => Err(meta.error(
                    "unknown `module` key; expected name, version, description, requires, \
                     provides, rooms, critical, config or commands",
                )),
            }
        })?;
    }
    let Some(name) = name else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "missing module name: add `#[module(name = \"my_module\")]` to the type",
        ));
    };
    Ok(ModuleDerive {
        ident: &input.ident,
        generics: &input.generics,
        name,
        version,
        description: description
            .map_or_else(|| crate::docs::doc_comment(&input.attrs), |d| d.value()),
        requires: requires.unwrap_or_default(),
        provides: provides.unwrap_or_default(),
        rooms,
        critical: critical.unwrap_or(false),
        config,
        commands,
    })
}

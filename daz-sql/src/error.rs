//! The one error type of `daz-sql`.

/// `Result` with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `daz-sql`. Messages name what failed
/// and, where there is one, the fix; database URLs appear with their
/// passwords hidden.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database URL does not read.
    #[error("invalid database URL {url}: {reason}")]
    Url {
        /// The URL, password hidden.
        url: String,
        /// What is wrong, and what is accepted.
        reason: String,
    },

    /// The database could not be reached or opened.
    #[error("cannot connect to {url}: {reason}")]
    Connect {
        /// The URL, password hidden.
        url: String,
        /// The cause: unreachable server, bad credentials, unwritable file.
        reason: String,
    },

    /// A statement failed.
    #[error("{what}: {source}")]
    Query {
        /// What was being done.
        what: String,
        /// What the database reported.
        source: sqlx::Error,
    },

    /// A module's migrations cannot be applied.
    #[error("migration {version} of module {module:?}: {reason}")]
    Migration {
        /// The module.
        module: String,
        /// The migration's version.
        version: i64,
        /// What is wrong, and the fix.
        reason: String,
    },

    /// A stored value does not read as the type asked for.
    #[error("stored value {key:?} of module {module:?}: {reason}")]
    Value {
        /// The module.
        module: String,
        /// The key.
        key: String,
        /// What serde reported.
        reason: String,
    },

    /// The database is of a kind this code was not written for.
    #[error("this operation does not support the {backend:?} backend")]
    Unsupported {
        /// The database's backend.
        backend: crate::Backend,
    },
}

pub(crate) fn query(what: impl Into<String>) -> impl FnOnce(sqlx::Error) -> Error {
    let what = what.into();
    move |source| Error::Query { what, source }
}

/// `url` with any password replaced by `***`: the one in the user part
/// (`user:secret@host`, split at the last `@`, as a password may hold one)
/// and any query parameter whose name holds `password` (`?password=…`,
/// `sslpassword=…`).
pub(crate) fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut shown = match base.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((userinfo, host)) => match userinfo.split_once(':') {
                Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
                None => base.to_owned(),
            },
            None => base.to_owned(),
        },
        None => base.to_owned(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.to_ascii_lowercase().contains("password") => {
                    format!("{key}=***")
                }
                _ => pair.to_owned(),
            })
            .collect();
        shown.push('?');
        shown.push_str(&pairs.join("&"));
    }
    shown
}

impl From<Error> for daz_core::Error {
    fn from(e: Error) -> Self {
        daz_core::Error::Storage {
            what: "the database".to_owned(),
            source: Box::new(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden_wherever_the_url_holds_them() {
        for (url, shown) in [
            ("postgres://bob:hunter2@db/x", "postgres://bob:***@db/x"),
            // An unescaped `@` in the password: split at the last one.
            (
                "postgres://bob:hun@ter2@db:5432/x",
                "postgres://bob:***@db:5432/x",
            ),
            (
                "postgres://bob@db/x?password=hunter2&sslmode=require",
                "postgres://bob@db/x?password=***&sslmode=require",
            ),
            (
                "postgres://db/x?sslmode=require&SSLPASSWORD=hunter2",
                "postgres://db/x?sslmode=require&SSLPASSWORD=***",
            ),
            ("postgres://bob@db/x", "postgres://bob@db/x"),
            ("sqlite://daz.db?mode=rwc", "sqlite://daz.db?mode=rwc"),
            ("sqlite::memory:", "sqlite::memory:"),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
    }
}

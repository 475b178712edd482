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

/// `url` with any password replaced by `***`.
pub(crate) fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

impl From<Error> for daz_core::Error {
    fn from(e: Error) -> Self {
        daz_core::Error::Storage {
            what: "the database".to_owned(),
            source: Box::new(e),
        }
    }
}

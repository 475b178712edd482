//! [`StateStore`]: a key-value store per module, values as JSON.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;

use crate::database::{Database, each_pool};
use crate::error::{Error, Result, query};

/// One module's keys and values (JSON), in `daz_core_state`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> daz_sql::Result<()> {
/// use daz_sql::{Database, StateStore};
///
/// let db = Database::connect("sqlite::memory:").await?;
/// db.prepare().await?;
/// let state = StateStore::new(&db, "greeter");
/// state.set("greeted:ann", &3_u32).await?;
/// assert_eq!(state.get::<u32>("greeted:ann").await?, Some(3));
/// assert_eq!(state.keys("greeted:").await?, ["greeted:ann"]);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct StateStore {
    db: Database,
    module: String,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl StateStore {
    /// The store of `module` (its keys are apart from other modules').
    #[must_use]
    pub fn new(db: &Database, module: &str) -> Self {
        Self {
            db: db.clone(),
            module: module.to_owned(),
        }
    }

    /// The value at `key`, if any.
    ///
    /// # Errors
    ///
    /// [`Error::Query`]; [`Error::Value`] when the stored JSON does not read
    /// as `T`.
    pub async fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        const SQL: &str = "SELECT value FROM daz_core_state WHERE module = $1 AND key = $2";
        let what = || format!("reading {key:?} of module {:?}", self.module);
        let text: Option<String> = each_pool!(self.db.pool(), p => sqlx::query(SQL)
                .bind(&self.module)
                .bind(key)
                .fetch_optional(p)
                .await
                .map_err(query(what()))?
                .map(|r| r.get(0)));
        text.map(|text| {
            serde_json::from_str(&text).map_err(|e| Error::Value {
                module: self.module.clone(),
                key: key.to_owned(),
                reason: e.to_string(),
            })
        })
        .transpose()
    }

    /// Stores `value` at `key` (replacing what was there).
    ///
    /// # Errors
    ///
    /// [`Error::Value`] when `value` cannot be written as JSON;
    /// [`Error::Query`].
    pub async fn set<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<()> {
        const SQL: &str = "INSERT INTO daz_core_state (module, key, value, updated_at) VALUES ($1, $2, $3, $4) \
                           ON CONFLICT (module, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at";
        let text = serde_json::to_string(value).map_err(|e| Error::Value {
            module: self.module.clone(),
            key: key.to_owned(),
            reason: e.to_string(),
        })?;
        let what = || format!("writing {key:?} of module {:?}", self.module);
        each_pool!(self.db.pool(), p => sqlx::query(SQL)
                .bind(&self.module)
                .bind(key)
                .bind(&text)
                .bind(now_ms())
                .execute(p)
                .await
                .map(|_| ()))
        .map_err(query(what()))
    }

    /// Removes `key`; `true` if it was there.
    ///
    /// # Errors
    ///
    /// [`Error::Query`].
    pub async fn delete(&self, key: &str) -> Result<bool> {
        const SQL: &str = "DELETE FROM daz_core_state WHERE module = $1 AND key = $2";
        let what = || format!("deleting {key:?} of module {:?}", self.module);
        let removed = each_pool!(self.db.pool(), p => sqlx::query(SQL)
                .bind(&self.module)
                .bind(key)
                .execute(p)
                .await
                .map(|r| r.rows_affected()))
        .map_err(query(what()))?;
        Ok(removed > 0)
    }

    /// The keys starting with `prefix`, sorted.
    ///
    /// # Errors
    ///
    /// [`Error::Query`].
    pub async fn keys(&self, prefix: &str) -> Result<Vec<String>> {
        // Compared by prefix in Rust: LIKE patterns differ between the two
        // databases (escapes, case).
        const SQL: &str = "SELECT key FROM daz_core_state WHERE module = $1 ORDER BY key";
        let what = || format!("listing the keys of module {:?}", self.module);
        let keys: Vec<String> = each_pool!(self.db.pool(), p => sqlx::query(SQL)
                .bind(&self.module)
                .fetch_all(p)
                .await
                .map_err(query(what()))?
                .iter()
                .map(|r| r.get(0))
                .collect());
        Ok(keys.into_iter().filter(|k| k.starts_with(prefix)).collect())
    }
}

//! The economy's tables and the statements on them, the same on
//! PostgreSQL and SQLite.

use daz_sql::{Database, Migration, with_pool};

use daz_core::BoxError;

/// `daz_economy_balances` (a balance can never go below zero: the
/// `CHECK` backs up the conditional debit) and `daz_economy_ledger`
/// (every movement of coins).
pub(crate) const TABLES: &[Migration] = &[
    Migration::new(
        1,
        "balances",
        "CREATE TABLE daz_economy_balances (room TEXT NOT NULL, user_key TEXT NOT NULL, \
         user_name TEXT NOT NULL, coins BIGINT NOT NULL CHECK (coins >= 0), \
         last_active_ms BIGINT NOT NULL, PRIMARY KEY (room, user_key))",
    ),
    Migration::new(
        2,
        "ledger",
        "CREATE TABLE daz_economy_ledger (room TEXT NOT NULL, at_ms BIGINT NOT NULL, \
         kind TEXT NOT NULL, from_key TEXT, to_key TEXT, amount BIGINT NOT NULL, fee BIGINT NOT NULL)",
    ),
];

const ACTIVE: &str = "INSERT INTO daz_economy_balances (room, user_key, user_name, coins, last_active_ms) \
    VALUES ($1, $2, $3, $4, $5) ON CONFLICT (room, user_key) DO UPDATE SET \
    user_name = excluded.user_name, last_active_ms = excluded.last_active_ms";

const BALANCE: &str =
    "SELECT user_name, coins FROM daz_economy_balances WHERE room = $1 AND user_key = $2";

const DEBIT: &str = "UPDATE daz_economy_balances SET coins = coins - $3 \
    WHERE room = $1 AND user_key = $2 AND coins >= $3";

const CREDIT: &str =
    "UPDATE daz_economy_balances SET coins = coins + $3 WHERE room = $1 AND user_key = $2";

const LEDGER: &str = "INSERT INTO daz_economy_ledger (room, at_ms, kind, from_key, to_key, amount, fee) \
    VALUES ($1, $2, $3, $4, $5, $6, $7)";

const TOP: &str = "SELECT user_name, coins FROM daz_economy_balances WHERE room = $1 \
    ORDER BY coins DESC, user_key LIMIT $2";

const BONUS_ROOMS: &str = "SELECT room, COUNT(*) FROM daz_economy_balances \
    WHERE last_active_ms >= $1 GROUP BY room ORDER BY room";

const BONUS: &str = "UPDATE daz_economy_balances SET coins = coins + $2 WHERE last_active_ms >= $1";

/// The key a user name is stored under (CyTube names are case-insensitive).
pub(crate) fn key(user: &str) -> String {
    user.to_lowercase()
}

/// What a transfer did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Transfer {
    /// Done: the giver's and the receiver's balances after it.
    Done { from: i64, to: i64 },
    /// The giver has fewer coins than the amount and fee.
    Short { has: i64 },
    /// The receiver has no account in this room.
    NoSuchUser,
}

/// One transfer of coins.
pub(crate) struct Give<'a> {
    pub(crate) room: &'a str,
    pub(crate) from: &'a str,
    pub(crate) to: &'a str,
    pub(crate) amount: i64,
    pub(crate) fee: i64,
    pub(crate) at_ms: i64,
}

/// Economy storage on either backend.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    db: Database,
}

impl Store {
    pub(crate) fn new(db: &Database) -> Self {
        Self { db: db.clone() }
    }

    pub(crate) fn db(&self) -> &Database {
        &self.db
    }

    /// Marks `user` active now, opening an account with `start` coins the
    /// first time.
    pub(crate) async fn active(
        &self,
        room: &str,
        user: &str,
        start: i64,
        at_ms: i64,
    ) -> Result<(), BoxError> {
        with_pool!(self.db, p => {
            sqlx::query(ACTIVE)
                .bind(room)
                .bind(key(user))
                .bind(user)
                .bind(start)
                .bind(at_ms)
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// `user`'s name as stored and balance, if they have an account.
    pub(crate) async fn balance(
        &self,
        room: &str,
        user: &str,
    ) -> Result<Option<(String, i64)>, BoxError> {
        Ok(with_pool!(self.db, p => {
            sqlx::query_as(BALANCE).bind(room).bind(key(user)).fetch_optional(p).await?
        }))
    }

    /// The richest `n` in `room`.
    pub(crate) async fn top(&self, room: &str, n: i64) -> Result<Vec<(String, i64)>, BoxError> {
        Ok(with_pool!(self.db, p => {
            sqlx::query_as(TOP).bind(room).bind(n).fetch_all(p).await?
        }))
    }

    /// Moves `amount` from one user to another, the fee burnt, all in one
    /// transaction: the debit only happens if the giver has enough, so no
    /// balance goes below zero however many transfers run at once.
    pub(crate) async fn give(&self, give: &Give<'_>) -> Result<Transfer, BoxError> {
        let (from, to) = (key(give.from), key(give.to));
        let total = give
            .amount
            .checked_add(give.fee)
            .ok_or("amount too large")?;
        Ok(with_pool!(self.db, p => {
            let mut tx = p.begin().await?;
            let exists: Option<(String, i64)> =
                sqlx::query_as(BALANCE).bind(give.room).bind(&to).fetch_optional(&mut *tx).await?;
            if exists.is_none() {
                return Ok(Transfer::NoSuchUser);
            }
            let debited = sqlx::query(DEBIT)
                .bind(give.room)
                .bind(&from)
                .bind(total)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if debited == 0 {
                let has: Option<(String, i64)> =
                    sqlx::query_as(BALANCE).bind(give.room).bind(&from).fetch_optional(&mut *tx).await?;
                return Ok(Transfer::Short { has: has.map_or(0, |(_, c)| c) });
            }
            sqlx::query(CREDIT).bind(give.room).bind(&to).bind(give.amount).execute(&mut *tx).await?;
            sqlx::query(LEDGER)
                .bind(give.room)
                .bind(give.at_ms)
                .bind("give")
                .bind(&from)
                .bind(&to)
                .bind(give.amount)
                .bind(give.fee)
                .execute(&mut *tx)
                .await?;
            let after: Vec<(String, i64)> = sqlx::query_as(
                "SELECT user_key, coins FROM daz_economy_balances WHERE room = $1 AND user_key IN ($2, $3)",
            )
            .bind(give.room)
            .bind(&from)
            .bind(&to)
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            let coins = |k: &str| after.iter().find(|(u, _)| u == k).map_or(0, |(_, c)| *c);
            Transfer::Done { from: coins(&from), to: coins(&to) }
        }))
    }

    /// Adds `amount` to (or, negative, takes it from) `user`'s balance,
    /// never below zero. The balance after, or `None` without an account.
    pub(crate) async fn grant(
        &self,
        room: &str,
        user: &str,
        amount: i64,
        at_ms: i64,
    ) -> Result<Option<i64>, BoxError> {
        let user = key(user);
        Ok(with_pool!(self.db, p => {
            let mut tx = p.begin().await?;
            let now: Option<(String, i64)> =
                sqlx::query_as(BALANCE).bind(room).bind(&user).fetch_optional(&mut *tx).await?;
            let Some((_, coins)) = now else {
                return Ok(None);
            };
            let change = amount.max(-coins);
            let after = coins.checked_add(change).ok_or("balance too large")?;
            sqlx::query(CREDIT).bind(room).bind(&user).bind(change).execute(&mut *tx).await?;
            sqlx::query(LEDGER)
                .bind(room)
                .bind(at_ms)
                .bind("grant")
                .bind(None::<String>)
                .bind(&user)
                .bind(change)
                .bind(0_i64)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Some(after)
        }))
    }

    /// Pays `amount` to every user active since `since_ms`; how many were
    /// paid in each room.
    pub(crate) async fn bonus(
        &self,
        amount: i64,
        since_ms: i64,
        at_ms: i64,
    ) -> Result<Vec<(String, i64)>, BoxError> {
        Ok(with_pool!(self.db, p => {
            let mut tx = p.begin().await?;
            let rooms: Vec<(String, i64)> =
                sqlx::query_as(BONUS_ROOMS).bind(since_ms).fetch_all(&mut *tx).await?;
            sqlx::query(BONUS).bind(since_ms).bind(amount).execute(&mut *tx).await?;
            for (room, paid) in &rooms {
                sqlx::query(LEDGER)
                    .bind(room)
                    .bind(at_ms)
                    .bind("bonus")
                    .bind(None::<String>)
                    .bind(None::<String>)
                    .bind(amount.saturating_mul(*paid))
                    .bind(0_i64)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            rooms
        }))
    }
}

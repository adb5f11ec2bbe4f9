//! Closure transactions: [`Db::transaction`] and [`Tx`].

use std::cell::Cell;

use serde::de::DeserializeOwned;

use crate::params::ToParam;
use crate::{Db, DbError, Result};

/// The statements of one transaction. Only [`Db::transaction`] makes one, and the
/// closure only borrows it, so it cannot outlive the transaction.
pub struct Tx<'db> {
    db: &'db Db,
    first_failure: Cell<Option<DbError>>,
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let failure = self.first_failure.take();
        let failed = failure.is_some();
        self.first_failure.set(failure);
        f.debug_struct("Tx")
            .field("failed", &failed)
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Runs `f` inside `BEGIN` … `COMMIT`.
    ///
    /// - `f` returns `Ok`: the transaction commits; a failed `COMMIT` is returned as the
    ///   error (the transaction is then rolled back).
    /// - `f` returns `Err`: the transaction rolls back and the error is returned.
    /// - A statement failed inside `f` but `f` returned `Ok` anyway: Postgres has aborted
    ///   the transaction, so it rolls back and that statement's error is returned; a
    ///   swallowed error can never turn into a silent rollback.
    ///
    /// Every path ends the transaction before returning, so the connection never goes
    /// back to Spin's pool inside `BEGIN`. (A trap cannot be caught in a component; the
    /// code on the request path must not panic.)
    ///
    /// ```no_run
    /// use db::{Db, DbError};
    ///
    /// # fn main() -> Result<(), DbError> {
    /// let mut db = Db::open()?;
    /// let user = uuid::Uuid::nil();
    /// let count: i64 = db.transaction(|tx| {
    ///     tx.execute("DELETE FROM reviews WHERE user_id = $1", &[&user])?;
    ///     tx.fetch_scalar("SELECT count(*) FROM reviews WHERE user_id = $1", &[&user])
    /// })?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn transaction<T, E, F>(&mut self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Tx<'_>) -> Result<T, E>,
        E: From<DbError>,
    {
        self.control("BEGIN")?;
        let tx = Tx {
            db: self,
            first_failure: Cell::new(None),
        };
        let outcome = f(&tx);
        let failure = tx.first_failure.into_inner();
        match (outcome, failure) {
            (Ok(value), None) => match self.control("COMMIT") {
                Ok(_) => Ok(value),
                Err(commit) => {
                    self.rollback_after_failure();
                    Err(commit.into())
                }
            },
            (Ok(_), Some(swallowed)) => {
                self.rollback_after_failure();
                Err(swallowed.into())
            }
            (Err(error), _) => {
                self.rollback_after_failure();
                Err(error)
            }
        }
    }

    /// Ends a failed transaction. If even `ROLLBACK` fails the connection is broken
    /// (and the server ends the transaction itself); the original error is what the
    /// caller needs, so this one is only logged.
    fn rollback_after_failure(&self) {
        if let Err(e) = self.control("ROLLBACK") {
            eprintln!("db: ROLLBACK failed: {e:?}");
        }
    }
}

impl Tx<'_> {
    /// [`Db::fetch_one`] inside the transaction.
    ///
    /// ```no_run
    /// # let mut db = db::Db::open()?;
    /// let (id,): (i32,) = db.transaction(|tx| {
    ///     tx.fetch_one("INSERT INTO user_feedback (user_id, feedback) VALUES ($1, $2) RETURNING id",
    ///                  &[&uuid::Uuid::nil(), &"great"])
    /// })?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn fetch_one<T: DeserializeOwned>(&self, sql: &str, params: &[&dyn ToParam]) -> Result<T> {
        self.record(self.db.fetch_one(sql, params))
    }

    /// [`Db::fetch_optional`] inside the transaction.
    ///
    /// ```no_run
    /// # let mut db = db::Db::open()?;
    /// let row: Option<(i32,)> = db.transaction(|tx| {
    ///     tx.fetch_optional("SELECT id FROM saved_words WHERE id = $1 FOR UPDATE", &[&1i32])
    /// })?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn fetch_optional<T: DeserializeOwned>(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<Option<T>> {
        self.record(self.db.fetch_optional(sql, params))
    }

    /// [`Db::fetch_all`] inside the transaction.
    ///
    /// ```no_run
    /// # let mut db = db::Db::open()?;
    /// let ids: Vec<(i32,)> = db.transaction(|tx| {
    ///     tx.fetch_all("SELECT id FROM saved_words WHERE user_id = $1", &[&uuid::Uuid::nil()])
    /// })?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn fetch_all<T: DeserializeOwned>(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<Vec<T>> {
        self.record(self.db.fetch_all(sql, params))
    }

    /// [`Db::fetch_scalar`] inside the transaction.
    ///
    /// ```no_run
    /// # let mut db = db::Db::open()?;
    /// let n: i64 = db.transaction(|tx| tx.fetch_scalar("SELECT count(*) FROM reviews", &[]))?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn fetch_scalar<T: DeserializeOwned>(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<T> {
        self.record(self.db.fetch_scalar(sql, params))
    }

    /// [`Db::execute`] inside the transaction.
    ///
    /// ```no_run
    /// # let mut db = db::Db::open()?;
    /// let n = db.transaction(|tx| tx.execute("DELETE FROM reviews WHERE word_id = $1", &[&1i32]))?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn execute(&self, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
        self.record(self.db.execute(sql, params))
    }

    /// Remembers the first statement that failed on the server: after it, Postgres has
    /// aborted the transaction. `NotFound` and decoding errors happen client-side and
    /// leave the transaction usable.
    fn record<T>(&self, result: Result<T>) -> Result<T> {
        if let Err(error) = &result {
            let client_side = matches!(error, DbError::NotFound | DbError::Decode { .. });
            let first = self.first_failure.take();
            let keep = match first {
                None if !client_side => Some(error.clone()),
                other => other,
            };
            self.first_failure.set(keep);
        }
        result
    }
}

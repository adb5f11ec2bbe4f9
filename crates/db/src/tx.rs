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
        match ending(outcome, tx.first_failure.into_inner()) {
            Ending::Commit(value) => match self.control("COMMIT") {
                Ok(_) => Ok(value),
                Err(commit) => {
                    self.rollback_after_failure();
                    Err(commit.into())
                }
            },
            Ending::Rollback(error) => {
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
    /// aborted the transaction.
    fn record<T>(&self, result: Result<T>) -> Result<T> {
        if let Err(error) = &result {
            let first = self.first_failure.take();
            let keep = match first {
                None if aborts_transaction(error) => Some(error.clone()),
                other => other,
            };
            self.first_failure.set(keep);
        }
        result
    }
}

/// How a transaction ends.
#[derive(Debug)]
enum Ending<T, E> {
    Commit(T),
    Rollback(E),
}

/// Commit only when the closure succeeded and no statement failed on the server.
fn ending<T, E: From<DbError>>(outcome: Result<T, E>, failure: Option<DbError>) -> Ending<T, E> {
    match (outcome, failure) {
        (Ok(value), None) => Ending::Commit(value),
        (Ok(_), Some(swallowed)) => Ending::Rollback(swallowed.into()),
        (Err(error), _) => Ending::Rollback(error),
    }
}

/// Whether an error means the server failed the statement (which aborts the
/// transaction). `NotFound` and decoding errors happen client-side after a successful
/// statement and leave the transaction usable.
fn aborts_transaction(error: &DbError) -> bool {
    !matches!(error, DbError::NotFound | DbError::Decode { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DriverMessage;

    fn server_error() -> DbError {
        DbError::Other {
            source: DriverMessage("current transaction is aborted".into()),
        }
    }

    #[test]
    fn a_transaction_commits_only_when_nothing_failed() {
        type Case = (Result<i32, DbError>, Option<DbError>, bool, &'static str);
        let cases: Vec<Case> = vec![
            (Ok(1), None, true, "closure succeeded"),
            (Err(DbError::NotFound), None, false, "closure failed"),
            (
                Err(server_error()),
                Some(server_error()),
                false,
                "statement failed and was returned",
            ),
            (
                Ok(1),
                Some(server_error()),
                false,
                "statement failed and was swallowed",
            ),
        ];
        for (outcome, failure, commits, description) in cases {
            let committed = matches!(ending(outcome, failure), Ending::Commit(_));
            assert_eq!(committed, commits, "{description}");
        }
    }

    #[test]
    fn a_swallowed_failure_is_what_the_caller_gets() {
        match ending::<i32, DbError>(Ok(1), Some(server_error())) {
            Ending::Rollback(DbError::Other { source }) => {
                assert!(source.0.contains("aborted"));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn only_server_side_failures_abort_the_transaction() {
        let cases = [
            (DbError::NotFound, false),
            (DbError::decode("id", "wrong type"), false),
            (server_error(), true),
            (
                DbError::Timeout {
                    source: DriverMessage("canceling statement".into()),
                },
                true,
            ),
        ];
        for (error, aborts) in cases {
            assert_eq!(aborts_transaction(&error), aborts, "{error:?}");
        }
    }
}

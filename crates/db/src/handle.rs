//! [`Db`]: the per-request database handle.

use std::cell::Cell;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use spin_sdk::pg4::{Connection, RowSet};

use crate::decode::{decode_first, decode_row};
use crate::params::{ToParam, to_values};
use crate::{DbError, Result};

/// The Spin variable holding the connection string.
pub const DB_URL_VARIABLE: &str = "db_url";

/// One request's connection to Postgres.
///
/// Open it once per request with [`Db::open`] and let it drop at the end: Spin returns the
/// connection to its pool then. It is neither `Send` nor `Sync`, so it cannot be put in a
/// `static` and shared between requests; every transaction is opened and ended inside
/// [`Db::transaction`], so a handle never goes back to the pool inside `BEGIN`.
///
/// The handle counts the statements it ran ([`Db::statements`]), for request logs.
pub struct Db {
    conn: Connection,
    statements: Cell<u32>,
    _not_send_or_sync: PhantomData<*const ()>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("statements", &self.statements.get())
            .finish_non_exhaustive()
    }
}

impl Db {
    /// Opens a connection to the address in the component's `db_url` variable.
    ///
    /// A missing variable is [`DbError::Other`]; a refused or failed connection (or an
    /// exhausted pool) is [`DbError::Unavailable`].
    ///
    /// ```no_run
    /// let db = db::Db::open()?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn open() -> Result<Db> {
        let url = spin_sdk::variables::get(DB_URL_VARIABLE)
            .map_err(|e| DbError::other(format!("variable {DB_URL_VARIABLE}: {e}")))?;
        Db::open_url(&url)
    }

    /// Opens a connection to `url` (`postgres://user@host:port/database`).
    ///
    /// ```no_run
    /// let db = db::Db::open_url("postgres://postgres@127.0.0.1:5432/dogetionary")?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn open_url(url: &str) -> Result<Db> {
        let conn = Connection::open(url)?;
        Ok(Db {
            conn,
            statements: Cell::new(0),
            _not_send_or_sync: PhantomData,
        })
    }

    /// How many statements this handle has sent (transaction control included).
    pub fn statements(&self) -> u32 {
        self.statements.get()
    }

    /// Runs a query and decodes its first row into `T` by column name (or by position
    /// for a tuple). No row is [`DbError::NotFound`]; extra rows are ignored.
    ///
    /// ```no_run
    /// #[derive(serde::Deserialize)]
    /// struct Counts { overdue_count: i64, total_count: i64 }
    ///
    /// let db = db::Db::open()?;
    /// let user = uuid::Uuid::nil();
    /// let counts: Counts = db.fetch_one(
    ///     "SELECT count(*) AS overdue_count, count(*) AS total_count FROM saved_words WHERE user_id = $1",
    ///     &[&user],
    /// )?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn fetch_one<T: DeserializeOwned>(&self, sql: &str, params: &[&dyn ToParam]) -> Result<T> {
        self.fetch_optional(sql, params)?.ok_or(DbError::NotFound)
    }

    /// Runs a query and decodes its first row, if any.
    ///
    /// ```no_run
    /// let db = db::Db::open()?;
    /// let word: Option<(i32, String)> = db.fetch_optional(
    ///     "DELETE FROM saved_words WHERE id = $1 RETURNING id, word",
    ///     &[&42i32],
    /// )?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn fetch_optional<T: DeserializeOwned>(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<Option<T>> {
        let set = self.query(sql, params)?;
        set.rows
            .first()
            .map(|row| decode_row(&set.columns, row))
            .transpose()
    }

    /// Runs a query and decodes every row.
    ///
    /// ```no_run
    /// #[derive(serde::Deserialize)]
    /// struct Saved { id: i32, word: String, created_at: chrono::NaiveDateTime }
    ///
    /// let db = db::Db::open()?;
    /// let words: Vec<Saved> = db.fetch_all(
    ///     "SELECT id, word, created_at FROM saved_words WHERE user_id = $1",
    ///     &[&uuid::Uuid::nil()],
    /// )?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn fetch_all<T: DeserializeOwned>(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<Vec<T>> {
        let set = self.query(sql, params)?;
        set.rows
            .iter()
            .map(|row| decode_row(&set.columns, row))
            .collect()
    }

    /// Runs a query and decodes the first column of its first row. No row is
    /// [`DbError::NotFound`].
    ///
    /// ```no_run
    /// let db = db::Db::open()?;
    /// let one: i32 = db.fetch_scalar("SELECT 1", &[])?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn fetch_scalar<T: DeserializeOwned>(
        &self,
        sql: &str,
        params: &[&dyn ToParam],
    ) -> Result<T> {
        let set = self.query(sql, params)?;
        let row = set.rows.first().ok_or(DbError::NotFound)?;
        decode_first(&set.columns, row)
    }

    /// Runs a statement and returns the number of rows it affected.
    ///
    /// ```no_run
    /// let db = db::Db::open()?;
    /// let deleted = db.execute("DELETE FROM saved_words WHERE user_id = $1", &[&uuid::Uuid::nil()])?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn execute(&self, sql: &str, params: &[&dyn ToParam]) -> Result<u64> {
        self.count_statement();
        Ok(self.conn.execute(sql, &to_values(params))?)
    }

    pub(crate) fn query(&self, sql: &str, params: &[&dyn ToParam]) -> Result<RowSet> {
        self.count_statement();
        Ok(self.conn.query(sql, &to_values(params))?)
    }

    pub(crate) fn control(&self, sql: &str) -> Result<u64> {
        self.count_statement();
        Ok(self.conn.execute(sql, &[])?)
    }

    fn count_statement(&self) {
        self.statements.set(self.statements.get().saturating_add(1));
    }
}

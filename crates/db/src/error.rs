//! [`DbError`]: one error for every database failure, shaped like sqlx's.

use spin_sdk::pg4;

/// The result type of this crate.
pub type Result<T, E = DbError> = std::result::Result<T, E>;

/// Everything that can go wrong talking to Postgres, one variant per case a caller
/// handles differently.
///
/// `Display` is short and never contains the driver's text (a Spin error string can carry
/// a host backtrace or connection details); that text is the [`source`] of the error
/// ([`DriverMessage`]) and part of `Debug`, for logs.
///
/// [`source`]: std::error::Error::source
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// `fetch_one` or `fetch_scalar` found no row.
    #[error("no rows returned")]
    NotFound,
    /// The database cannot be reached: connecting failed, the pool had no connection to
    /// give, or the server is shutting down or refusing connections (SQLSTATE classes
    /// 08 and 53, 57P01..57P03). Worth retrying later.
    #[error("database unavailable")]
    Unavailable {
        /// The driver's text.
        #[source]
        source: DriverMessage,
    },
    /// The statement was cancelled by `statement_timeout` (SQLSTATE 57014).
    #[error("statement timed out")]
    Timeout {
        /// The driver's text.
        #[source]
        source: DriverMessage,
    },
    /// A column could not be decoded into the requested Rust type, or a field of the
    /// target type has no column.
    #[error("cannot decode column `{column}`")]
    Decode {
        /// The column (or missing field) name.
        column: String,
        /// What went wrong.
        #[source]
        source: DriverMessage,
    },
    /// Postgres rejected the statement; see [`DbError::code`], [`DbError::constraint`]
    /// and [`DbError::kind`].
    #[error(transparent)]
    Database(Box<DatabaseError>),
    /// Any other failure: a parameter the host could not bind, a value it could not
    /// convert, a broken connection, a missing `db_url` variable.
    #[error("database request failed")]
    Other {
        /// The driver's text.
        #[source]
        source: DriverMessage,
    },
}

/// The kind of a constraint violation (see [`DbError::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// SQLSTATE 23505.
    UniqueViolation,
    /// SQLSTATE 23503.
    ForeignKeyViolation,
    /// SQLSTATE 23502.
    NotNullViolation,
    /// SQLSTATE 23514.
    CheckViolation,
    /// Anything else.
    Other,
}

/// An error Postgres reported for a statement.
#[derive(Debug, Clone, thiserror::Error)]
#[error("database error (SQLSTATE {code})")]
pub struct DatabaseError {
    code: String,
    severity: String,
    constraint: Option<String>,
    table: Option<String>,
    column: Option<String>,
    #[source]
    message: DriverMessage,
}

impl DatabaseError {
    /// The SQLSTATE, such as `23505`.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The severity Postgres gave (`ERROR`, `FATAL`...).
    pub fn severity(&self) -> &str {
        &self.severity
    }

    /// The violated constraint, if any.
    pub fn constraint(&self) -> Option<&str> {
        self.constraint.as_deref()
    }

    /// The table concerned, if Postgres named one.
    pub fn table(&self) -> Option<&str> {
        self.table.as_deref()
    }

    /// The column concerned, if Postgres named one.
    pub fn column(&self) -> Option<&str> {
        self.column.as_deref()
    }

    /// Postgres's message and detail (may contain data: log it, never send it).
    pub fn message(&self) -> &str {
        &self.message.0
    }
}

/// Raw text from the driver or the server. For logs only.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DriverMessage(pub String);

impl DbError {
    /// The SQLSTATE of a [`DbError::Database`] or [`DbError::Timeout`].
    pub fn code(&self) -> Option<&str> {
        match self {
            DbError::Database(e) => Some(e.code()),
            DbError::Timeout { .. } => Some(QUERY_CANCELED),
            _ => None,
        }
    }

    /// The violated constraint of a [`DbError::Database`].
    pub fn constraint(&self) -> Option<&str> {
        match self {
            DbError::Database(e) => e.constraint(),
            _ => None,
        }
    }

    /// What kind of constraint violation this is ([`ErrorKind::Other`] for anything that
    /// is not one).
    ///
    /// ```no_run
    /// use db::{Db, ErrorKind};
    ///
    /// let db = Db::open()?;
    /// match db.execute("INSERT INTO streak_days (user_id, streak_date) VALUES ($1, CURRENT_DATE)", &[&uuid::Uuid::nil()]) {
    ///     Err(e) if e.kind() == ErrorKind::ForeignKeyViolation => println!("unknown user"),
    ///     Err(e) if e.constraint() == Some("streak_days_user_id_streak_date_key") => println!("already counted"),
    ///     other => { other?; }
    /// }
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self.code() {
            Some("23505") => ErrorKind::UniqueViolation,
            Some("23503") => ErrorKind::ForeignKeyViolation,
            Some("23502") => ErrorKind::NotNullViolation,
            Some("23514") => ErrorKind::CheckViolation,
            _ => ErrorKind::Other,
        }
    }

    /// Whether this is a unique violation (SQLSTATE 23505).
    pub fn is_unique_violation(&self) -> bool {
        self.kind() == ErrorKind::UniqueViolation
    }

    /// Whether this is a foreign-key violation (SQLSTATE 23503).
    pub fn is_foreign_key_violation(&self) -> bool {
        self.kind() == ErrorKind::ForeignKeyViolation
    }

    /// Whether this is a check violation (SQLSTATE 23514).
    pub fn is_check_violation(&self) -> bool {
        self.kind() == ErrorKind::CheckViolation
    }

    pub(crate) fn other(message: impl Into<String>) -> Self {
        DbError::Other {
            source: DriverMessage(message.into()),
        }
    }

    pub(crate) fn decode(column: impl Into<String>, message: impl Into<String>) -> Self {
        DbError::Decode {
            column: column.into(),
            source: DriverMessage(message.into()),
        }
    }
}

const QUERY_CANCELED: &str = "57014";

/// Whether a SQLSTATE says the server cannot serve us right now.
fn is_unavailable_code(code: &str) -> bool {
    code.starts_with("08") // connection exception
        || code.starts_with("53") // insufficient resources (too many connections...)
        || matches!(code, "57P01" | "57P02" | "57P03") // shutdown, cannot connect now
}

impl From<pg4::PgError> for DbError {
    fn from(error: pg4::PgError) -> Self {
        match error {
            pg4::PgError::ConnectionFailed(text) => DbError::Unavailable {
                source: DriverMessage(text),
            },
            pg4::PgError::QueryFailed(pg4::QueryError::DbError(e)) => from_db_error(e),
            pg4::PgError::QueryFailed(pg4::QueryError::Text(text)) => {
                // tokio-postgres's flattened error: a closed socket or an I/O failure
                // means the connection is gone, not that the statement is wrong.
                if text.contains("kind: Closed") || text.contains("kind: Io") {
                    DbError::Unavailable {
                        source: DriverMessage(text),
                    }
                } else {
                    DbError::other(text)
                }
            }
            pg4::PgError::BadParameter(text) => DbError::other(format!("bad parameter: {text}")),
            pg4::PgError::ValueConversionFailed(text) => {
                DbError::other(format!("value conversion failed: {text}"))
            }
            pg4::PgError::Other(text) => DbError::other(text),
        }
    }
}

fn from_db_error(e: pg4::DbError) -> DbError {
    let extra = |key: &str| {
        e.extras
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let mut text = format!("{}: {}", e.severity, e.message);
    if let Some(detail) = &e.detail {
        text.push_str(" (");
        text.push_str(detail);
        text.push(')');
    }
    if e.code == QUERY_CANCELED {
        return DbError::Timeout {
            source: DriverMessage(text),
        };
    }
    if is_unavailable_code(&e.code) {
        return DbError::Unavailable {
            source: DriverMessage(text),
        };
    }
    DbError::Database(Box::new(DatabaseError {
        constraint: extra("constraint"),
        table: extra("table"),
        column: extra("column"),
        code: e.code,
        severity: e.severity,
        message: DriverMessage(text),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    fn db_error(code: &str, constraint: Option<&str>) -> pg4::PgError {
        let extras = constraint
            .map(|c| vec![("constraint".to_owned(), c.to_owned())])
            .unwrap_or_default();
        pg4::PgError::QueryFailed(pg4::QueryError::DbError(pg4::DbError {
            as_text: format!("db error: secret row data {code}"),
            severity: "ERROR".into(),
            code: code.into(),
            message: "duplicate key value violates unique constraint".into(),
            detail: Some("Key (user_id)=(secret) already exists.".into()),
            extras,
        }))
    }

    #[test]
    fn sqlstates_map_to_the_variant_a_caller_handles() {
        let cases = [
            ("23505", "Database", ErrorKind::UniqueViolation),
            ("23503", "Database", ErrorKind::ForeignKeyViolation),
            ("23502", "Database", ErrorKind::NotNullViolation),
            ("23514", "Database", ErrorKind::CheckViolation),
            ("42P01", "Database", ErrorKind::Other),
            ("57014", "Timeout", ErrorKind::Other),
            ("57P01", "Unavailable", ErrorKind::Other),
            ("53300", "Unavailable", ErrorKind::Other),
            ("08006", "Unavailable", ErrorKind::Other),
        ];
        for (code, variant, kind) in cases {
            let error = DbError::from(db_error(code, None));
            let actual = match &error {
                DbError::Database(_) => "Database",
                DbError::Timeout { .. } => "Timeout",
                DbError::Unavailable { .. } => "Unavailable",
                _ => "other",
            };
            assert_eq!(actual, variant, "SQLSTATE {code}");
            assert_eq!(error.kind(), kind, "SQLSTATE {code}");
        }
    }

    #[test]
    fn a_database_error_exposes_code_and_constraint() {
        let error = DbError::from(db_error("23505", Some("saved_words_user_word_langs_key")));
        assert_eq!(error.code(), Some("23505"));
        assert_eq!(error.constraint(), Some("saved_words_user_word_langs_key"));
        assert!(error.is_unique_violation());
        assert!(!error.is_foreign_key_violation());
    }

    #[test]
    fn display_is_short_and_the_raw_text_is_only_in_source_and_debug() {
        let error = DbError::from(db_error("23505", Some("c")));
        assert_eq!(error.to_string(), "database error (SQLSTATE 23505)");
        let source = error.source().map(ToString::to_string).unwrap_or_default();
        assert!(source.contains("already exists"), "{source}");
        assert!(format!("{error:?}").contains("already exists"));

        let unavailable = DbError::from(pg4::PgError::ConnectionFailed(
            "password authentication failed for user \"app\"".into(),
        ));
        assert_eq!(unavailable.to_string(), "database unavailable");
        assert!(
            unavailable
                .source()
                .is_some_and(|s| s.to_string().contains("password"))
        );
    }

    #[test]
    fn host_failures_map_to_unavailable_or_other() {
        let cases = [
            (
                pg4::PgError::ConnectionFailed("pool timed out".into()),
                true,
            ),
            (
                pg4::PgError::QueryFailed(pg4::QueryError::Text(
                    "Error { kind: Closed, cause: None }".into(),
                )),
                true,
            ),
            (pg4::PgError::BadParameter("WrongType".into()), false),
            (pg4::PgError::ValueConversionFailed("x".into()), false),
            (pg4::PgError::Other("x".into()), false),
        ];
        for (error, unavailable) in cases {
            let description = format!("{error:?}");
            let mapped = DbError::from(error);
            assert_eq!(
                matches!(mapped, DbError::Unavailable { .. }),
                unavailable,
                "{description}"
            );
        }
    }
}

//! The one error every `parse` constructor of this crate returns.

/// Why a value was rejected. The message is safe to show to a client; callers add the
/// name of the field it came from.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidValue {
    /// Not a UUID.
    #[error("must be a UUID")]
    NotUuid,
    /// Not one of the 57 supported language codes.
    #[error("unsupported language code '{0}'")]
    UnsupportedLanguage(String),
    /// Empty, or only white space.
    #[error("must not be empty")]
    Empty,
    /// Longer than allowed, counted in characters.
    #[error("must be at most {max} characters")]
    TooLong {
        /// The maximum number of characters.
        max: usize,
    },
    /// Not one of the test-preparation types.
    #[error("unknown test type '{0}'")]
    UnknownTestPrep(String),
    /// Not an IANA time zone name.
    #[error("unknown time zone '{0}' (expected an IANA name such as 'Europe/Paris')")]
    UnknownTimezone(String),
    /// A number outside its bounds.
    #[error("must be between {min} and {max}")]
    OutOfRange {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
    },
    /// A date that must lie in the future does not.
    #[error("must be a date after today")]
    NotInFuture,
    /// A JSON value of the wrong type; the text names the expected one ("a string").
    #[error("must be {0}")]
    WrongType(&'static str),
    /// Not a calendar date written `YYYY-MM-DD`.
    #[error("must be a date written YYYY-MM-DD")]
    NotADate,
    /// Two values that must differ are equal.
    #[error("must differ from {0}")]
    SameAs(&'static str),
    /// A value that is required by another one is missing.
    #[error("is required when {0} is set")]
    RequiredWith(&'static str),
    /// Text with a NUL character, which PostgreSQL cannot store.
    #[error("must not contain a NUL character")]
    NulCharacter,
    /// A JSON number too large for PostgreSQL to give back as one (it would be
    /// returned with hundreds of digits that no JSON reader accepts).
    #[error("must not hold a number larger than 1e300 in magnitude")]
    NumberTooLarge,
}

/// A rejected field of a request: its name and what is wrong with it.
///
/// `Display` is the client-facing message: `Missing required field: word` or
/// `Invalid learning_language: unsupported language code 'xx'`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct FieldError {
    /// The field's name as the client spells it.
    pub field: &'static str,
    /// What is wrong; `None` when the field is missing.
    pub problem: Option<InvalidValue>,
}

impl FieldError {
    /// The field is missing (absent or `null`).
    pub fn missing(field: &'static str) -> Self {
        FieldError {
            field,
            problem: None,
        }
    }

    /// The field is present but invalid.
    pub fn new(field: &'static str, problem: InvalidValue) -> Self {
        FieldError {
            field,
            problem: Some(problem),
        }
    }

    fn message(&self) -> String {
        match &self.problem {
            None => format!("Missing required field: {}", self.field),
            Some(problem) => format!("Invalid {}: {problem}", self.field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_field() {
        let cases = [
            (FieldError::missing("word"), "Missing required field: word"),
            (
                FieldError::new("user_id", InvalidValue::NotUuid),
                "Invalid user_id: must be a UUID",
            ),
            (
                FieldError::new(
                    "learning_language",
                    InvalidValue::UnsupportedLanguage("xx".into()),
                ),
                "Invalid learning_language: unsupported language code 'xx'",
            ),
            (
                FieldError::new("count", InvalidValue::OutOfRange { min: 1, max: 20 }),
                "Invalid count: must be between 1 and 20",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(error.to_string(), expected);
        }
    }
}

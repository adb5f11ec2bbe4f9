//! The validated [`Word`] a user saves or reviews.

use crate::InvalidValue;

/// A saved or reviewed word: trimmed, lower-cased, non-empty, at most
/// [`Word::MAX_CHARS`] characters.
///
/// Save and review submit both lower-case, so `"Hello "` and `"hello"` are one saved word
/// (the original lower-cased on save but not on review, which could split a word in two).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Word(String);

impl Word {
    /// The longest accepted word, in characters (the column is `VARCHAR(255)`).
    pub const MAX_CHARS: usize = 255;

    /// Trims, lower-cases and checks the length.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let word = raw.trim().to_lowercase();
        if word.is_empty() {
            return Err(InvalidValue::Empty);
        }
        if word.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(Word(word))
    }

    /// The normalized word.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Word {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for Word {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// The kind of question a review answered (`mc_definition`, `video_mc`...): trimmed,
/// 1..=50 characters (the column is `VARCHAR(50)`). Free text, as in the client.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuestionType(String);

impl QuestionType {
    /// The longest accepted question type, in characters.
    pub const MAX_CHARS: usize = 50;

    /// Trims and checks the length.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(InvalidValue::Empty);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(InvalidValue::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        Ok(QuestionType(text.to_owned()))
    }

    /// The question type.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_trimmed_and_lower_cased() {
        let cases = [
            ("hello", "hello"),
            ("  Hello ", "hello"),
            ("ÉCOLE", "école"),
            ("New York", "new york"),
            ("\tSTRAẞE\n", "straße"),
        ];
        for (raw, expected) in cases {
            assert_eq!(
                Word::parse(raw).as_ref().map(Word::as_str),
                Ok(expected),
                "input {raw:?}"
            );
        }
    }

    #[test]
    fn empty_or_blank_words_are_rejected() {
        for raw in ["", " ", "\t\n", "\u{3000}"] {
            assert_eq!(Word::parse(raw), Err(InvalidValue::Empty), "input {raw:?}");
        }
    }

    #[test]
    fn the_length_limit_counts_characters_not_bytes() {
        let at_limit = "é".repeat(Word::MAX_CHARS);
        assert!(
            Word::parse(&at_limit).is_ok(),
            "255 two-byte characters fit"
        );
        let over = "a".repeat(Word::MAX_CHARS + 1);
        assert_eq!(
            Word::parse(&over),
            Err(InvalidValue::TooLong { max: 255 }),
            "256 characters do not fit"
        );
    }

    #[test]
    fn question_types_are_trimmed_non_empty_and_bounded() {
        assert_eq!(
            QuestionType::parse(" video_mc ").map(|q| q.as_str().to_owned()),
            Ok("video_mc".to_owned())
        );
        assert_eq!(QuestionType::parse("  "), Err(InvalidValue::Empty));
        assert_eq!(
            QuestionType::parse(&"q".repeat(51)),
            Err(InvalidValue::TooLong { max: 50 })
        );
    }
}

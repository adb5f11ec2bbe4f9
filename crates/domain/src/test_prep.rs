//! Test-preparation types (the vq set) and their legacy names.

use crate::InvalidValue;

/// The test a user prepares for, stored in `user_preferences.test_prep`.
///
/// Levels are cumulative in `bundle_vocabularies`: a beginner word is also flagged
/// intermediate and advanced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TestPrep {
    /// `TOEFL_BEGINNER`
    ToeflBeginner,
    /// `TOEFL_INTERMEDIATE`
    ToeflIntermediate,
    /// `TOEFL_ADVANCED` (also accepted as legacy `TOEFL`)
    ToeflAdvanced,
    /// `IELTS_BEGINNER`
    IeltsBeginner,
    /// `IELTS_INTERMEDIATE`
    IeltsIntermediate,
    /// `IELTS_ADVANCED` (also accepted as legacy `IELTS`)
    IeltsAdvanced,
    /// `DEMO` (also accepted as legacy `TIANZ`)
    Demo,
    /// `BUSINESS_ENGLISH`
    BusinessEnglish,
    /// `EVERYDAY_ENGLISH`
    EverydayEnglish,
}

impl TestPrep {
    /// Every type, in the order the client lists them.
    pub const ALL: [TestPrep; 9] = [
        TestPrep::ToeflBeginner,
        TestPrep::ToeflIntermediate,
        TestPrep::ToeflAdvanced,
        TestPrep::IeltsBeginner,
        TestPrep::IeltsIntermediate,
        TestPrep::IeltsAdvanced,
        TestPrep::Demo,
        TestPrep::BusinessEnglish,
        TestPrep::EverydayEnglish,
    ];

    /// Parses a type name (any case). The legacy names `TOEFL` and `IELTS` map to the
    /// advanced level and `TIANZ` maps to `DEMO`, as the original did.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let name = raw.trim().to_ascii_uppercase();
        let legacy = match name.as_str() {
            "TOEFL" => Some(TestPrep::ToeflAdvanced),
            "IELTS" => Some(TestPrep::IeltsAdvanced),
            "TIANZ" => Some(TestPrep::Demo),
            _ => None,
        };
        legacy
            .or_else(|| Self::ALL.into_iter().find(|t| t.as_str() == name))
            .ok_or_else(|| InvalidValue::UnknownTestPrep(raw.trim().chars().take(32).collect()))
    }

    /// The canonical name, as stored and returned.
    pub fn as_str(self) -> &'static str {
        match self {
            TestPrep::ToeflBeginner => "TOEFL_BEGINNER",
            TestPrep::ToeflIntermediate => "TOEFL_INTERMEDIATE",
            TestPrep::ToeflAdvanced => "TOEFL_ADVANCED",
            TestPrep::IeltsBeginner => "IELTS_BEGINNER",
            TestPrep::IeltsIntermediate => "IELTS_INTERMEDIATE",
            TestPrep::IeltsAdvanced => "IELTS_ADVANCED",
            TestPrep::Demo => "DEMO",
            TestPrep::BusinessEnglish => "BUSINESS_ENGLISH",
            TestPrep::EverydayEnglish => "EVERYDAY_ENGLISH",
        }
    }
}

impl AsRef<str> for TestPrep {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Display for TestPrep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for TestPrep {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_canonical_name_round_trips() {
        for test in TestPrep::ALL {
            assert_eq!(TestPrep::parse(test.as_str()), Ok(test), "{test}");
        }
    }

    #[test]
    fn legacy_and_differently_cased_names_are_mapped() {
        let cases = [
            ("TOEFL", TestPrep::ToeflAdvanced),
            ("IELTS", TestPrep::IeltsAdvanced),
            ("TIANZ", TestPrep::Demo),
            ("toefl", TestPrep::ToeflAdvanced),
            ("ielts_beginner", TestPrep::IeltsBeginner),
            (" DEMO ", TestPrep::Demo),
        ];
        for (raw, expected) in cases {
            assert_eq!(TestPrep::parse(raw), Ok(expected), "input {raw:?}");
        }
    }

    #[test]
    fn unknown_names_are_rejected() {
        let cases = [
            ("", "empty"),
            ("BOTH", "allowed by an old CHECK but never a level"),
            ("TOEFL_EXPERT", "no such level"),
            ("TOEFL BEGINNER", "space instead of underscore"),
        ];
        for (raw, description) in cases {
            assert!(
                matches!(TestPrep::parse(raw), Err(InvalidValue::UnknownTestPrep(_))),
                "{description}: {raw:?}"
            );
        }
    }
}

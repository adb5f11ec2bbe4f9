//! Vocabulary bundles: which `bundle_vocabularies` flag columns make up each test type.
//!
//! Levels are cumulative: a word added to `TOEFL_BEGINNER` is flagged beginner,
//! intermediate and advanced, so "the TOEFL intermediate words" are every word flagged
//! `is_toefl_intermediate`.

use crate::TestPrep;

/// The flag columns of `bundle_vocabularies`, in the order of [`TestPrep::ALL`] and of
/// [`TestPrep::bundle_flags`].
pub const BUNDLE_COLUMNS: [&str; 9] = [
    "is_toefl_beginner",
    "is_toefl_intermediate",
    "is_toefl_advanced",
    "is_ielts_beginner",
    "is_ielts_intermediate",
    "is_ielts_advanced",
    "is_demo",
    "business_english",
    "everyday_english",
];

impl TestPrep {
    /// The bundle's name in operator URLs: the type in lower case (`toefl_beginner`,
    /// `demo`, `everyday_english`).
    pub fn bundle_name(self) -> &'static str {
        match self {
            TestPrep::ToeflBeginner => "toefl_beginner",
            TestPrep::ToeflIntermediate => "toefl_intermediate",
            TestPrep::ToeflAdvanced => "toefl_advanced",
            TestPrep::IeltsBeginner => "ielts_beginner",
            TestPrep::IeltsIntermediate => "ielts_intermediate",
            TestPrep::IeltsAdvanced => "ielts_advanced",
            TestPrep::Demo => "demo",
            TestPrep::BusinessEnglish => "business_english",
            TestPrep::EverydayEnglish => "everyday_english",
        }
    }

    /// The type named by a bundle name, exactly as [`TestPrep::bundle_name`] writes it.
    pub fn from_bundle_name(raw: &str) -> Option<TestPrep> {
        Self::ALL.into_iter().find(|t| t.bundle_name() == raw)
    }

    /// The `bundle_vocabularies` column that flags this bundle's words.
    pub fn bundle_column(self) -> &'static str {
        let index = Self::ALL
            .iter()
            .position(|t| *t == self)
            .unwrap_or_default();
        BUNDLE_COLUMNS.get(index).copied().unwrap_or("is_demo")
    }

    /// The flags a word added to this bundle gets, in [`BUNDLE_COLUMNS`] order: its own,
    /// plus the higher levels of the same test.
    pub fn bundle_flags(self) -> [bool; 9] {
        let higher: &[TestPrep] = match self {
            TestPrep::ToeflBeginner => &[TestPrep::ToeflIntermediate, TestPrep::ToeflAdvanced],
            TestPrep::ToeflIntermediate => &[TestPrep::ToeflAdvanced],
            TestPrep::IeltsBeginner => &[TestPrep::IeltsIntermediate, TestPrep::IeltsAdvanced],
            TestPrep::IeltsIntermediate => &[TestPrep::IeltsAdvanced],
            _ => &[],
        };
        Self::ALL.map(|t| t == self || higher.contains(&t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundle_name_round_trips_and_others_are_refused() {
        for test in TestPrep::ALL {
            assert_eq!(TestPrep::from_bundle_name(test.bundle_name()), Some(test));
            assert_eq!(test.bundle_name(), test.as_str().to_lowercase());
        }
        for raw in ["TOEFL_BEGINNER", "toefl", "tianz", "", "demo "] {
            assert_eq!(TestPrep::from_bundle_name(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn each_bundle_has_its_column() {
        let cases = [
            (TestPrep::ToeflBeginner, "is_toefl_beginner"),
            (TestPrep::IeltsAdvanced, "is_ielts_advanced"),
            (TestPrep::Demo, "is_demo"),
            (TestPrep::BusinessEnglish, "business_english"),
            (TestPrep::EverydayEnglish, "everyday_english"),
        ];
        for (test, column) in cases {
            assert_eq!(test.bundle_column(), column, "{test}");
        }
    }

    #[test]
    fn levels_are_cumulative() {
        let flagged = |test: TestPrep| -> Vec<&str> {
            BUNDLE_COLUMNS
                .iter()
                .zip(test.bundle_flags())
                .filter(|(_, on)| *on)
                .map(|(c, _)| *c)
                .collect()
        };
        assert_eq!(
            flagged(TestPrep::ToeflBeginner),
            [
                "is_toefl_beginner",
                "is_toefl_intermediate",
                "is_toefl_advanced"
            ]
        );
        assert_eq!(
            flagged(TestPrep::IeltsIntermediate),
            ["is_ielts_intermediate", "is_ielts_advanced"]
        );
        assert_eq!(flagged(TestPrep::ToeflAdvanced), ["is_toefl_advanced"]);
        assert_eq!(flagged(TestPrep::Demo), ["is_demo"]);
        assert_eq!(flagged(TestPrep::EverydayEnglish), ["everyday_english"]);
        for test in TestPrep::ALL {
            assert!(flagged(test).contains(&test.bundle_column()), "{test}");
        }
    }
}

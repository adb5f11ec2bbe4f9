//! The rules of `POST /v3/users/{user_id}/preferences`.

use std::ops::RangeInclusive;

use chrono::{Duration, NaiveDate};

use crate::{FieldError, InvalidValue, LanguageCode, TestPrep, Timezone};

/// Longest user name, in characters.
pub const USER_NAME_MAX_CHARS: usize = 50;
/// Longest user motto, in characters.
pub const USER_MOTTO_MAX_CHARS: usize = 200;
/// Accepted `study_duration_days`.
pub const STUDY_DURATION_DAYS: RangeInclusive<i64> = 1..=365;
/// Accepted `daily_time_commitment_minutes`.
pub const DAILY_MINUTES: RangeInclusive<i64> = 10..=480;
/// `daily_time_commitment_minutes` of a new user.
pub const DEFAULT_DAILY_MINUTES: i32 = 30;

/// The typed fields of a preferences update, as the client sent them (`None` = absent
/// or `null`).
#[derive(Debug, Clone, Default)]
pub struct PreferencesInput {
    /// `learning_language` (required).
    pub learning_language: Option<LanguageCode>,
    /// `native_language` (required).
    pub native_language: Option<LanguageCode>,
    /// `user_name`; an empty string keeps the current name.
    pub user_name: Option<String>,
    /// `user_motto`; an empty string keeps the current motto.
    pub user_motto: Option<String>,
    /// `test_prep`; absent clears it.
    pub test_prep: Option<TestPrep>,
    /// `study_duration_days`, required with `test_prep`.
    pub study_duration_days: Option<i64>,
    /// `target_end_date`, a future date.
    pub target_end_date: Option<NaiveDate>,
    /// `daily_time_commitment_minutes`; absent keeps the current value.
    pub daily_time_commitment_minutes: Option<i64>,
    /// `timezone`; absent keeps the current zone.
    pub timezone: Option<Timezone>,
}

/// Where the fields of a request come from (in the API, a JSON body).
pub trait FieldSource {
    /// A string field: `None` when absent (or `null`), an error when not a string.
    fn text(&self, field: &'static str) -> Result<Option<&str>, FieldError>;
    /// An integer field: `None` when absent (or `null`), an error when not an integer.
    fn integer(&self, field: &'static str) -> Result<Option<i64>, FieldError>;
}

impl PreferencesInput {
    /// Reads and parses every field; each error names its field.
    pub fn read(source: &impl FieldSource) -> Result<Self, FieldError> {
        fn parsed<T>(
            source: &impl FieldSource,
            field: &'static str,
            parse: impl FnOnce(&str) -> Result<T, InvalidValue>,
        ) -> Result<Option<T>, FieldError> {
            source
                .text(field)?
                .map(|raw| parse(raw).map_err(|e| FieldError::new(field, e)))
                .transpose()
        }
        Ok(PreferencesInput {
            learning_language: parsed(source, "learning_language", LanguageCode::parse)?,
            native_language: parsed(source, "native_language", LanguageCode::parse)?,
            user_name: source.text("user_name")?.map(str::to_owned),
            user_motto: source.text("user_motto")?.map(str::to_owned),
            test_prep: parsed(source, "test_prep", TestPrep::parse)?,
            study_duration_days: source.integer("study_duration_days")?,
            target_end_date: parsed(source, "target_end_date", crate::parse_date)?,
            daily_time_commitment_minutes: source.integer("daily_time_commitment_minutes")?,
            timezone: parsed(source, "timezone", Timezone::parse)?,
        })
    }
}

/// A validated preferences update.
///
/// The client sends its whole state on every call and omits keys for nil values, so:
/// `test_prep`, `study_duration_days` and `target_end_date` are replaced (an absent
/// `test_prep` means "no test", as in the original, which disabled every test but the
/// chosen one); `user_name`, `user_motto`, `timezone` and
/// `daily_time_commitment_minutes` are kept when absent (or, for the texts, empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferencesUpdate {
    /// Learning language.
    pub learning_language: LanguageCode,
    /// Native language, different from the learning language.
    pub native_language: LanguageCode,
    /// New user name, `None` to keep the current one.
    pub user_name: Option<String>,
    /// New user motto, `None` to keep the current one.
    pub user_motto: Option<String>,
    /// The test prepared for, `None` for none.
    pub test_prep: Option<TestPrep>,
    /// Length of the study plan in days.
    pub study_duration_days: Option<i32>,
    /// The explicit end date, or today plus the study duration when a test is set.
    pub target_end_date: Option<NaiveDate>,
    /// New daily commitment, `None` to keep the current one.
    pub daily_time_commitment_minutes: Option<i32>,
    /// New time zone, `None` to keep the current one.
    pub timezone: Option<Timezone>,
}

impl PreferencesUpdate {
    /// Applies the cross-field rules; `today` is the current UTC date.
    pub fn validate(input: PreferencesInput, today: NaiveDate) -> Result<Self, FieldError> {
        let learning_language = input
            .learning_language
            .ok_or(FieldError::missing("learning_language"))?;
        let native_language = input
            .native_language
            .ok_or(FieldError::missing("native_language"))?;
        if learning_language == native_language {
            return Err(FieldError::new(
                "native_language",
                InvalidValue::SameAs("learning_language"),
            ));
        }
        let user_name = text("user_name", input.user_name, USER_NAME_MAX_CHARS)?;
        let user_motto = text("user_motto", input.user_motto, USER_MOTTO_MAX_CHARS)?;
        let study_duration_days = input
            .study_duration_days
            .map(|days| bounded("study_duration_days", days, STUDY_DURATION_DAYS))
            .transpose()?;
        if input.test_prep.is_some() && study_duration_days.is_none() {
            return Err(FieldError::new(
                "study_duration_days",
                InvalidValue::RequiredWith("test_prep"),
            ));
        }
        if let Some(date) = input.target_end_date
            && date <= today
        {
            return Err(FieldError::new(
                "target_end_date",
                InvalidValue::NotInFuture,
            ));
        }
        let target_end_date = input.target_end_date.or_else(|| {
            input
                .test_prep
                .and(study_duration_days)
                .map(|days| today + Duration::days(i64::from(days)))
        });
        let daily_time_commitment_minutes = input
            .daily_time_commitment_minutes
            .map(|minutes| bounded("daily_time_commitment_minutes", minutes, DAILY_MINUTES))
            .transpose()?;
        Ok(PreferencesUpdate {
            learning_language,
            native_language,
            user_name,
            user_motto,
            test_prep: input.test_prep,
            study_duration_days,
            target_end_date,
            daily_time_commitment_minutes,
            timezone: input.timezone,
        })
    }
}

/// Trims an optional text; empty means "keep", longer than `max` characters is an error.
fn text(
    field: &'static str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let Some(value) = value else { return Ok(None) };
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    if trimmed.chars().count() > max {
        return Err(FieldError::new(field, InvalidValue::TooLong { max }));
    }
    Ok(Some(trimmed.to_owned()))
}

/// Checks a number against its bounds; every bound here fits an `i32`.
pub fn bounded(
    field: &'static str,
    value: i64,
    range: RangeInclusive<i64>,
) -> Result<i32, FieldError> {
    let out_of_range = || {
        FieldError::new(
            field,
            InvalidValue::OutOfRange {
                min: *range.start(),
                max: *range.end(),
            },
        )
    };
    if !range.contains(&value) {
        return Err(out_of_range());
    }
    i32::try_from(value).map_err(|_| out_of_range())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn lang(code: &str) -> Option<LanguageCode> {
        LanguageCode::parse(code).ok()
    }

    fn minimal() -> PreferencesInput {
        PreferencesInput {
            learning_language: lang("en"),
            native_language: lang("zh"),
            ..PreferencesInput::default()
        }
    }

    #[test]
    fn a_minimal_update_keeps_everything_optional() {
        let update = PreferencesUpdate::validate(minimal(), today()).unwrap();
        assert_eq!(update.learning_language.code(), "en");
        assert_eq!(update.native_language.code(), "zh");
        assert_eq!(update.user_name, None);
        assert_eq!(update.test_prep, None);
        assert_eq!(update.target_end_date, None);
        assert_eq!(update.daily_time_commitment_minutes, None);
        assert_eq!(update.timezone, None);
    }

    #[test]
    fn a_test_sets_the_end_date_from_the_study_duration() {
        let input = PreferencesInput {
            test_prep: Some(TestPrep::ToeflBeginner),
            study_duration_days: Some(30),
            ..minimal()
        };
        let update = PreferencesUpdate::validate(input, today()).unwrap();
        assert_eq!(update.study_duration_days, Some(30));
        assert_eq!(update.target_end_date, NaiveDate::from_ymd_opt(2025, 7, 1));
    }

    #[test]
    fn an_explicit_end_date_wins() {
        let date = NaiveDate::from_ymd_opt(2025, 12, 24);
        let input = PreferencesInput {
            test_prep: Some(TestPrep::Demo),
            study_duration_days: Some(30),
            target_end_date: date,
            ..minimal()
        };
        assert_eq!(
            PreferencesUpdate::validate(input, today())
                .unwrap()
                .target_end_date,
            date
        );
    }

    #[test]
    fn empty_texts_keep_the_current_values_and_others_are_trimmed() {
        let input = PreferencesInput {
            user_name: Some("  ".into()),
            user_motto: Some(" Keep going ".into()),
            ..minimal()
        };
        let update = PreferencesUpdate::validate(input, today()).unwrap();
        assert_eq!(update.user_name, None);
        assert_eq!(update.user_motto.as_deref(), Some("Keep going"));
    }

    #[test]
    fn invalid_updates_name_the_offending_field() {
        let cases: Vec<(PreferencesInput, &str, &str)> = vec![
            (
                PreferencesInput {
                    learning_language: None,
                    ..minimal()
                },
                "learning_language",
                "missing learning language",
            ),
            (
                PreferencesInput {
                    native_language: None,
                    ..minimal()
                },
                "native_language",
                "missing native language",
            ),
            (
                PreferencesInput {
                    native_language: lang("en"),
                    ..minimal()
                },
                "native_language",
                "same languages",
            ),
            (
                PreferencesInput {
                    user_name: Some("n".repeat(51)),
                    ..minimal()
                },
                "user_name",
                "name too long",
            ),
            (
                PreferencesInput {
                    user_motto: Some("m".repeat(201)),
                    ..minimal()
                },
                "user_motto",
                "motto too long",
            ),
            (
                PreferencesInput {
                    test_prep: Some(TestPrep::IeltsAdvanced),
                    ..minimal()
                },
                "study_duration_days",
                "test without duration",
            ),
            (
                PreferencesInput {
                    study_duration_days: Some(0),
                    ..minimal()
                },
                "study_duration_days",
                "duration below 1",
            ),
            (
                PreferencesInput {
                    study_duration_days: Some(366),
                    ..minimal()
                },
                "study_duration_days",
                "duration above 365",
            ),
            (
                PreferencesInput {
                    target_end_date: Some(today()),
                    ..minimal()
                },
                "target_end_date",
                "end date today",
            ),
            (
                PreferencesInput {
                    daily_time_commitment_minutes: Some(9),
                    ..minimal()
                },
                "daily_time_commitment_minutes",
                "minutes below 10",
            ),
            (
                PreferencesInput {
                    daily_time_commitment_minutes: Some(481),
                    ..minimal()
                },
                "daily_time_commitment_minutes",
                "minutes above 480",
            ),
        ];
        for (input, field, description) in cases {
            let error = PreferencesUpdate::validate(input, today()).expect_err(description);
            assert_eq!(error.field, field, "{description}");
        }
    }

    /// Fields from a list of (name, text or integer).
    struct Fields(Vec<(&'static str, Result<&'static str, i64>)>);

    impl FieldSource for Fields {
        fn text(&self, field: &'static str) -> Result<Option<&str>, FieldError> {
            match self.0.iter().find(|(name, _)| *name == field) {
                None => Ok(None),
                Some((_, Ok(text))) => Ok(Some(text)),
                Some(_) => Err(FieldError::new(field, InvalidValue::WrongType("a string"))),
            }
        }
        fn integer(&self, field: &'static str) -> Result<Option<i64>, FieldError> {
            match self.0.iter().find(|(name, _)| *name == field) {
                None => Ok(None),
                Some((_, Err(n))) => Ok(Some(*n)),
                Some(_) => Err(FieldError::new(
                    field,
                    InvalidValue::WrongType("an integer"),
                )),
            }
        }
    }

    #[test]
    fn reading_fields_parses_each_one() {
        let fields = Fields(vec![
            ("learning_language", Ok("fr")),
            ("native_language", Ok("en")),
            ("test_prep", Ok("TOEFL")),
            ("study_duration_days", Err(45)),
            ("timezone", Ok("America/New_York")),
            ("target_end_date", Ok("2026-01-31")),
        ]);
        let input = PreferencesInput::read(&fields).unwrap();
        assert_eq!(input.learning_language.map(LanguageCode::code), Some("fr"));
        assert_eq!(input.test_prep, Some(TestPrep::ToeflAdvanced));
        assert_eq!(input.study_duration_days, Some(45));
        assert_eq!(
            input.timezone.map(Timezone::as_str),
            Some("America/New_York")
        );
        assert_eq!(input.target_end_date, NaiveDate::from_ymd_opt(2026, 1, 31));
    }

    #[test]
    fn reading_a_bad_field_names_it() {
        let cases = [
            (("learning_language", Ok("xx")), "learning_language"),
            (("learning_language", Err(5)), "learning_language"),
            (("test_prep", Ok("SAT")), "test_prep"),
            (("timezone", Ok("Not/AZone!")), "timezone"),
            (("target_end_date", Ok("tomorrow")), "target_end_date"),
            (("study_duration_days", Ok("45")), "study_duration_days"),
        ];
        for (field, expected) in cases {
            let error = PreferencesInput::read(&Fields(vec![field])).unwrap_err();
            assert_eq!(error.field, expected, "{field:?}");
        }
    }

    #[test]
    fn bounds_are_inclusive() {
        assert_eq!(bounded("x", 10, DAILY_MINUTES), Ok(10));
        assert_eq!(bounded("x", 480, DAILY_MINUTES), Ok(480));
        assert_eq!(bounded("x", 1, STUDY_DURATION_DAYS), Ok(1));
        assert_eq!(bounded("x", 365, STUDY_DURATION_DAYS), Ok(365));
        assert!(bounded("x", i64::MAX, DAILY_MINUTES).is_err());
    }
}

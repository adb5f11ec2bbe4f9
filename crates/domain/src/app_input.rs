//! Inputs of the app's write endpoints: feedback text, analytics events and content
//! reports; bounded free text in general.

use crate::InvalidValue;

/// Longest feedback, in characters (`user_feedback.feedback` checks `length <= 500`).
pub const FEEDBACK_MAX_CHARS: usize = 500;
/// Longest comment on a content report, in characters.
pub const REPORT_COMMENT_MAX_CHARS: usize = 1000;
/// Longest analytics `session_id` (`VARCHAR(100)`).
pub const SESSION_ID_MAX_CHARS: usize = 100;
/// Longest analytics `platform` (`VARCHAR(20)`).
pub const PLATFORM_MAX_CHARS: usize = 20;
/// Longest analytics `app_version` (`VARCHAR(20)`).
pub const APP_VERSION_MAX_CHARS: usize = 20;

/// Required free text: trimmed, not empty, at most `max` characters (not bytes).
pub fn required_text(raw: &str, max: usize) -> Result<String, InvalidValue> {
    optional_text(raw, max)?.ok_or(InvalidValue::Empty)
}

/// Optional free text: trimmed; blank is `None`; longer than `max` characters is an error.
pub fn optional_text(raw: &str, max: usize) -> Result<Option<String>, InvalidValue> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(InvalidValue::TooLong { max });
    }
    Ok(Some(text.to_owned()))
}

/// An analytics action name sent by the app (`dictionary_search`, `nav_tab_review`...):
/// any trimmed text of 1..=50 characters (`user_actions.action` is `VARCHAR(50)`), so a
/// new app version can send new actions without a server change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyticsAction(String);

impl AnalyticsAction {
    /// The longest action, in characters.
    pub const MAX_CHARS: usize = 50;
    /// The longest category, in characters (`user_actions.category` is `VARCHAR(30)`).
    pub const CATEGORY_MAX_CHARS: usize = 30;

    /// Trims and checks the length.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        required_text(raw, Self::MAX_CHARS).map(AnalyticsAction)
    }

    /// The action.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The action's category: the text before its first `_` (the whole action when it
    /// has none), lower-cased and cut to 30 characters; `other` when that is empty.
    /// `nav_tab_review` → `nav`, `dictionary_search` → `dictionary`, `app_launch` → `app`.
    pub fn category(&self) -> String {
        let prefix = self.0.split('_').next().unwrap_or_default().trim();
        let category: String = prefix
            .to_lowercase()
            .chars()
            .take(Self::CATEGORY_MAX_CHARS)
            .collect();
        if category.is_empty() {
            "other".to_owned()
        } else {
            category
        }
    }
}

/// Why a user reported a question or video; the four values of the app's `ReportType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportType {
    /// Offensive or unsuitable content.
    Inappropriate,
    /// A wrong answer, definition or translation.
    Incorrect,
    /// Content used without permission.
    Copyright,
    /// Anything else.
    Other,
}

impl ReportType {
    /// Every report type.
    pub const ALL: [ReportType; 4] = [
        ReportType::Inappropriate,
        ReportType::Incorrect,
        ReportType::Copyright,
        ReportType::Other,
    ];

    /// Accepts a report type in any case (`Incorrect`, `incorrect`).
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let raw = raw.trim();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(raw))
            .ok_or(InvalidValue::WrongType(
                "one of Inappropriate, Incorrect, Copyright, Other",
            ))
    }

    /// The stored spelling, as the app sends it (capitalized).
    pub fn as_str(&self) -> &'static str {
        match self {
            ReportType::Inappropriate => "Inappropriate",
            ReportType::Incorrect => "Incorrect",
            ReportType::Copyright => "Copyright",
            ReportType::Other => "Other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_counted_in_characters() {
        assert_eq!(required_text("  hi ", 5), Ok("hi".to_owned()));
        assert_eq!(required_text(" \n", 5), Err(InvalidValue::Empty));
        assert_eq!(
            required_text(&"é".repeat(FEEDBACK_MAX_CHARS), FEEDBACK_MAX_CHARS)
                .map(|t| t.chars().count()),
            Ok(500),
            "500 two-byte characters fit"
        );
        assert_eq!(
            required_text(&"a".repeat(501), FEEDBACK_MAX_CHARS),
            Err(InvalidValue::TooLong { max: 500 })
        );
        assert_eq!(optional_text("   ", 10), Ok(None));
        assert_eq!(optional_text(" x ", 10), Ok(Some("x".to_owned())));
        assert_eq!(
            optional_text("abc", 2),
            Err(InvalidValue::TooLong { max: 2 })
        );
    }

    #[test]
    fn categories_are_the_actions_prefix() {
        let cases = [
            ("dictionary_search", "dictionary"),
            ("nav_tab_review", "nav"),
            ("review_answer_correct", "review"),
            ("app_launch", "app"),
            ("onboarding", "onboarding"),
            ("Settings_Program_Change", "settings"),
            ("_leading", "other"),
            ("a_b", "a"),
        ];
        for (action, category) in cases {
            assert_eq!(
                AnalyticsAction::parse(action).unwrap().category(),
                category,
                "{action}"
            );
        }
        let long = AnalyticsAction::parse(&"x".repeat(50)).unwrap();
        assert_eq!(long.category(), "x".repeat(30));
    }

    #[test]
    fn actions_are_bounded() {
        assert!(AnalyticsAction::parse(&"a".repeat(50)).is_ok());
        assert_eq!(
            AnalyticsAction::parse(&"a".repeat(51)),
            Err(InvalidValue::TooLong { max: 50 })
        );
        assert_eq!(AnalyticsAction::parse(" "), Err(InvalidValue::Empty));
    }

    #[test]
    fn report_types_are_the_four_values_in_any_case() {
        for t in ReportType::ALL {
            assert_eq!(ReportType::parse(t.as_str()), Ok(t));
            assert_eq!(ReportType::parse(&t.as_str().to_uppercase()), Ok(t));
        }
        assert_eq!(
            ReportType::parse(" incorrect ").map(|t| t.as_str()),
            Ok("Incorrect")
        );
        assert!(ReportType::parse("Spam").is_err());
        assert!(ReportType::parse("").is_err());
    }
}

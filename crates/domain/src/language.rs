//! The 57 supported languages and the validated [`LanguageCode`].

use crate::InvalidValue;

/// Every supported language as `(code, English name)`, sorted by code. The same set
/// validates `learning_language` and `native_language` everywhere.
pub const LANGUAGES: [(&str, &str); 57] = [
    ("af", "Afrikaans"),
    ("ar", "Arabic"),
    ("az", "Azerbaijani"),
    ("be", "Belarusian"),
    ("bg", "Bulgarian"),
    ("bs", "Bosnian"),
    ("ca", "Catalan"),
    ("cs", "Czech"),
    ("cy", "Welsh"),
    ("da", "Danish"),
    ("de", "German"),
    ("el", "Greek"),
    ("en", "English"),
    ("es", "Spanish"),
    ("et", "Estonian"),
    ("fa", "Persian"),
    ("fi", "Finnish"),
    ("fr", "French"),
    ("gl", "Galician"),
    ("he", "Hebrew"),
    ("hi", "Hindi"),
    ("hr", "Croatian"),
    ("hu", "Hungarian"),
    ("hy", "Armenian"),
    ("id", "Indonesian"),
    ("is", "Icelandic"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("kk", "Kazakh"),
    ("kn", "Kannada"),
    ("ko", "Korean"),
    ("lt", "Lithuanian"),
    ("lv", "Latvian"),
    ("mi", "Maori"),
    ("mk", "Macedonian"),
    ("mr", "Marathi"),
    ("ms", "Malay"),
    ("ne", "Nepali"),
    ("nl", "Dutch"),
    ("no", "Norwegian"),
    ("pl", "Polish"),
    ("pt", "Portuguese"),
    ("ro", "Romanian"),
    ("ru", "Russian"),
    ("sk", "Slovak"),
    ("sl", "Slovenian"),
    ("sr", "Serbian"),
    ("sv", "Swedish"),
    ("sw", "Swahili"),
    ("ta", "Tamil"),
    ("th", "Thai"),
    ("tl", "Tagalog"),
    ("tr", "Turkish"),
    ("uk", "Ukrainian"),
    ("ur", "Urdu"),
    ("vi", "Vietnamese"),
    ("zh", "Chinese"),
];

/// A supported language code such as `en` or `zh`.
///
/// Only [`LanguageCode::parse`] makes one, so holding a `LanguageCode` proves the code is
/// one of [`LANGUAGES`]. It is `Copy` and points into that table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LanguageCode(&'static str);

impl LanguageCode {
    /// English, the default learning language of a new user.
    pub const ENGLISH: LanguageCode = LanguageCode("en");
    /// Chinese, the default native language of a new user.
    pub const CHINESE: LanguageCode = LanguageCode("zh");

    /// Accepts a supported code. Surrounding white space and upper case are tolerated
    /// (`" EN "` is `en`); anything else is [`InvalidValue::UnsupportedLanguage`].
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let wanted = raw.trim();
        LANGUAGES
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(wanted))
            .map(|(code, _)| LanguageCode(code))
            .ok_or_else(|| InvalidValue::UnsupportedLanguage(truncated(wanted)))
    }

    /// The code, lower case.
    pub fn code(self) -> &'static str {
        self.0
    }

    /// The English name of the language.
    pub fn name(self) -> &'static str {
        LANGUAGES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map_or("", |(_, name)| name)
    }

    /// Every supported language, sorted by code.
    pub fn all() -> impl Iterator<Item = LanguageCode> {
        LANGUAGES.iter().map(|(code, _)| LanguageCode(code))
    }
}

/// Keeps a rejected value short enough to echo in an error message.
fn truncated(raw: &str) -> String {
    raw.chars().take(16).collect()
}

impl AsRef<str> for LanguageCode {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl std::fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl serde::Serialize for LanguageCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_57_languages_sorted_by_code_without_duplicates() {
        assert_eq!(LANGUAGES.len(), 57);
        for pair in LANGUAGES.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "{:?} must sort before {:?}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn every_supported_code_parses_to_itself() {
        for (code, name) in LANGUAGES {
            let parsed = LanguageCode::parse(code).expect(code);
            assert_eq!(parsed.code(), code);
            assert_eq!(parsed.name(), name);
        }
    }

    #[test]
    fn case_and_surrounding_space_are_tolerated() {
        let cases = [("EN", "en"), (" zh ", "zh"), ("Fr", "fr"), ("\tja\n", "ja")];
        for (raw, expected) in cases {
            assert_eq!(
                LanguageCode::parse(raw).map(LanguageCode::code),
                Ok(expected),
                "input {raw:?}"
            );
        }
    }

    #[test]
    fn unsupported_codes_are_rejected() {
        let cases = [
            ("", "empty"),
            ("xx", "unknown code"),
            ("pa", "named by the prompt table but not supported"),
            ("te", "named by the prompt table but not supported"),
            ("en-US", "a locale, not a code"),
            ("english", "a name, not a code"),
            ("e", "too short"),
        ];
        for (raw, description) in cases {
            assert!(
                matches!(
                    LanguageCode::parse(raw),
                    Err(InvalidValue::UnsupportedLanguage(_))
                ),
                "{description}: {raw:?} should be rejected"
            );
        }
    }

    #[test]
    fn a_rejected_value_is_echoed_at_most_16_characters_long() {
        let long = "x".repeat(1000);
        match LanguageCode::parse(&long) {
            Err(InvalidValue::UnsupportedLanguage(echo)) => assert_eq!(echo.len(), 16),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn defaults_are_supported_languages() {
        assert_eq!(LanguageCode::parse("en"), Ok(LanguageCode::ENGLISH));
        assert_eq!(LanguageCode::parse("zh"), Ok(LanguageCode::CHINESE));
    }

    #[test]
    fn all_lists_every_language_in_code_order() {
        let codes: Vec<&str> = LanguageCode::all().map(LanguageCode::code).collect();
        let expected: Vec<&str> = LANGUAGES.iter().map(|(code, _)| *code).collect();
        assert_eq!(codes, expected);
    }
}

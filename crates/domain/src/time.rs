//! Timestamps in responses, and validated time zones.
//!
//! Every timestamp is stored as `TIMESTAMP` holding UTC and leaves the API as ISO 8601
//! UTC without fractional seconds, `YYYY-MM-DDTHH:MM:SSZ`: the form iOS's
//! `ISO8601DateFormatter` parses (the original's `YYYY-MM-DD` silently broke the client's
//! sort and overdue checks). Dates alone are `YYYY-MM-DD`.

use chrono::{NaiveDate, NaiveDateTime};

use crate::InvalidValue;
use crate::timezones::IANA_NAMES;

/// Formats a UTC timestamp as `YYYY-MM-DDTHH:MM:SSZ`, dropping fractional seconds.
pub fn format_utc(at: &NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(date: &NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// Parses a `YYYY-MM-DD` date.
pub fn parse_date(raw: &str) -> Result<NaiveDate, InvalidValue> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| InvalidValue::NotADate)
}

/// Serde `serialize_with` helpers that write timestamps with [`format_utc`].
pub mod iso8601 {
    use chrono::NaiveDateTime;

    /// Serializes a timestamp as `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn serialize<S: serde::Serializer>(
        at: &NaiveDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&at.format("%Y-%m-%dT%H:%M:%SZ"))
    }

    /// Serializes an optional timestamp as `YYYY-MM-DDTHH:MM:SSZ` or `null`.
    pub fn serialize_option<S: serde::Serializer>(
        at: &Option<NaiveDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => serialize(at, serializer),
            None => serializer.serialize_none(),
        }
    }
}

/// An IANA time zone name such as `Europe/Paris` or `UTC`.
///
/// Checked against the IANA database's names (zones and links, tzdata 2025b) compiled
/// into this crate, so POSIX strings that Postgres would also accept (`abc5`) are
/// rejected. Matching ignores ASCII case and yields the canonical spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timezone(&'static str);

impl Timezone {
    /// The default time zone of a new user.
    pub const UTC: Timezone = Timezone("UTC");

    /// Accepts an IANA name.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let wanted = raw.trim();
        let reject = || InvalidValue::UnknownTimezone(wanted.chars().take(40).collect());
        if wanted.is_empty() || wanted.len() > 64 {
            return Err(reject());
        }
        if let Ok(i) = IANA_NAMES.binary_search(&wanted) {
            return IANA_NAMES.get(i).map(|n| Timezone(n)).ok_or_else(reject);
        }
        IANA_NAMES
            .iter()
            .find(|name| name.eq_ignore_ascii_case(wanted))
            .map(|name| Timezone(name))
            .ok_or_else(reject)
    }

    /// The canonical name.
    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl AsRef<str> for Timezone {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl std::fmt::Display for Timezone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn timestamps_are_iso_8601_utc_without_fractions() {
        let cases = [
            ("2025-12-15 10:00:00", "2025-12-15T10:00:00Z"),
            ("2025-12-15 10:00:00.999999", "2025-12-15T10:00:00Z"),
            ("2025-01-02 03:04:05.5", "2025-01-02T03:04:05Z"),
        ];
        for (input, expected) in cases {
            assert_eq!(format_utc(&at(input)), expected, "input {input}");
        }
    }

    #[test]
    fn the_serde_helper_writes_the_same_form() {
        #[derive(serde::Serialize)]
        struct Item {
            #[serde(serialize_with = "iso8601::serialize")]
            created_at: NaiveDateTime,
            #[serde(serialize_with = "iso8601::serialize_option")]
            last: Option<NaiveDateTime>,
        }
        let item = Item {
            created_at: at("2025-12-15 10:00:00.123"),
            last: None,
        };
        assert_eq!(
            serde_json::to_string(&item).unwrap(),
            r#"{"created_at":"2025-12-15T10:00:00Z","last":null}"#
        );
    }

    #[test]
    fn dates_are_year_month_day() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 7).unwrap();
        assert_eq!(format_date(&date), "2026-03-07");
    }

    #[test]
    fn dates_parse_only_as_year_month_day() {
        assert_eq!(
            parse_date("2026-03-07"),
            Ok(NaiveDate::from_ymd_opt(2026, 3, 7).unwrap())
        );
        for raw in [
            "tomorrow",
            "2026-02-30",
            "07/03/2026",
            "2026-03-07T10:00:00Z",
            "",
        ] {
            assert_eq!(
                parse_date(raw),
                Err(InvalidValue::NotADate),
                "input {raw:?}"
            );
        }
    }

    #[test]
    fn the_name_list_is_sorted_for_binary_search() {
        for pair in IANA_NAMES.windows(2) {
            assert!(
                pair[0] < pair[1],
                "{} must sort before {}",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn iana_names_are_accepted_in_their_canonical_spelling() {
        let cases = [
            ("Europe/Paris", "Europe/Paris"),
            ("America/New_York", "America/New_York"),
            (
                "America/Argentina/Buenos_Aires",
                "America/Argentina/Buenos_Aires",
            ),
            ("Asia/Calcutta", "Asia/Calcutta"),
            ("Etc/GMT+5", "Etc/GMT+5"),
            ("UTC", "UTC"),
            ("GMT", "GMT"),
            ("america/new_york", "America/New_York"),
            (" Asia/Shanghai ", "Asia/Shanghai"),
        ];
        for (raw, expected) in cases {
            assert_eq!(
                Timezone::parse(raw).map(Timezone::as_str),
                Ok(expected),
                "input {raw:?}"
            );
        }
    }

    #[test]
    fn posix_strings_and_garbage_are_rejected() {
        let cases = [
            ("", "empty"),
            ("garbage", "not a name"),
            ("abc5", "a POSIX rule Postgres would accept"),
            ("America/New_York5", "a POSIX rule Postgres would accept"),
            ("UTC+5", "a POSIX offset"),
            ("Foo/Bar", "unknown area and city"),
            ("Factory", "a tzdata placeholder, not a zone"),
            ("posix/Europe/Paris", "a file path, not a name"),
        ];
        for (raw, description) in cases {
            assert!(
                matches!(Timezone::parse(raw), Err(InvalidValue::UnknownTimezone(_))),
                "{description}: {raw:?}"
            );
        }
    }
}

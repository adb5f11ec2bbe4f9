//! App versions (`1.2.3`) and the upgrade decision of `GET /v3/app-version`.

use std::cmp::Ordering;

use crate::InvalidValue;

/// A dotted version number such as `1.2.3`: 1 to [`AppVersion::MAX_PARTS`] parts of
/// ASCII digits (at most 9 each), compared numerically part by part, missing parts
/// counting as 0. So `1.10.0` > `1.9` and `2.0` = `2.0.0`.
#[derive(Debug, Clone)]
pub struct AppVersion(Vec<u32>);

impl AppVersion {
    /// The most parts a version may have.
    pub const MAX_PARTS: usize = 6;

    /// Parses a version; surrounding white space is tolerated.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let invalid = || InvalidValue::WrongType("a version number such as 1.2.3");
        let raw = raw.trim();
        let parts: Vec<&str> = raw.split('.').collect();
        if raw.is_empty() || parts.len() > Self::MAX_PARTS {
            return Err(invalid());
        }
        parts
            .into_iter()
            .map(|part| {
                if part.is_empty() || part.len() > 9 || !part.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid());
                }
                part.parse::<u32>().map_err(|_| invalid())
            })
            .collect::<Result<Vec<u32>, InvalidValue>>()
            .map(AppVersion)
    }

    fn part(&self, i: usize) -> u32 {
        self.0.get(i).copied().unwrap_or(0)
    }
}

impl Ord for AppVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let parts = self.0.len().max(other.0.len());
        (0..parts)
            .map(|i| self.part(i).cmp(&other.part(i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }
}

impl PartialOrd for AppVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for AppVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for AppVersion {}

impl std::fmt::Display for AppVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// What the app should do about its version. Serializes to the three values the iOS
/// client's `AppVersionStatus` decodes; any other value would fail its whole decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    /// At or past the latest version.
    Ok,
    /// Older than the minimum supported version.
    UpgradeRequired,
    /// Supported, but older than the latest version.
    UpgradeRecommended,
}

/// The status of an app at `current` when `min` is the oldest supported version and
/// `latest` the newest released one.
pub fn version_status(
    current: &AppVersion,
    min: &AppVersion,
    latest: &AppVersion,
) -> VersionStatus {
    if current < min {
        VersionStatus::UpgradeRequired
    } else if current < latest {
        VersionStatus::UpgradeRecommended
    } else {
        VersionStatus::Ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(raw: &str) -> AppVersion {
        AppVersion::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
    }

    #[test]
    fn versions_compare_numerically_part_by_part() {
        let ascending = [
            "0.9", "1", "1.0.1", "1.2", "1.9", "1.9.9", "1.10.0", "1.10.1", "2.0", "10.0",
        ];
        for pair in ascending.windows(2) {
            let (lower, higher) = (v(pair[0]), v(pair[1]));
            assert!(lower < higher, "{} < {}", pair[0], pair[1]);
            assert!(higher > lower, "{} > {}", pair[1], pair[0]);
        }
    }

    #[test]
    fn missing_parts_count_as_zero() {
        assert_eq!(v("2"), v("2.0.0"));
        assert_eq!(v("1.0"), v("1.0.0.0"));
        assert_eq!(v("01.002"), v("1.2"));
        assert_eq!(v(" 3.1 ").to_string(), "3.1");
    }

    #[test]
    fn unparsable_versions_are_rejected() {
        for raw in [
            "",
            " ",
            "abc",
            "1.",
            ".1",
            "1..2",
            "1.2-beta",
            "v1.2",
            "1.2.3.4.5.6.7",
            "1,2",
            "-1",
            "1.+2",
            "1234567890",
        ] {
            assert!(
                AppVersion::parse(raw).is_err(),
                "{raw:?} should be rejected"
            );
        }
    }

    #[test]
    fn the_status_compares_with_the_minimum_and_the_latest_version() {
        let (min, latest) = (v("1.0.0"), v("5.0.0"));
        let cases = [
            ("0.9.9", VersionStatus::UpgradeRequired),
            ("1.0", VersionStatus::UpgradeRecommended),
            ("4.10", VersionStatus::UpgradeRecommended),
            ("5", VersionStatus::Ok),
            ("5.0.1", VersionStatus::Ok),
            ("10.0", VersionStatus::Ok),
        ];
        for (current, expected) in cases {
            assert_eq!(
                version_status(&v(current), &min, &latest),
                expected,
                "{current}"
            );
        }
    }

    #[test]
    fn statuses_serialize_to_the_clients_enum_values() {
        let json = serde_json::to_string(&[
            VersionStatus::Ok,
            VersionStatus::UpgradeRequired,
            VersionStatus::UpgradeRecommended,
        ])
        .unwrap();
        assert_eq!(json, r#"["ok","upgrade_required","upgrade_recommended"]"#);
    }
}

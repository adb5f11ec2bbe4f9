//! User ids and the default profile of a new user.

use crate::InvalidValue;

/// A user id: a UUID sent by the client (there is no authentication).
///
/// Parsing accepts any case and the usual UUID spellings (hyphenated, simple, braced,
/// `urn:uuid:`). [`Display`](std::fmt::Display) and serialization give the upper-case
/// hyphenated form that iOS's `UUID().uuidString` produces, because the client compares
/// ids case-sensitively. The database stores the UUID itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(uuid::Uuid);

impl UserId {
    /// Parses a UUID in any case; surrounding white space is tolerated.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        uuid::Uuid::try_parse(raw.trim())
            .map(UserId)
            .map_err(|_| InvalidValue::NotUuid)
    }

    /// The UUID, for binding as a `uuid` parameter.
    pub fn as_uuid(&self) -> &uuid::Uuid {
        &self.0
    }

    /// The default `(user_name, user_motto)` of this user, chosen deterministically from
    /// small local lists, so that repeated or concurrent creations agree.
    pub fn default_profile(&self) -> (String, &'static str) {
        let n = self.0.as_u128();
        let adjectives = ADJECTIVES.len() as u128;
        let nouns = NOUNS.len() as u128;
        let mottos = MOTTOS.len() as u128;
        let pick = |len: u128, shift: u128| -> usize {
            // Both factors are small, so the index always fits a usize.
            usize::try_from((n / shift) % len).unwrap_or(0)
        };
        let adjective = ADJECTIVES
            .get(pick(adjectives, 1))
            .copied()
            .unwrap_or("Learning");
        let noun = NOUNS
            .get(pick(nouns, adjectives))
            .copied()
            .unwrap_or("Explorer");
        let motto = MOTTOS
            .get(pick(mottos, adjectives * nouns))
            .copied()
            .unwrap_or("Every word is a new adventure!");
        (format!("{adjective}{noun}"), motto)
    }
}

impl From<uuid::Uuid> for UserId {
    fn from(value: uuid::Uuid) -> Self {
        UserId(value)
    }
}

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:X}", self.0.hyphenated())
    }
}

impl serde::Serialize for UserId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

const ADJECTIVES: [&str; 16] = [
    "Learning", "Curious", "Brave", "Clever", "Cheerful", "Steady", "Bright", "Gentle", "Swift",
    "Patient", "Bold", "Witty", "Eager", "Calm", "Keen", "Lively",
];

const NOUNS: [&str; 16] = [
    "Explorer", "Otter", "Panda", "Falcon", "Fox", "Owl", "Dolphin", "Tiger", "Koala", "Heron",
    "Lynx", "Badger", "Sparrow", "Turtle", "Wolf", "Raven",
];

const MOTTOS: [&str; 8] = [
    "Every word is a new adventure!",
    "One word a day keeps the silence away.",
    "Small steps, big vocabulary.",
    "Curiosity is my compass.",
    "Words are bridges between worlds.",
    "Practice makes progress.",
    "Today a word, tomorrow a conversation.",
    "Learning never exhausts the mind.",
];

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "6F9619FF-8B86-D011-B42D-00C04FC964FF";

    #[test]
    fn upper_and_lower_case_ids_are_the_same_user() {
        let upper = UserId::parse(ID).unwrap();
        let lower = UserId::parse(&ID.to_lowercase()).unwrap();
        assert_eq!(upper, lower);
    }

    #[test]
    fn display_is_upper_case_hyphenated_whatever_the_input() {
        let cases = [
            ID.to_string(),
            ID.to_lowercase(),
            ID.replace('-', ""),
            format!("{{{ID}}}"),
            format!("urn:uuid:{}", ID.to_lowercase()),
            format!("  {ID}  "),
        ];
        for raw in cases {
            let parsed = UserId::parse(&raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
            assert_eq!(parsed.to_string(), ID, "input {raw:?}");
        }
    }

    #[test]
    fn serializes_as_the_upper_case_string() {
        let id = UserId::parse(&ID.to_lowercase()).unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{ID}\""));
    }

    #[test]
    fn malformed_ids_are_rejected() {
        let cases = [
            ("", "empty"),
            ("not-a-uuid", "text"),
            ("6F9619FF-8B86-D011-B42D-00C04FC964F", "one digit short"),
            ("6F9619FF-8B86-D011-B42D-00C04FC964FFF", "one digit long"),
            ("6F9619FF-8B86-D011-B42D-00C04FC964FG", "not hex"),
            ("123", "a number"),
        ];
        for (raw, description) in cases {
            assert_eq!(
                UserId::parse(raw),
                Err(InvalidValue::NotUuid),
                "{description}: {raw:?}"
            );
        }
    }

    #[test]
    fn the_default_profile_is_deterministic_per_user() {
        let id = UserId::parse(ID).unwrap();
        assert_eq!(id.default_profile(), id.default_profile());
        let (name, motto) = id.default_profile();
        assert!(!name.is_empty() && name.len() <= 50, "{name}");
        assert!(MOTTOS.contains(&motto));
    }

    #[test]
    fn different_users_get_varied_default_names() {
        let names: std::collections::HashSet<String> = (0u128..64)
            .map(|i| {
                UserId::from(uuid::Uuid::from_u128(i * 7919))
                    .default_profile()
                    .0
            })
            .collect();
        assert!(names.len() > 16, "only {} distinct names", names.len());
    }
}

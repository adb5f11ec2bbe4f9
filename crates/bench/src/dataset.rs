//! The benchmark's data set: users, their saved words and review histories, all derived from
//! one seed, so `seed` (which writes it) and `loadgen` (which picks users from it) agree without
//! talking to each other, and every run of the report works on the same rows.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

/// The default seed of every command.
pub const DEFAULT_SEED: u64 = 20_251_214;

/// Size and seed of a data set, also the command-line flags every bench binary shares. The
/// default is the one from the design notes: 1,000 users × 50 saved words × 5 reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Args)]
pub struct Params {
    /// Generator seed; the same seed gives the same rows.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Users in the data set.
    #[arg(long, default_value_t = 1_000)]
    pub users: usize,
    /// Saved words per user.
    #[arg(long = "words", default_value_t = 50)]
    pub words_per_user: usize,
    /// Reviews per saved word.
    #[arg(long = "reviews", default_value_t = 5)]
    pub reviews_per_word: usize,
}

impl Default for Params {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            users: 1_000,
            words_per_user: 50,
            reviews_per_word: 5,
        }
    }
}

/// Native languages given to users (the learning language is always English, as for most of
/// the original's users).
pub const NATIVE_LANGUAGES: [&str; 6] = ["zh", "es", "ja", "ko", "fr", "de"];

/// One user and the vocabulary indices of their saved words.
#[derive(Debug, Clone)]
pub struct User {
    /// The user's id.
    pub id: Uuid,
    /// Native language code.
    pub native_language: &'static str,
    /// Indices into [`DataSet::vocabulary`], distinct.
    pub words: Vec<u32>,
}

/// The users and words of a data set (the reviews are drawn while seeding, see `seed`).
#[derive(Debug, Clone)]
pub struct DataSet {
    /// What it was generated from.
    pub params: Params,
    /// Every distinct word users may save.
    pub vocabulary: Vec<String>,
    /// The users, in generation order.
    pub users: Vec<User>,
}

const SYLLABLES: [&str; 48] = [
    "ab", "ac", "al", "an", "ar", "ba", "be", "bi", "ca", "ce", "co", "da", "de", "di", "do", "el",
    "en", "er", "es", "fa", "fi", "ga", "in", "is", "la", "le", "li", "lo", "ma", "me", "mi", "mo",
    "na", "ne", "no", "or", "pa", "pe", "ra", "re", "ri", "ro", "sa", "se", "ta", "te", "ti", "to",
];

impl DataSet {
    /// Generates the data set for `params`; the same params always give the same data set.
    pub fn generate(params: Params) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        let vocabulary = vocabulary(&mut rng, (params.words_per_user * 100).max(1_000));
        let users = (0..params.users)
            .map(|_| {
                let id = uuid::Builder::from_random_bytes(rng.random()).into_uuid();
                let native_language = NATIVE_LANGUAGES[rng.random_range(0..NATIVE_LANGUAGES.len())];
                // Popular words are saved more often (squared uniform: a long tail), as in a real
                // vocabulary app; a user saves each word once.
                let mut words = Vec::with_capacity(params.words_per_user);
                while words.len() < params.words_per_user.min(vocabulary.len()) {
                    let u: f64 = rng.random();
                    let index = ((u * u) * vocabulary.len() as f64) as u32;
                    if !words.contains(&index) {
                        words.push(index);
                    }
                }
                User {
                    id,
                    native_language,
                    words,
                }
            })
            .collect();
        Self {
            params,
            vocabulary,
            users,
        }
    }

    /// The text of vocabulary entry `index`.
    pub fn word(&self, index: u32) -> &str {
        &self.vocabulary[index as usize]
    }

    /// A seeded generator for the reviews, independent of the users' stream.
    pub fn review_rng(&self) -> ChaCha8Rng {
        ChaCha8Rng::seed_from_u64(self.params.seed ^ 0x5eed_0f4e_u64)
    }
}

/// `count` distinct pseudo-words of two to four syllables.
fn vocabulary(rng: &mut ChaCha8Rng, count: usize) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(count);
    let mut words = Vec::with_capacity(count);
    while words.len() < count {
        let syllables = rng.random_range(2..=4);
        let word: String = (0..syllables)
            .map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())])
            .collect();
        if seen.insert(word.clone()) {
            words.push(word);
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_data_set() {
        let params = Params {
            users: 20,
            ..Params::default()
        };
        let (a, b) = (DataSet::generate(params), DataSet::generate(params));
        assert_eq!(a.vocabulary, b.vocabulary);
        assert_eq!(
            a.users
                .iter()
                .map(|u| (u.id, u.words.clone()))
                .collect::<Vec<_>>(),
            b.users
                .iter()
                .map(|u| (u.id, u.words.clone()))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn every_user_saves_distinct_words() {
        let data = DataSet::generate(Params {
            users: 50,
            ..Params::default()
        });
        for user in &data.users {
            let mut words = user.words.clone();
            words.sort_unstable();
            words.dedup();
            assert_eq!(words.len(), 50, "user {}", user.id);
        }
    }
}

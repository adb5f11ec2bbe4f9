//! Multiple-choice review questions: the question types the iOS client renders, the
//! checks a generated question must pass, the reshuffle on every serve, and the
//! `mc_word` question built from a cached definition without any provider call.

use serde::{Deserialize, Serialize};

/// The question types the iOS client renders (its UI switch); anything else shows a
/// "Loading..." placeholder, so the server only ever sends these.
pub const QUESTION_TYPES: [&str; 7] = [
    "mc_definition",
    "mc_word",
    "fill_blank",
    "pronounce_sentence",
    "video_mc",
    "mc_def_native",
    "mc_quote",
];

/// The ids of the options, in order.
pub const CHOICE_IDS: [&str; 4] = ["A", "B", "C", "D"];

/// Fewest and most options of a multiple-choice question.
pub const MIN_CHOICES: usize = 2;
/// See [`MIN_CHOICES`].
pub const MAX_CHOICES: usize = 4;

/// One answer of a multiple-choice question. The client compares `correct_answer`
/// with `id` (a string such as `"A"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    /// `"A"`..`"D"`.
    pub id: String,
    /// The answer, in the learning language.
    pub text: String,
    /// The answer in the native language, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_native: Option<String>,
}

/// Checks a multiple-choice question: 2 to 4 options whose ids are `A`, `B`... in
/// order, whose texts are non-empty and pairwise different (ignoring case and
/// surrounding space), and a `correct` id among them. The error says what is wrong.
pub fn check_choices(options: &[Choice], correct: &str) -> Result<(), String> {
    if !(MIN_CHOICES..=MAX_CHOICES).contains(&options.len()) {
        return Err(format!(
            "expected {MIN_CHOICES} to {MAX_CHOICES} options, got {}",
            options.len()
        ));
    }
    let mut seen: Vec<String> = Vec::with_capacity(options.len());
    for (option, expected_id) in options.iter().zip(CHOICE_IDS) {
        if option.id != expected_id {
            return Err(format!(
                "option ids must be A, B, C, D in order; found {:?}",
                option.id
            ));
        }
        let key = option.text.trim().to_lowercase();
        if key.is_empty() {
            return Err(format!("option {} is empty", option.id));
        }
        if seen.contains(&key) {
            return Err(format!("option {} repeats another option", option.id));
        }
        seen.push(key);
    }
    if !options.iter().any(|o| o.id == correct) {
        return Err(format!("correct_answer {correct:?} is not an option id"));
    }
    Ok(())
}

/// The options in a new order given by `seed`, relabelled `A`, `B`... in that order,
/// and the new id of the correct one. The original reshuffled on every serve so that
/// the right answer is not always in the same place; a cached question is stored in
/// its generated order and shuffled here. Options that are not a valid question (see
/// [`check_choices`]) are returned unchanged.
pub fn shuffle_choices(options: &[Choice], correct: &str, seed: u64) -> (Vec<Choice>, String) {
    if check_choices(options, correct).is_err() {
        return (options.to_vec(), correct.to_owned());
    }
    let mut order: Vec<usize> = (0..options.len()).collect();
    let mut state = seed;
    // Fisher-Yates with splitmix64 as the source.
    for i in (1..order.len()).rev() {
        let j = usize::try_from(splitmix64(&mut state) % (i as u64 + 1)).unwrap_or(0);
        order.swap(i, j);
    }
    let mut new_correct = correct.to_owned();
    let shuffled = order
        .iter()
        .zip(CHOICE_IDS)
        .filter_map(|(&from, id)| {
            let option = options.get(from)?;
            if option.id == correct {
                new_correct = id.to_owned();
            }
            Some(Choice {
                id: id.to_owned(),
                ..option.clone()
            })
        })
        .collect();
    (shuffled, new_correct)
}

/// The options of an `mc_word` question ("which word means ...?") for `word`: the word
/// itself and up to three `others` (the user's other saved words), different from it
/// and from each other, in the order given (shuffle them afterwards). `None` when no
/// other word is available: a question needs two options.
pub fn word_choices(word: &str, others: &[String]) -> Option<(Vec<Choice>, String)> {
    let mut texts: Vec<&str> = vec![word];
    for other in others {
        let other = other.trim();
        if texts.len() == MAX_CHOICES {
            break;
        }
        if !other.is_empty() && !texts.iter().any(|t| t.eq_ignore_ascii_case(other)) {
            texts.push(other);
        }
    }
    if texts.len() < MIN_CHOICES {
        return None;
    }
    let options = texts
        .iter()
        .zip(CHOICE_IDS)
        .map(|(text, id)| Choice {
            id: id.to_owned(),
            text: (*text).to_owned(),
            text_native: None,
        })
        .collect();
    Some((options, "A".to_owned()))
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices(texts: &[&str]) -> Vec<Choice> {
        texts
            .iter()
            .zip(CHOICE_IDS)
            .map(|(t, id)| Choice {
                id: id.to_owned(),
                text: (*t).to_owned(),
                text_native: Some(format!("{t}-zh")),
            })
            .collect()
    }

    #[test]
    fn well_formed_questions_pass_the_check() {
        assert_eq!(check_choices(&choices(&["a", "b"]), "B"), Ok(()));
        assert_eq!(check_choices(&choices(&["a", "b", "c", "d"]), "D"), Ok(()));
    }

    #[test]
    fn each_malformed_question_is_refused_with_a_reason() {
        let mut five = choices(&["a", "b", "c", "d"]);
        five.push(Choice {
            id: "E".into(),
            text: "e".into(),
            text_native: None,
        });
        let mut out_of_order = choices(&["a", "b"]);
        out_of_order[1].id = "C".into();
        let cases: Vec<(Vec<Choice>, &str, &str)> = vec![
            (choices(&["a"]), "A", "expected 2 to 4 options"),
            (five, "A", "expected 2 to 4 options"),
            (out_of_order, "A", "option ids must be"),
            (choices(&["a", " "]), "A", "option B is empty"),
            (choices(&["Cat", "cat "]), "A", "option B repeats"),
            (choices(&["a", "b"]), "C", "correct_answer \"C\""),
        ];
        for (options, correct, expected) in cases {
            let error = check_choices(&options, correct).expect_err(expected);
            assert!(error.starts_with(expected), "{expected}: got {error}");
        }
    }

    #[test]
    fn shuffling_relabels_in_order_and_follows_the_correct_answer() {
        let options = choices(&["right", "w1", "w2", "w3"]);
        let mut positions = std::collections::HashSet::new();
        for seed in 0..64 {
            let (shuffled, correct) = shuffle_choices(&options, "A", seed);
            assert_eq!(check_choices(&shuffled, &correct), Ok(()), "seed {seed}");
            let right = shuffled.iter().find(|o| o.id == correct).expect("correct");
            assert_eq!(right.text, "right", "seed {seed}");
            assert_eq!(right.text_native.as_deref(), Some("right-zh"));
            positions.insert(correct);
        }
        assert_eq!(positions.len(), 4, "the right answer moves around");
        assert_eq!(
            shuffle_choices(&options, "A", 7),
            shuffle_choices(&options, "A", 7),
            "one seed, one order"
        );
    }

    #[test]
    fn word_choices_need_another_word_and_take_at_most_three() {
        assert_eq!(word_choices("cat", &[]), None);
        assert_eq!(word_choices("cat", &["Cat".into(), " ".into()]), None);
        let (options, correct) = word_choices(
            "cat",
            &[
                "dog".into(),
                "dog".into(),
                "fox".into(),
                "owl".into(),
                "eel".into(),
            ],
        )
        .expect("enough words");
        let texts: Vec<&str> = options.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(texts, vec!["cat", "dog", "fox", "owl"]);
        assert_eq!(correct, "A");
        assert_eq!(check_choices(&options, &correct), Ok(()));
    }
}

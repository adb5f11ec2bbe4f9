//! Multiple-choice questions: a word's meaning (`mc_definition`) and a word as a movie
//! clip uses it (`video_mc`), checked beyond the schema (2 to 4 options labelled `A`..,
//! distinct non-empty texts, a correct answer among them).

use std::time::Instant;

use domain::Choice;
use serde::Deserialize;
use serde_json::Value;

use crate::AiError;
use crate::client::Ai;
use crate::config::Use;
use crate::prompts::{self, Prompt};
use crate::transport::Transport;

/// A generated multiple-choice question that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Question {
    /// The question, trimmed, not empty.
    pub question_text: String,
    /// 2 to 4 answers labelled `A`, `B`... ([`domain::check_choices`]).
    pub options: Vec<Choice>,
    /// The id of the right answer.
    pub correct_answer: String,
    /// Why that answer is right.
    pub explanation: String,
}

impl<T: Transport> Ai<T> {
    /// An `mc_definition` question on `word`, whose answers come with their
    /// `native_language` translation. `meaning` (the cached definition's first sense)
    /// pins the sense to test; without it the model picks the most common one.
    pub fn question(
        &mut self,
        word: &str,
        learning_language: &str,
        native_language: &str,
        meaning: Option<&str>,
        deadline: Instant,
    ) -> Result<Question, AiError> {
        let text = prompts::QUESTION.render(&[
            ("word", word),
            ("learning_language", learning_language),
            ("native_language", native_language),
            ("meaning", meaning.unwrap_or("its most common meaning")),
        ]);
        self.checked_question(&prompts::QUESTION, &text, deadline, true)
    }

    /// A `video_mc` question on `word` as the clip whose speech is `transcript` uses it.
    pub fn video_question(
        &mut self,
        word: &str,
        learning_language: &str,
        transcript: &str,
        deadline: Instant,
    ) -> Result<Question, AiError> {
        let text = prompts::VIDEO_QUESTION.render(&[
            ("word", word),
            ("learning_language", learning_language),
            ("transcript", transcript),
        ]);
        self.checked_question(&prompts::VIDEO_QUESTION, &text, deadline, false)
    }

    fn checked_question(
        &mut self,
        prompt: &Prompt,
        text: &str,
        deadline: Instant,
        needs_native: bool,
    ) -> Result<Question, AiError> {
        self.chat_checked(Use::Question, prompt, text, deadline, |answer| {
            check_question(answer, needs_native)
        })
    }
}

/// A seed for [`reshuffle`] from the clock, so that each serve orders the options anew.
pub fn shuffle_seed() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs().wrapping_mul(1_000_000_007) ^ u64::from(d.subsec_nanos()))
        .unwrap_or(0)
}

/// A stored multiple-choice question ready to serve: `None` unless it has a non-empty
/// `question_text` and options that pass [`domain::check_choices`] with its
/// `correct_answer` (the iOS client fails a whole batch on one malformed question);
/// otherwise the question with its options reordered by `seed`, relabelled `A`.. and
/// `correct_answer` following the right one. Every other key is kept.
pub fn reshuffle(stored: &Value, seed: u64) -> Option<Value> {
    let text = stored.get("question_text")?.as_str()?;
    if text.trim().is_empty() {
        return None;
    }
    let options: Vec<Choice> = serde_json::from_value(stored.get("options")?.clone()).ok()?;
    let correct = stored.get("correct_answer")?.as_str()?;
    domain::check_choices(&options, correct).ok()?;
    let (options, correct) = domain::shuffle_choices(&options, correct, seed);
    let mut served = stored.clone();
    let object = served.as_object_mut()?;
    object.insert("options".to_owned(), serde_json::to_value(options).ok()?);
    object.insert("correct_answer".to_owned(), Value::from(correct));
    Some(served)
}

/// The question in a schema-valid answer, trimmed, if it is usable.
fn check_question(answer: &Value, needs_native: bool) -> Result<Question, String> {
    let mut question: Question = serde_json::from_value(answer.clone())
        .map_err(|e| format!("answer is not a question: {e}"))?;
    question.question_text = question.question_text.trim().to_owned();
    question.explanation = question.explanation.trim().to_owned();
    if question.question_text.is_empty() {
        return Err("question_text is empty".to_owned());
    }
    for option in &mut question.options {
        option.text = option.text.trim().to_owned();
        option.text_native = option
            .text_native
            .take()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        if needs_native && option.text_native.is_none() {
            return Err(format!("option {} has no text_native", option.id));
        }
    }
    domain::check_choices(&question.options, &question.correct_answer)?;
    Ok(question)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer() -> Value {
        json!({
            "question_text": " What does \"cat\" mean? ",
            "options": [
                {"id": "A", "text": "a small pet", "text_native": "小宠物"},
                {"id": "B", "text": "a large boat", "text_native": "大船"}
            ],
            "correct_answer": "A",
            "explanation": "A cat is a pet."
        })
    }

    #[test]
    fn stored_questions_are_reshuffled_and_malformed_ones_refused() {
        let stored = json!({
            "question_type": "mc_definition", "word": "cat", "question_text": "Q?",
            "options": [
                {"id": "A", "text": "right", "text_native": "对"},
                {"id": "B", "text": "w1"}, {"id": "C", "text": "w2"}, {"id": "D", "text": "w3"}
            ],
            "correct_answer": "A", "explanation": "e"
        });
        for seed in 0..16 {
            let served = reshuffle(&stored, seed).expect("valid");
            let correct = served["correct_answer"].as_str().unwrap_or_default();
            let right = served["options"]
                .as_array()
                .and_then(|o| o.iter().find(|o| o["id"] == correct))
                .expect("the correct option");
            assert_eq!(right["text"], "right");
            assert_eq!(right["text_native"], "对");
            assert_eq!(served["explanation"], "e");
        }
        let mut broken = stored.clone();
        broken["correct_answer"] = json!("E");
        assert_eq!(reshuffle(&broken, 1), None);
        let mut numeric_ids = stored.clone();
        numeric_ids["options"][0]["id"] = json!(1);
        assert_eq!(reshuffle(&numeric_ids, 1), None);
        assert_eq!(reshuffle(&json!({"question_text": "Q?"}), 1), None);
    }

    #[test]
    fn a_good_answer_is_trimmed_and_kept() {
        let question = check_question(&answer(), true).expect("usable");
        assert_eq!(question.question_text, "What does \"cat\" mean?");
        assert_eq!(question.options.len(), 2);
        assert_eq!(question.correct_answer, "A");
    }

    #[test]
    fn schema_valid_but_unusable_answers_are_failed_attempts() {
        let mut no_native = answer();
        no_native["options"][1]["text_native"] = json!(" ");
        let mut wrong_correct = answer();
        wrong_correct["correct_answer"] = json!("C");
        let mut one_option = answer();
        one_option["options"] = json!([{"id": "A", "text": "x", "text_native": "y"}]);
        let mut blank = answer();
        blank["question_text"] = json!("  ");
        for (case, value, needs_native) in [
            ("no translation", no_native.clone(), true),
            ("correct answer not an option", wrong_correct, true),
            ("one option", one_option, true),
            ("blank question", blank, true),
        ] {
            assert!(check_question(&value, needs_native).is_err(), "{case}");
        }
        assert!(
            check_question(&no_native, false).is_ok(),
            "video questions need no translation"
        );
    }
}

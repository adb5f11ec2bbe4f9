//! Multiple-choice review questions: a word in a famous quote (`mc_quote`), a word's
//! meaning in the native language (`mc_def_native`) and a word as a movie clip uses it
//! (`video_mc`), checked beyond the schema (2 to 4 options labelled `A`.., distinct
//! non-empty texts, a correct answer among them), and each in the shape it is stored in
//! (`review_questions` / `video_questions`) and served.

use std::time::Instant;

use domain::Choice;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::AiError;
use crate::client::Ai;
use crate::config::Use;
use crate::prompts::{self, Prompt};
use crate::transport::Transport;

/// `question_type` of a question on a famous quote.
pub const MC_QUOTE: &str = "mc_quote";
/// `question_type` of a question whose answers are meanings in the native language.
pub const MC_DEF_NATIVE: &str = "mc_def_native";
/// `question_type` of a question on a movie clip.
pub const VIDEO_MC: &str = "video_mc";

/// A generated multiple-choice question that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct Question {
    question_text: String,
    options: Vec<Choice>,
    correct_answer: String,
    explanation: String,
}

/// A generated `mc_quote` answer that passed every check.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct QuoteQuestion {
    question_text: String,
    quote: Option<String>,
    quote_source: String,
    quote_translation: String,
    options: Vec<Choice>,
    correct_answer: String,
}

impl<T: Transport> Ai<T> {
    /// The stored `mc_quote` question on `word`, or `None` when the model knows no famous
    /// quote containing it (a refusal is an answer: no other model is asked).
    /// `meaning` (the cached definition's first sense) pins the sense to test.
    pub fn quote_question(
        &mut self,
        word: &str,
        learning_language: &str,
        native_language: &str,
        meaning: Option<&str>,
        deadline: Instant,
    ) -> Result<Option<Value>, AiError> {
        let text = prompts::QUOTE_QUESTION.render(&[
            ("word", word),
            ("learning_language", learning_language),
            ("native_language", native_language),
            ("meaning", meaning.unwrap_or("its most common meaning")),
        ]);
        let prompt = &prompts::QUOTE_QUESTION;
        let answer = self.chat_checked(Use::Question, prompt, &text, deadline, |answer| {
            check_quote(answer, word)
        })?;
        Ok(answer.map(|q| {
            json!({
                "question_type": MC_QUOTE,
                "word": word,
                "question_text": q.question_text,
                "quote": q.quote,
                "quote_source": q.quote_source,
                "quote_translation": q.quote_translation,
                "options": q.options,
                "correct_answer": q.correct_answer,
            })
        }))
    }

    /// The stored `mc_def_native` question on `word`: its meaning among answers written
    /// in `native_language`.
    pub fn def_native_question(
        &mut self,
        word: &str,
        learning_language: &str,
        native_language: &str,
        meaning: Option<&str>,
        deadline: Instant,
    ) -> Result<Value, AiError> {
        let text = prompts::DEF_NATIVE_QUESTION.render(&[
            ("word", word),
            ("learning_language", learning_language),
            ("native_language", native_language),
            ("meaning", meaning.unwrap_or("its most common meaning")),
        ]);
        let q = self.checked_question(&prompts::DEF_NATIVE_QUESTION, &text, deadline)?;
        Ok(json!({
            "question_type": MC_DEF_NATIVE,
            "word": word,
            "question_text": q.question_text,
            "options": q.options,
            "correct_answer": q.correct_answer,
            "explanation": q.explanation,
        }))
    }

    /// The stored `video_mc` question on `word` as the clip `video_id`, whose speech is
    /// `transcript`, uses it (one per clip, word and learning language).
    pub fn video_question(
        &mut self,
        word: &str,
        learning_language: &str,
        video_id: i32,
        transcript: &str,
        deadline: Instant,
    ) -> Result<Value, AiError> {
        let text = prompts::VIDEO_QUESTION.render(&[
            ("word", word),
            ("learning_language", learning_language),
            ("transcript", transcript),
        ]);
        let q = self.checked_question(&prompts::VIDEO_QUESTION, &text, deadline)?;
        Ok(json!({
            "question_type": VIDEO_MC,
            "word": word,
            "video_id": video_id,
            "audio_transcript": transcript,
            "question_text": q.question_text,
            "show_word_before_video": false,
            "options": q.options,
            "correct_answer": q.correct_answer,
            "explanation": q.explanation,
        }))
    }

    fn checked_question(
        &mut self,
        prompt: &Prompt,
        text: &str,
        deadline: Instant,
    ) -> Result<Question, AiError> {
        self.chat_checked(Use::Question, prompt, text, deadline, check_question)
    }
}

/// What `review_questions` keeps for a word the model knows no quote for, so that it
/// is not asked again; it is never served ([`reshuffle`] refuses it).
pub fn no_quote(word: &str) -> Value {
    json!({"question_type": MC_QUOTE, "word": word, "no_quote": true})
}

/// Whether a stored `mc_quote` row is [`no_quote`]'s marker.
pub fn is_no_quote(stored: &Value) -> bool {
    stored.get("no_quote") == Some(&Value::Bool(true))
}

/// A stored `video_mc` question ready to serve ([`reshuffle`]), with `video_metadata`
/// taken from the clip's stored metadata when it has any.
pub fn serve_video_question(stored: &Value, clip_metadata: &Value, seed: u64) -> Option<Value> {
    let mut question = reshuffle(stored, seed)?;
    if let (Some(object), Some(meta)) = (question.as_object_mut(), video_metadata(clip_metadata)) {
        object.insert("video_metadata".to_owned(), meta);
    }
    Some(question)
}

/// `video_metadata` from a clip's stored metadata: `movie_title` and `title` when
/// strings, `movie_year` when an integer (or digits); `None` when none is there. The
/// client decodes `movie_year` as an Int, so nothing else may pass.
fn video_metadata(metadata: &Value) -> Option<Value> {
    let mut out = Map::new();
    for key in ["movie_title", "title"] {
        if let Some(text) = metadata.get(key).and_then(Value::as_str) {
            out.insert(key.to_owned(), Value::from(text));
        }
    }
    let year = match metadata.get("movie_year") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    if let Some(year) = year {
        out.insert("movie_year".to_owned(), Value::from(year));
    }
    (!out.is_empty()).then_some(Value::Object(out))
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

/// Trims the options' texts and checks them ([`domain::check_choices`]).
fn check_options(options: &mut [Choice], correct: &str) -> Result<(), String> {
    for option in options.iter_mut() {
        option.text = option.text.trim().to_owned();
        option.text_native = option
            .text_native
            .take()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
    }
    domain::check_choices(options, correct)
}

/// The question in a schema-valid answer, trimmed, if it is usable.
fn check_question(answer: &Value) -> Result<Question, String> {
    let mut question: Question = serde_json::from_value(answer.clone())
        .map_err(|e| format!("answer is not a question: {e}"))?;
    question.question_text = question.question_text.trim().to_owned();
    question.explanation = question.explanation.trim().to_owned();
    if question.question_text.is_empty() {
        return Err("question_text is empty".to_owned());
    }
    check_options(&mut question.options, &question.correct_answer)?;
    Ok(question)
}

/// The quote question in a schema-valid answer, trimmed, if it is usable: `None` for a
/// refusal (a null quote); otherwise the quote must contain `word` and every text be
/// filled in.
fn check_quote(answer: &Value, word: &str) -> Result<Option<QuoteQuestion>, String> {
    let mut q: QuoteQuestion = serde_json::from_value(answer.clone())
        .map_err(|e| format!("answer is not a quote question: {e}"))?;
    let Some(quote) = q.quote.as_deref().map(str::trim) else {
        return Ok(None);
    };
    if !quote.to_lowercase().contains(&word.to_lowercase()) {
        return Err(format!("the quote does not contain {word:?}"));
    }
    q.quote = Some(quote.to_owned());
    for (name, text) in [
        ("question_text", &mut q.question_text),
        ("quote_source", &mut q.quote_source),
        ("quote_translation", &mut q.quote_translation),
    ] {
        *text = text.trim().to_owned();
        if text.is_empty() {
            return Err(format!("{name} is empty"));
        }
    }
    check_options(&mut q.options, &q.correct_answer)?;
    Ok(Some(q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer() -> Value {
        json!({
            "question_text": " What does \"cat\" mean? ",
            "options": [
                {"id": "A", "text": "a small pet"},
                {"id": "B", "text": "a large boat"}
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
        let question = check_question(&answer()).expect("usable");
        assert_eq!(question.question_text, "What does \"cat\" mean?");
        assert_eq!(question.options.len(), 2);
        assert_eq!(question.correct_answer, "A");
    }

    #[test]
    fn schema_valid_but_unusable_answers_are_failed_attempts() {
        let mut wrong_correct = answer();
        wrong_correct["correct_answer"] = json!("C");
        let mut one_option = answer();
        one_option["options"] = json!([{"id": "A", "text": "x"}]);
        let mut same_twice = answer();
        same_twice["options"][1]["text"] = json!(" A small pet ");
        let mut blank = answer();
        blank["question_text"] = json!("  ");
        for (case, value) in [
            ("correct answer not an option", wrong_correct),
            ("one option", one_option),
            ("the same answer twice", same_twice),
            ("blank question", blank),
        ] {
            assert!(check_question(&value).is_err(), "{case}");
        }
    }

    fn quote_answer() -> Value {
        json!({
            "question_text": "What does \"be\" mean here?",
            "quote": " To be, or not to be. ",
            "quote_source": "Shakespeare, Hamlet",
            "quote_translation": "生存还是毁灭。",
            "options": [{"id": "A", "text": "to exist"}, {"id": "B", "text": "to leave"}],
            "correct_answer": "A"
        })
    }

    #[test]
    fn a_quote_must_contain_the_word_and_a_null_quote_is_a_refusal() {
        let question = check_quote(&quote_answer(), "Be").expect("usable");
        assert_eq!(
            question.and_then(|q| q.quote),
            Some("To be, or not to be.".to_owned())
        );

        let mut refusal = quote_answer();
        refusal["quote"] = Value::Null;
        refusal["options"] = json!([]);
        assert_eq!(check_quote(&refusal, "be"), Ok(None));

        assert!(check_quote(&quote_answer(), "kite").is_err(), "wrong word");
        let mut no_source = quote_answer();
        no_source["quote_source"] = json!(" ");
        assert!(check_quote(&no_source, "be").is_err(), "no source");
        let mut one_option = quote_answer();
        one_option["options"] = json!([{"id": "A", "text": "to exist"}]);
        assert!(check_quote(&one_option, "be").is_err(), "one option");
    }

    #[test]
    fn the_no_quote_marker_is_never_served() {
        let marker = no_quote("kite");
        assert!(is_no_quote(&marker));
        assert!(!is_no_quote(&quote_answer()));
        assert_eq!(reshuffle(&marker, 7), None);
    }

    #[test]
    fn video_questions_carry_the_clips_metadata_with_an_integer_year() {
        let stored = json!({
            "question_type": "video_mc", "word": "cat", "video_id": 3, "question_text": "Q?",
            "options": [{"id": "A", "text": "right"}, {"id": "B", "text": "wrong"}],
            "correct_answer": "A"
        });
        let metadata = json!({"movie_title": "Cats", "movie_year": " 1999 ", "extra": 1});
        let served = serve_video_question(&stored, &metadata, 1).expect("valid");
        assert_eq!(
            served["video_metadata"],
            json!({"movie_title": "Cats", "movie_year": 1999})
        );
        let bad_year = json!({"movie_year": "nineties"});
        let served = serve_video_question(&stored, &bad_year, 1).expect("valid");
        assert_eq!(served.get("video_metadata"), None);
    }
}

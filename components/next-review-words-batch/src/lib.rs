//! `GET /v3/next-review-words-batch?user_id&count=10&exclude_words=a,b`: up to `count`
//! words to review, each with a question.
//!
//! One statement reads the words: the user's due words, most overdue first, then, when
//! fewer are due, unsaved bundle words (`BUNDLE`, `EVERYDAY`, `RANDOM`, see
//! `queries::REVIEW_BATCH`), with each word's cached questions, definition, audio, clip
//! and wrong answers; `exclude_words` applies to every group. A filler word needs a
//! definition: one without a cached one may get it generated, for at most
//! [`MAX_DEFINITIONS`] word per request; a filler that still has none is skipped.
//!
//! Each word gets the first question of its chain that is cached or can be generated:
//! `video_mc` (when the word has a clip with an audio transcript, at most 5 MiB; shared
//! with `GET /v3/api/video-questions-for-word`), `mc_quote` (the model may know no
//! quote, which is remembered), `mc_def_native`, and last an `mc_word` built from the
//! cached definition and other words without the provider (not stored). At most
//! [`MAX_GENERATIONS`] questions are generated per request, everything within
//! `ai::Use::Question`'s budget (5 s); a failed, invalid or late answer falls through to
//! the next question of the chain and is not stored. A second statement stores what
//! was generated. Options are reshuffled on every serve.

use std::collections::BTreeMap;
use std::time::Instant;

use domain::{InvalidValue, LanguageCode, Word};
use serde::Deserialize;
use serde_json::{Value, json};
use spin_sdk::http::{Method, Request, ResponseOutparam};

/// At most this many questions are generated in one request; the client asks again.
const MAX_GENERATIONS: usize = 2;
/// At most this many filler definitions are generated in one request.
const MAX_DEFINITIONS: usize = 1;
/// `count` bounds and default.
const COUNT: (i64, i64, i64) = (1, 20, 10);
/// Most words `exclude_words` may list.
const MAX_EXCLUDED: usize = 500;
/// Clips larger than this are not asked about (the client downloads them whole).
const MAX_VIDEO_BYTES: i32 = 5 * 1024 * 1024;

const ROUTE: &str = "GET /v3/next-review-words-batch";

#[derive(Deserialize)]
struct Row {
    saved_word_id: Option<i32>,
    word: String,
    learning_language: String,
    native_language: String,
    source: String,
    total_available: i64,
    questions: Option<Value>,
    definition_data: Option<Value>,
    audio_texts: Vec<String>,
    video_id: Option<i32>,
    video_transcript: Option<String>,
    video_metadata: Option<Value>,
    video_question: Option<Value>,
    other_words: Vec<String>,
}

#[derive(Deserialize)]
struct Stored {
    kind: String,
    word: String,
    learning_language: String,
    native_language: Option<String>,
    question_type: Option<String>,
    video_id: Option<i32>,
    data: Value,
    audio_texts: Vec<String>,
}

/// A word and its languages.
type Key = (String, String, String);
/// A clip, word and learning language: the key of `video_questions`.
type ClipKey = (i32, String, String);

fn key(word: &str, learning: &str, native: &str) -> Key {
    (word.to_owned(), learning.to_owned(), native.to_owned())
}

fn row_key(row: &Row) -> Key {
    key(&row.word, &row.learning_language, &row.native_language)
}

fn parse_count(raw: &str) -> Result<i64, InvalidValue> {
    let (min, max, _) = COUNT;
    let count: i64 = raw
        .parse()
        .map_err(|_| InvalidValue::WrongType("an integer"))?;
    if (min..=max).contains(&count) {
        Ok(count)
    } else {
        Err(InvalidValue::OutOfRange { min, max })
    }
}

fn parse_excluded(raw: &str) -> Result<Vec<String>, InvalidValue> {
    let words: Vec<String> = raw
        .split(',')
        .filter(|w| !w.trim().is_empty())
        .map(|w| Word::parse(w).map(|w| w.as_str().to_owned()))
        .collect::<Result<_, _>>()?;
    if words.len() > MAX_EXCLUDED {
        return Err(InvalidValue::OutOfRange {
            min: 0,
            max: MAX_EXCLUDED as i64,
        });
    }
    Ok(words)
}

fn language_name(code: &str) -> &str {
    match LanguageCode::parse(code) {
        Ok(language) => language.name(),
        Err(_) => code,
    }
}

/// The first sense of a definition, to pin the sense a question tests.
fn first_sense(definition: Option<&Value>) -> Option<&str> {
    definition?
        .pointer("/definitions/0/definition")?
        .as_str()
        .filter(|s| !s.trim().is_empty())
}

/// Whether a definition has what the client requires of every sense (`definition`,
/// `examples` as strings, `type` or `part_of_speech`): one sense it cannot decode fails
/// the whole batch, so such a definition is not sent.
fn decodable(definition: &Value) -> bool {
    let strings = |v: Option<&Value>| {
        v.and_then(Value::as_array)
            .is_some_and(|a| a.iter().all(Value::is_string))
    };
    definition
        .get("definitions")
        .and_then(Value::as_array)
        .is_some_and(|senses| {
            senses.iter().all(|s| {
                s.get("definition").is_some_and(Value::is_string)
                    && strings(s.get("examples"))
                    && (s.get("type").is_some_and(Value::is_string)
                        || s.get("part_of_speech").is_some_and(Value::is_string))
            })
        })
}

/// A word's definition as a batch item carries it: the data and which of its texts
/// have audio.
struct Definition {
    data: Value,
    audio_texts: Vec<String>,
}

impl Definition {
    /// The `GET /v3/word` shape (without `validation`).
    fn to_json(&self, word: &str, learning: &str, native: &str) -> Value {
        let has_audio = |text: &str| self.audio_texts.iter().any(|t| t == text);
        let example_audio: BTreeMap<&str, bool> = self
            .data
            .pointer("/definitions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|sense| sense.get("examples").and_then(Value::as_array))
            .flatten()
            .filter_map(Value::as_str)
            .map(|text| (text, has_audio(text)))
            .collect();
        let word_audio = has_audio(word);
        let complete = word_audio && example_audio.values().all(|present| *present);
        let score = self
            .data
            .get("valid_word_score")
            .and_then(Value::as_f64)
            .unwrap_or(1.0);
        json!({
            "word": word,
            "learning_language": learning,
            "native_language": native,
            "definition_data": self.data,
            "audio_references": {"example_audio": example_audio, "word_audio": word_audio},
            "audio_generation_status": if complete { "complete" } else { "on_demand" },
            "valid_word_score": score,
            "suggestion": self.data.get("suggestion").and_then(Value::as_str),
        })
    }
}

/// Where a word's question comes from; the stored (unshuffled) question goes with it.
enum Origin {
    /// A `video_mc` question on this clip (its stored metadata).
    Video(ClipKey, Value),
    /// A `review_questions` row of this type.
    Review(&'static str),
    /// Built here, already shuffled, never stored.
    Local,
}

struct Chosen {
    origin: Origin,
    question: Value,
    generated: bool,
}

/// A stored question that can be served.
fn servable(question: &Value) -> bool {
    ai::reshuffle(question, 0).is_some()
}

/// The provider work of one request: what may still be generated, and what was.
struct Generator {
    ai: ai::Ai,
    deadline: Instant,
    questions_left: usize,
    definitions_left: usize,
    /// Set after a timeout or a refused host: nothing more is asked.
    stopped: bool,
    definitions: BTreeMap<Key, Value>,
    questions: BTreeMap<(Key, &'static str), Value>,
    videos: BTreeMap<ClipKey, Value>,
}

impl Generator {
    fn new(started: Instant) -> Generator {
        Generator {
            ai: ai::Ai::from_variables(&[ai::Use::Definition, ai::Use::Question]),
            deadline: started + ai::Use::Question.budget(),
            questions_left: MAX_GENERATIONS,
            definitions_left: MAX_DEFINITIONS,
            stopped: false,
            definitions: BTreeMap::new(),
            questions: BTreeMap::new(),
            videos: BTreeMap::new(),
        }
    }

    /// Whether a generation of `use_` may still run.
    fn may(&self, use_: ai::Use) -> bool {
        let left = match use_ {
            ai::Use::Definition => self.definitions_left,
            _ => self.questions_left,
        };
        left > 0 && !self.stopped && self.ai.is_configured(use_) && Instant::now() < self.deadline
    }

    /// Takes one generation of `use_` from the budget if it may run.
    fn take(&mut self, use_: ai::Use) -> bool {
        if !self.may(use_) {
            return false;
        }
        match use_ {
            ai::Use::Definition => self.definitions_left -= 1,
            _ => self.questions_left -= 1,
        }
        true
    }

    /// The answer, or `None` after logging why there is none.
    fn answer<R>(&mut self, word: &str, result: Result<R, ai::AiError>) -> Option<R> {
        match result {
            Ok(answer) => Some(answer),
            Err(e) => {
                eprintln!("{ROUTE}: {e} for {word:?}; attempts: {:?}", e.attempts());
                if !matches!(e, ai::AiError::Failed(..)) {
                    self.stopped = true;
                }
                None
            }
        }
    }

    fn definition(&mut self, row: &Row) -> Option<Value> {
        if !self.take(ai::Use::Definition) {
            return None;
        }
        let result = self.ai.definition(
            &row.word,
            language_name(&row.learning_language),
            language_name(&row.native_language),
            self.deadline,
        );
        let data = self.answer(&row.word, result).filter(decodable)?;
        self.definitions.insert(row_key(row), data.clone());
        Some(data)
    }

    fn video(&mut self, row: &Row, clip: &ClipKey, transcript: &str) -> Option<Value> {
        if !self.take(ai::Use::Question) {
            return None;
        }
        let result = self.ai.video_question(
            &row.word,
            language_name(&row.learning_language),
            clip.0,
            transcript,
            self.deadline,
        );
        let question = self.answer(&row.word, result)?;
        self.videos.insert(clip.clone(), question.clone());
        Some(question)
    }

    /// Generates the question `kind` (`mc_quote` or `mc_def_native`) for `row`. A word
    /// with no famous quote gets [`ai::no_quote`]'s marker stored, and `None`.
    fn review(&mut self, row: &Row, kind: &'static str, meaning: Option<&str>) -> Option<Value> {
        if !self.take(ai::Use::Question) {
            return None;
        }
        let (word, deadline) = (row.word.as_str(), self.deadline);
        let (learning, native) = (
            language_name(&row.learning_language),
            language_name(&row.native_language),
        );
        let question = if kind == ai::MC_QUOTE {
            let result = self
                .ai
                .quote_question(word, learning, native, meaning, deadline);
            match self.answer(word, result)? {
                Some(question) => question,
                None => {
                    self.questions
                        .insert((row_key(row), kind), ai::no_quote(word));
                    return None;
                }
            }
        } else {
            let result = self
                .ai
                .def_native_question(word, learning, native, meaning, deadline);
            self.answer(word, result)?
        };
        self.questions
            .insert((row_key(row), kind), question.clone());
        Some(question)
    }

    /// The first question of `row`'s chain that is cached or gets generated.
    fn choose(&mut self, row: &Row, meaning: Option<&str>) -> Option<Chosen> {
        if let (Some(video_id), Some(transcript)) = (row.video_id, row.video_transcript.as_deref())
        {
            let clip = (video_id, row.word.clone(), row.learning_language.clone());
            let metadata = row.video_metadata.clone().unwrap_or(Value::Null);
            let cached = row
                .video_question
                .clone()
                .or_else(|| self.videos.get(&clip).cloned());
            let (question, generated) = match cached {
                Some(question) => (Some(question).filter(servable), false),
                None => (self.video(row, &clip, transcript), true),
            };
            if let Some(question) = question {
                return Some(Chosen {
                    origin: Origin::Video(clip, metadata),
                    question,
                    generated,
                });
            }
        }
        for kind in [ai::MC_QUOTE, ai::MC_DEF_NATIVE] {
            let cached = row.questions.as_ref().and_then(|q| q.get(kind)).cloned();
            let (question, generated) = match cached {
                Some(question) => (Some(question).filter(servable), false),
                None => (self.review(row, kind, meaning), true),
            };
            if let Some(question) = question {
                return Some(Chosen {
                    origin: Origin::Review(kind),
                    question,
                    generated,
                });
            }
        }
        None
    }
}

/// An `mc_word` question from the definition's first sense and other words.
fn word_question(row: &Row, meaning: Option<&str>, seed: u64) -> Option<Value> {
    let meaning = meaning?;
    let (options, correct) = domain::word_choices(&row.word, &row.other_words)?;
    let (options, correct) = domain::shuffle_choices(&options, &correct, seed);
    Some(json!({
        "question_type": "mc_word",
        "word": row.word,
        "question_text": format!("Which word means \"{}\"?", meaning.trim()),
        "options": options,
        "correct_answer": correct,
    }))
}

struct Item<'r> {
    row: &'r Row,
    definition: Option<Definition>,
    chosen: Chosen,
}

#[spin_sdk::http_component]
fn handle(req: Request, out: ResponseOutparam) {
    api::serve(req, out, &[Method::Get], |req, ctx| {
        let started = Instant::now();
        let query = api::Query::of(req);
        let user = query.user_id()?;
        let count = query.optional("count", parse_count)?.unwrap_or(COUNT.2);
        let excluded = query
            .optional("exclude_words", parse_excluded)?
            .unwrap_or_default();
        let mut generator = Generator::new(started);
        let may_define = generator.may(ai::Use::Definition);
        let db = ctx.db()?;
        let rows: Vec<Row> = db.fetch_all(
            queries::REVIEW_BATCH,
            &[
                user.as_uuid(),
                &Value::from(excluded),
                &count,
                &MAX_VIDEO_BYTES,
                &may_define,
            ],
        )?;
        let total_available = rows.first().map_or(0, |r| r.total_available);

        let seed = ai::shuffle_seed();
        let mut items: Vec<Item> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            if items.len() as i64 >= count {
                break;
            }
            let cached = row.definition_data.clone().filter(decodable);
            let definition = match cached {
                Some(data) => Some(Definition {
                    data,
                    audio_texts: row.audio_texts.clone(),
                }),
                None if row.saved_word_id.is_none() => match generator.definition(row) {
                    Some(data) => Some(Definition {
                        data,
                        audio_texts: Vec::new(),
                    }),
                    None => continue,
                },
                None => None,
            };
            let meaning = first_sense(definition.as_ref().map(|d| &d.data)).map(str::to_owned);
            let meaning = meaning.as_deref();
            let chosen = generator.choose(row, meaning).or_else(|| {
                let question = word_question(row, meaning, seed.wrapping_add(i as u64))?;
                Some(Chosen {
                    origin: Origin::Local,
                    question,
                    generated: false,
                })
            });
            if let Some(chosen) = chosen {
                items.push(Item {
                    row,
                    definition,
                    chosen,
                });
            }
        }

        let definitions: Vec<Value> = generator
            .definitions
            .iter()
            .map(|((w, l, n), data)| {
                json!({"word": w, "learning_language": l, "native_language": n,
                       "definition_data": data})
            })
            .collect();
        let questions: Vec<Value> = generator
            .questions
            .iter()
            .map(|(((w, l, n), kind), data)| {
                json!({"word": w, "learning_language": l, "native_language": n,
                       "question_type": kind, "question_data": data})
            })
            .collect();
        let videos: Vec<Value> = generator
            .videos
            .iter()
            .map(|((video_id, w, l), data)| {
                json!({"video_id": video_id, "word": w, "learning_language": l,
                       "question_data": data})
            })
            .collect();
        if !(definitions.is_empty() && questions.is_empty() && videos.is_empty()) {
            let stored: Vec<Stored> = db.fetch_all(
                queries::STORE_REVIEW_BATCH,
                &[
                    &Value::from(definitions),
                    &Value::from(questions),
                    &Value::from(videos),
                ],
            )?;
            keep_stored(&mut items, stored);
        }

        let questions: Vec<Value> = items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let seed = seed.wrapping_add(1000 + i as u64);
                let question = match &item.chosen.origin {
                    Origin::Video(_, metadata) => {
                        ai::serve_video_question(&item.chosen.question, metadata, seed)
                    }
                    Origin::Review(_) => ai::reshuffle(&item.chosen.question, seed),
                    Origin::Local => Some(item.chosen.question.clone()),
                }?;
                Some((item, question))
            })
            .enumerate()
            .map(|(position, (item, question))| {
                let row = item.row;
                let definition = item.definition.as_ref().map_or(Value::Null, |d| {
                    d.to_json(&row.word, &row.learning_language, &row.native_language)
                });
                json!({
                    "word": row.word,
                    "saved_word_id": row.saved_word_id,
                    "source": row.source,
                    "position": position,
                    "learning_language": row.learning_language,
                    "native_language": row.native_language,
                    "question": question,
                    "definition": definition,
                })
            })
            .collect();
        let has_more = total_available > questions.len() as i64;
        api::ok(&json!({
            "questions": questions,
            "total_available": total_available,
            "has_more": has_more,
        }))
    })
}

/// Serves what the store kept: the row a concurrent request stored first wins.
fn keep_stored(items: &mut [Item<'_>], stored: Vec<Stored>) {
    let mut definitions = BTreeMap::new();
    let mut questions = BTreeMap::new();
    let mut videos = BTreeMap::new();
    for s in stored {
        let native = s.native_language.unwrap_or_default();
        match (s.kind.as_str(), s.question_type, s.video_id) {
            ("definition", ..) => {
                let definition = Definition {
                    data: s.data,
                    audio_texts: s.audio_texts,
                };
                definitions.insert(key(&s.word, &s.learning_language, &native), definition);
            }
            ("question", Some(kind), _) => {
                questions.insert((key(&s.word, &s.learning_language, &native), kind), s.data);
            }
            ("video", _, Some(video_id)) => {
                videos.insert((video_id, s.word, s.learning_language), s.data);
            }
            _ => {}
        }
    }
    for item in items {
        let row_key = row_key(item.row);
        if item.row.saved_word_id.is_none()
            && let Some(definition) = definitions.remove(&row_key)
        {
            item.definition = Some(definition);
        }
        if !item.chosen.generated {
            continue;
        }
        let kept = match &item.chosen.origin {
            Origin::Video(clip, _) => videos.get(clip),
            Origin::Review(kind) => questions.get(&(row_key, (*kind).to_owned())),
            Origin::Local => None,
        };
        if let Some(kept) = kept.filter(|q| servable(q)) {
            item.chosen.question = kept.clone();
        }
    }
}

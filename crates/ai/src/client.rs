//! [`Ai`]: one generation per call, trying each model of the use's chain in order
//! within one deadline.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::AiError;
use crate::config::{Config, Use};
use crate::openai::{self, Image};
use crate::prompts::{self, Prompt};
use crate::transport::{HttpRequest, HttpResponse, Transport, TransportError, WasiHttp};

/// The least time an attempt that is not the last one gets; the budget keeps this much
/// for every model after the current one, so a hanging first model still leaves the
/// fallbacks a chance.
pub const MIN_ATTEMPT: Duration = Duration::from_millis(1500);

/// Below this much time left, no new attempt starts.
const MIN_START: Duration = Duration::from_millis(100);

/// How long one attempt may take when `remaining` is left and `models_after` models
/// follow it: everything but [`MIN_ATTEMPT`] per following model, at least
/// [`MIN_ATTEMPT`], never more than `remaining`.
pub fn attempt_timeout(remaining: Duration, models_after: usize) -> Duration {
    let reserved = MIN_ATTEMPT.saturating_mul(u32::try_from(models_after).unwrap_or(u32::MAX));
    remaining
        .saturating_sub(reserved)
        .max(MIN_ATTEMPT)
        .min(remaining)
}

/// A new user's generated profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// At most `domain::USER_NAME_MAX_CHARS` characters.
    pub user_name: String,
    /// At most `domain::USER_MOTTO_MAX_CHARS` characters.
    pub user_motto: String,
}

/// The provider client of one request.
#[derive(Debug)]
pub struct Ai<T: Transport = WasiHttp> {
    config: Config,
    transport: T,
}

impl Ai<WasiHttp> {
    /// The client configured from the component's Spin variables for `uses`
    /// ([`Config::from_variables`]), over wasi:http.
    pub fn from_variables(uses: &[Use]) -> Ai<WasiHttp> {
        Ai::new(Config::from_variables(uses), WasiHttp)
    }
}

impl<T: Transport> Ai<T> {
    /// A client with this configuration and transport.
    pub fn new(config: Config, transport: T) -> Ai<T> {
        Ai { config, transport }
    }

    /// Whether `use_` can be generated ([`Config::is_configured`]).
    pub fn is_configured(&self, use_: Use) -> bool {
        self.config.is_configured(use_)
    }

    /// The transport, for tests.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// A word's V4 definition (reference §2.3.1), schema-checked, with `word` set to the
    /// word asked for and `valid_word_score` kept within 0..=1.
    pub fn definition(
        &mut self,
        word: &str,
        learning_language: &str,
        native_language: &str,
        deadline: Instant,
    ) -> Result<Value, AiError> {
        let prompt = prompts::DEFINITION.render(&[
            ("word", word),
            ("learning_language", learning_language),
            ("native_language", native_language),
        ]);
        let mut answer = self.chat(Use::Definition, &prompts::DEFINITION, &prompt, deadline)?;
        if let Some(object) = answer.as_object_mut() {
            object.insert("word".to_owned(), Value::from(word));
            let score = object
                .get("valid_word_score")
                .and_then(Value::as_f64)
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            object.insert("valid_word_score".to_owned(), Value::from(score));
        }
        Ok(answer)
    }

    /// A name and motto for a new user; `seed` makes users differ.
    pub fn profile(&mut self, seed: &str, deadline: Instant) -> Result<Profile, AiError> {
        let prompt = prompts::PROFILE.render(&[("seed", seed)]);
        let answer =
            self.chat_checked(Use::Profile, &prompts::PROFILE, &prompt, deadline, |a| {
                let name = bounded(a, "user_name", domain::USER_NAME_MAX_CHARS)?;
                let motto = bounded(a, "user_motto", domain::USER_MOTTO_MAX_CHARS)?;
                Ok(Profile {
                    user_name: name,
                    user_motto: motto,
                })
            })?;
        Ok(answer)
    }

    /// A one- or two-sentence scene showing `word`'s `meaning`.
    pub fn scene(
        &mut self,
        word: &str,
        language: &str,
        meaning: &str,
        deadline: Instant,
    ) -> Result<String, AiError> {
        let prompt =
            prompts::SCENE.render(&[("word", word), ("language", language), ("meaning", meaning)]);
        self.chat_checked(Use::Scene, &prompts::SCENE, &prompt, deadline, |a| {
            bounded(a, "scene_description", 2000)
        })
    }

    /// `text` read aloud, as MP3 bytes.
    pub fn speech(&mut self, text: &str, deadline: Instant) -> Result<Vec<u8>, AiError> {
        let voice = self.config.voice.clone();
        self.chain(
            Use::Speech,
            openai::SPEECH_ROUTE,
            deadline,
            |model| openai::speech_request(model, text, &voice),
            |r| openai::speech_answer(r.status, &r.body),
        )
    }

    /// An illustration of `word` showing `scene`, as a PNG.
    pub fn image(&mut self, word: &str, scene: &str, deadline: Instant) -> Result<Image, AiError> {
        let prompt = prompts::IMAGE.render(&[("word", word), ("scene", scene)]);
        let size = self.config.image_size.clone();
        self.chain(
            Use::Image,
            openai::IMAGE_ROUTE,
            deadline,
            |model| openai::image_request(model, &prompt, &size),
            |r| openai::image_answer(r.status, &r.body),
        )
    }

    fn chat(
        &mut self,
        use_: Use,
        prompt: &Prompt,
        text: &str,
        deadline: Instant,
    ) -> Result<Value, AiError> {
        self.chat_checked(use_, prompt, text, deadline, |answer| Ok(answer.clone()))
    }

    /// A chat completion whose schema-valid answer `check` accepts.
    pub(crate) fn chat_checked<R>(
        &mut self,
        use_: Use,
        prompt: &Prompt,
        text: &str,
        deadline: Instant,
        check: impl Fn(&Value) -> Result<R, String>,
    ) -> Result<R, AiError> {
        let schema = prompt.schema();
        self.chain(
            use_,
            openai::CHAT_ROUTE,
            deadline,
            |model| openai::chat_request(model, text, prompt.schema_name, &schema),
            |r| openai::chat_answer(r.status, &r.body, &schema).and_then(|answer| check(&answer)),
        )
    }

    /// `recording`'s transcript: the speech-to-text chain, each model's answer checked
    /// by [`openai::transcription_answer`]. An empty transcript means nothing was heard.
    pub fn transcription(
        &mut self,
        recording: &openai::Recording<'_>,
        deadline: Instant,
    ) -> Result<String, AiError> {
        self.chain_with(
            Use::Transcription,
            openai::TRANSCRIPTION_ROUTE,
            deadline,
            |model| openai::transcription_request(model, recording),
            |r| openai::transcription_answer(r.status, &r.body),
        )
    }

    /// Tries each model of `use_`'s chain until `accept` takes an answer, all before
    /// `deadline`; the request bodies are JSON.
    fn chain<R>(
        &mut self,
        use_: Use,
        route: &str,
        deadline: Instant,
        body: impl Fn(&str) -> Value,
        accept: impl Fn(&HttpResponse) -> Result<R, String>,
    ) -> Result<R, AiError> {
        self.chain_with(
            use_,
            route,
            deadline,
            |model| {
                (
                    "application/json".to_owned(),
                    body(model).to_string().into_bytes(),
                )
            },
            accept,
        )
    }

    /// [`Ai::chain`] with any body: `body` gives each model's content type and bytes.
    fn chain_with<R>(
        &mut self,
        use_: Use,
        route: &str,
        deadline: Instant,
        body: impl Fn(&str) -> (String, Vec<u8>),
        accept: impl Fn(&HttpResponse) -> Result<R, String>,
    ) -> Result<R, AiError> {
        let Some(base) = self
            .config
            .base
            .clone()
            .filter(|_| self.is_configured(use_))
        else {
            return Err(AiError::NotConfigured(use_));
        };
        let models = self.config.models(use_).to_vec();
        let mut headers = Vec::new();
        if !self.config.api_key.is_empty() {
            headers.push((
                "authorization".to_owned(),
                format!("Bearer {}", self.config.api_key),
            ));
        }
        let mut attempts = Vec::new();
        let mut timed_out = false;
        for (i, model) in models.iter().enumerate() {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining < MIN_START {
                timed_out = true;
                break;
            }
            let timeout = attempt_timeout(remaining, models.len() - i - 1);
            let (content_type, bytes) = body(model);
            let mut request_headers = vec![("content-type".to_owned(), content_type)];
            request_headers.extend(headers.iter().cloned());
            let request = HttpRequest {
                base: base.clone(),
                route: route.to_owned(),
                headers: request_headers,
                body: bytes,
            };
            match self.transport.send(&request, timeout) {
                Ok(response) => match accept(&response) {
                    Ok(answer) => return Ok(answer),
                    Err(why) => {
                        timed_out = false;
                        attempts.push(format!("{model}: {why}"));
                    }
                },
                Err(TransportError::NotAllowed) => return Err(AiError::NotAllowed(use_)),
                Err(TransportError::Timeout) => {
                    timed_out = true;
                    attempts.push(format!("{model}: timed out after {timeout:?}"));
                }
                Err(TransportError::Failed(why)) => {
                    timed_out = false;
                    attempts.push(format!("{model}: {why}"));
                }
            }
        }
        if timed_out {
            Err(AiError::Timeout(use_, attempts))
        } else {
            Err(AiError::Failed(use_, attempts))
        }
    }
}

/// The trimmed, non-empty string `key` of `answer`, at most `max` characters.
fn bounded(answer: &Value, key: &str, max: usize) -> Result<String, String> {
    let text = answer
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default();
    if text.is_empty() {
        return Err(format!("{key} is empty"));
    }
    if text.chars().count() > max {
        return Err(format!("{key} is longer than {max} characters"));
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BaseUrl;
    use serde_json::json;

    /// Answers from a script, one per request, and records what was asked.
    #[derive(Default)]
    struct Scripted {
        answers: Vec<Result<HttpResponse, TransportError>>,
        sent: Vec<(String, Value, Duration)>,
    }

    impl Transport for Scripted {
        fn send(
            &mut self,
            request: &HttpRequest,
            timeout: Duration,
        ) -> Result<HttpResponse, TransportError> {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            self.sent
                .push((request.base.path_of(&request.route), body, timeout));
            if self.answers.is_empty() {
                return Err(TransportError::Failed("script exhausted".into()));
            }
            self.answers.remove(0)
        }
    }

    fn ok(body: Value) -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse {
            status: 200,
            content_type: Some("application/json".into()),
            body: body.to_string().into_bytes(),
        })
    }

    fn completion(answer: Value) -> Result<HttpResponse, TransportError> {
        ok(json!({"choices": [{"message": {"content": answer.to_string()}}]}))
    }

    fn server_error() -> Result<HttpResponse, TransportError> {
        Ok(HttpResponse {
            status: 500,
            content_type: None,
            body: b"boom".to_vec(),
        })
    }

    fn ai(answers: Vec<Result<HttpResponse, TransportError>>) -> Ai<Scripted> {
        let config = Config {
            base: BaseUrl::parse("http://127.0.0.1:9/v1").ok(),
            api_key: "key".into(),
            models: vec![
                (Use::Scene, vec!["first".into(), "second".into()]),
                (Use::Profile, vec!["only".into()]),
                (Use::Speech, vec!["tts".into()]),
            ],
            voice: "alloy".into(),
            image_size: "1024x1024".into(),
        };
        Ai::new(
            config,
            Scripted {
                answers,
                sent: vec![],
            },
        )
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_millis(7500)
    }

    fn models_asked(ai: &Ai<Scripted>) -> Vec<String> {
        ai.transport()
            .sent
            .iter()
            .map(|(_, body, _)| body["model"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    #[test]
    fn the_first_valid_answer_wins_and_later_models_are_not_asked() {
        let mut ai = ai(vec![completion(
            json!({"scene_description": "A cat on a mat."}),
        )]);
        let scene = ai.scene("cat", "English", "a pet", soon());
        assert_eq!(scene, Ok("A cat on a mat.".to_owned()));
        assert_eq!(models_asked(&ai), vec!["first"]);
        let (path, body, _) = &ai.transport().sent[0];
        assert_eq!(path, "/v1/chat/completions");
        assert_eq!(
            body["response_format"]["json_schema"]["name"],
            "illustration_scene"
        );
    }

    #[test]
    fn a_failed_or_invalid_answer_falls_back_to_the_next_model() {
        for (first, case) in [
            (server_error(), "HTTP 500"),
            (
                completion(json!({"scene": "wrong key"})),
                "schema violation",
            ),
            (
                Err(TransportError::Failed("ConnectionRefused".into())),
                "connection refused",
            ),
            (
                completion(json!({"scene_description": "   "})),
                "empty text",
            ),
        ] {
            let mut ai = ai(vec![
                first,
                completion(json!({"scene_description": "A dog."})),
            ]);
            assert_eq!(
                ai.scene("dog", "English", "a pet", soon()),
                Ok("A dog.".to_owned()),
                "{case}"
            );
            assert_eq!(models_asked(&ai), vec!["first", "second"], "{case}");
        }
    }

    #[test]
    fn when_every_model_fails_the_error_lists_each_attempt() {
        let mut ai = ai(vec![server_error(), server_error()]);
        let error = ai.scene("cat", "English", "a pet", soon()).unwrap_err();
        assert_eq!(error.status(), 503);
        assert_eq!(error.attempts().len(), 2);
        assert!(
            error.attempts()[0].starts_with("first: HTTP 500"),
            "{error:?}"
        );
    }

    #[test]
    fn a_timeout_is_a_504_and_a_refused_host_stops_the_chain() {
        let mut ai1 = ai(vec![
            Err(TransportError::Timeout),
            Err(TransportError::Timeout),
        ]);
        assert!(matches!(
            ai1.scene("cat", "English", "a pet", soon()),
            Err(AiError::Timeout(Use::Scene, _))
        ));

        let mut ai2 = ai(vec![Err(TransportError::NotAllowed)]);
        assert_eq!(
            ai2.scene("cat", "English", "a pet", soon()),
            Err(AiError::NotAllowed(Use::Scene))
        );
        assert_eq!(models_asked(&ai2), vec!["first"]);
    }

    #[test]
    fn nothing_is_sent_after_the_deadline_or_without_configuration() {
        let mut late = ai(vec![]);
        let error = late
            .scene("cat", "English", "a pet", Instant::now())
            .unwrap_err();
        assert!(matches!(error, AiError::Timeout(..)), "{error:?}");
        assert!(late.transport().sent.is_empty());

        let mut unconfigured = ai(vec![]);
        let error = unconfigured.image("cat", "scene", soon()).unwrap_err();
        assert_eq!(error, AiError::NotConfigured(Use::Image));
        assert!(unconfigured.transport().sent.is_empty());
    }

    #[test]
    fn attempts_leave_time_for_the_models_after_them() {
        let s = Duration::from_secs;
        let ms = Duration::from_millis;
        assert_eq!(
            attempt_timeout(ms(7500), 0),
            ms(7500),
            "the last model gets all that is left"
        );
        assert_eq!(
            attempt_timeout(ms(7500), 1),
            s(6),
            "one fallback keeps 1.5 s"
        );
        assert_eq!(attempt_timeout(ms(7500), 2), ms(4500));
        assert_eq!(
            attempt_timeout(ms(7500), 10),
            ms(1500),
            "at least MIN_ATTEMPT"
        );
        assert_eq!(
            attempt_timeout(ms(800), 3),
            ms(800),
            "never more than what is left"
        );

        let mut ai = ai(vec![
            Err(TransportError::Timeout),
            completion(json!({"scene_description": "x"})),
        ]);
        let _ = ai.scene("cat", "English", "a pet", Instant::now() + ms(7500));
        let first = ai.transport().sent[0].2;
        assert!(
            first <= s(6) && first > ms(5900),
            "first attempt got {first:?}"
        );
    }

    #[test]
    fn definitions_take_the_asked_word_and_a_bounded_score() {
        let answer = json!({
            "valid_word_score": 1.7, "suggestion": null, "word": "Cats", "phonetic": "/kæt/",
            "translations": ["猫"], "definitions": [{"part_of_speech": "noun", "definition": "a pet",
            "definition_native": "猫", "examples": ["A cat."], "cultural_notes": null}],
            "collocations": [], "synonyms": null, "antonyms": null, "comment": null, "source": null,
            "word_family": [], "cognates": null, "famous_quote": null
        });
        let mut ai = ai(vec![]);
        ai.config.models.push((Use::Definition, vec!["m".into()]));
        ai.transport.answers.push(completion(answer));
        let definition = ai
            .definition("cat", "English", "Chinese", soon())
            .expect("valid");
        assert_eq!(definition["word"], "cat");
        assert_eq!(definition["valid_word_score"], 1.0);
        let prompt = ai.transport().sent[0].1["messages"][1]["content"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        assert!(
            prompt.contains("Word: \"cat\"") && prompt.contains("Chinese"),
            "{prompt}"
        );
    }

    #[test]
    fn profiles_are_trimmed_and_bounded() {
        let mut ai1 = ai(vec![completion(
            json!({"user_name": " SwiftFox ", "user_motto": "Words!"}),
        )]);
        assert_eq!(
            ai1.profile("seed", soon()),
            Ok(Profile {
                user_name: "SwiftFox".into(),
                user_motto: "Words!".into()
            })
        );
        let long = "x".repeat(domain::USER_NAME_MAX_CHARS + 1);
        let mut ai2 = ai(vec![completion(
            json!({"user_name": long, "user_motto": "m"}),
        )]);
        assert!(matches!(
            ai2.profile("seed", soon()),
            Err(AiError::Failed(..))
        ));
    }

    #[test]
    fn transcriptions_are_multipart_and_fall_back_on_an_invalid_answer() {
        let mut unconfigured = ai(vec![]);
        let mut ai = ai(vec![
            ok(json!({"oops": true})),
            ok(json!({"text": " Hello there. "})),
        ]);
        ai.config
            .models
            .push((Use::Transcription, vec!["stt-a".into(), "stt-b".into()]));
        let recording = openai::Recording {
            bytes: b"RIFF0000WAVE",
            file_name: "recording.wav",
            mime: "audio/wav",
            language: Some("en"),
        };
        assert_eq!(
            ai.transcription(&recording, soon()),
            Ok("Hello there.".to_owned())
        );
        let sent = &ai.transport().sent;
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].0, "/v1/audio/transcriptions");
        assert_eq!(sent[0].1, Value::Null, "the body is multipart, not JSON");

        assert_eq!(
            unconfigured.transcription(&recording, soon()),
            Err(AiError::NotConfigured(Use::Transcription))
        );
    }

    #[test]
    fn requests_carry_the_key_and_speech_returns_mp3_bytes() {
        let mut ai = ai(vec![Ok(HttpResponse {
            status: 200,
            content_type: Some("audio/mpeg".into()),
            body: b"ID3abc".to_vec(),
        })]);
        assert_eq!(ai.speech("hello", soon()), Ok(b"ID3abc".to_vec()));
        let (path, body, _) = &ai.transport().sent[0];
        assert_eq!(path, "/v1/audio/speech");
        assert_eq!(body["voice"], "alloy");
    }
}

//! The provider's configuration: base URL, API key and the model chain of each use.

use std::time::Duration;

/// What a call generates. Each use has its own model list variable, prompt and budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Use {
    /// A word's definition (`/v3/word`): chat completion.
    Definition,
    /// A new user's name and motto (`/v3/users/{id}/preferences`): chat completion.
    Profile,
    /// An illustration's scene description (`/v3/illustration`): chat completion.
    Scene,
    /// Text-to-speech (`/v3/audio`).
    Speech,
    /// Image generation (`/v3/illustration`).
    Image,
    /// Speech-to-text (`/v3/pronunciation/practice`, `/v3/review/pronounce`).
    Transcription,
    /// Review questions (`/v3/next-review-words-batch`) and video questions
    /// (`/v3/api/video-questions-for-word`): chat completion.
    Question,
}

impl Use {
    /// The Spin variable holding this use's comma-separated, ordered model list.
    pub fn models_variable(self) -> &'static str {
        match self {
            Use::Definition => "ai_definition_models",
            Use::Profile => "ai_profile_models",
            Use::Scene => "ai_scene_models",
            Use::Speech => "ai_tts_models",
            Use::Image => "ai_image_models",
            Use::Transcription => "ai_transcription_models",
            Use::Question => "ai_question_models",
        }
    }

    /// What is generated, for messages: `Definition generation is not configured`.
    pub fn label(self) -> &'static str {
        match self {
            Use::Definition => "Definition generation",
            Use::Profile => "Profile generation",
            Use::Scene => "Scene description generation",
            Use::Speech => "Audio generation",
            Use::Image => "Illustration generation",
            Use::Transcription => "Speech recognition",
            Use::Question => "Question generation",
        }
    }

    /// The time one request may spend on this use, whole fallback chain included. The
    /// iOS client gives up after 10 s, and the database work before and after needs a
    /// little, so no use gets more than 8 s; a new user's profile gets 3 s because a
    /// default profile is a fine answer. Questions get 5 s for all the generations of
    /// one request: a word without a generated question still gets one built from its
    /// cached definition.
    pub fn budget(self) -> Duration {
        match self {
            Use::Profile => Duration::from_secs(3),
            Use::Question => Duration::from_secs(5),
            Use::Scene => Duration::from_millis(2500),
            Use::Definition | Use::Speech | Use::Image => Duration::from_millis(7500),
            // The recording is uploaded first, and the attempt is stored afterwards.
            Use::Transcription => Duration::from_millis(7000),
        }
    }
}

/// The provider's base URL, split for wasi:http: `http://127.0.0.1:11434/v1` is scheme
/// `http`, authority `127.0.0.1:11434` and path prefix `/v1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `http` or `https`.
    pub scheme: String,
    /// `host[:port]`.
    pub authority: String,
    /// The path prefix without a trailing slash (`""` or `/v1`).
    pub path: String,
}

impl BaseUrl {
    /// Parses an `http://` or `https://` URL without query or fragment.
    pub fn parse(raw: &str) -> Result<BaseUrl, String> {
        let raw = raw.trim();
        let (scheme, rest) = raw
            .split_once("://")
            .ok_or_else(|| format!("{raw:?} has no http:// or https:// scheme"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(format!("{raw:?}: the scheme must be http or https"));
        }
        if rest.contains(['?', '#']) {
            return Err(format!("{raw:?}: a base URL has no query or fragment"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (
                rest.get(..i).unwrap_or_default(),
                rest.get(i..).unwrap_or_default(),
            ),
            None => (rest, ""),
        };
        if authority.is_empty() || authority.contains('@') {
            return Err(format!("{raw:?}: expected http(s)://host[:port][/path]"));
        }
        Ok(BaseUrl {
            scheme,
            authority: authority.to_owned(),
            path: path.trim_end_matches('/').to_owned(),
        })
    }

    /// The path of an API route under this base: `/chat/completions` → `/v1/chat/completions`.
    pub fn path_of(&self, route: &str) -> String {
        format!("{}{route}", self.path)
    }

    /// The full URL of an API route, for logs.
    pub fn url_of(&self, route: &str) -> String {
        format!(
            "{}://{}{}",
            self.scheme,
            self.authority,
            self.path_of(route)
        )
    }
}

/// Splits a comma-separated model list, dropping blanks: `"a, b,,c"` → `[a, b, c]`.
pub fn parse_models(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Everything a component needs to call the provider for its uses.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `None` when `ai_base_url` is empty: nothing can be generated.
    pub base: Option<BaseUrl>,
    /// Sent as `Authorization: Bearer <key>` when not empty.
    pub api_key: String,
    /// The model chain of each use the component asked for.
    pub models: Vec<(Use, Vec<String>)>,
    /// The text-to-speech voice (`ai_tts_voice`, default `alloy`).
    pub voice: String,
    /// The generated image size (`ai_image_size`, default `1024x1024`).
    pub image_size: String,
}

impl Config {
    /// Reads `ai_base_url`, `ai_api_key` and the model list of each of `uses` from the
    /// component's Spin variables; `ai_tts_voice` and `ai_image_size` when the uses need
    /// them. A variable the component does not declare counts as empty. A base URL that
    /// does not parse is logged and leaves the provider unconfigured.
    pub fn from_variables(uses: &[Use]) -> Config {
        let get = |name: &str| spin_sdk::variables::get(name).unwrap_or_default();
        let base_url = get("ai_base_url");
        let base = if base_url.trim().is_empty() {
            None
        } else {
            BaseUrl::parse(&base_url)
                .map_err(|e| eprintln!("ai_base_url: {e}"))
                .ok()
        };
        let needs = |u: Use| uses.contains(&u);
        Config {
            base,
            api_key: get("ai_api_key").trim().to_owned(),
            models: uses
                .iter()
                .map(|u| (*u, parse_models(&get(u.models_variable()))))
                .collect(),
            voice: if needs(Use::Speech) {
                non_empty(get("ai_tts_voice"), "alloy")
            } else {
                String::new()
            },
            image_size: if needs(Use::Image) {
                non_empty(get("ai_image_size"), "1024x1024")
            } else {
                String::new()
            },
        }
    }

    /// The model chain of `use_`, empty when not configured.
    pub fn models(&self, use_: Use) -> &[String] {
        self.models
            .iter()
            .find(|(u, _)| *u == use_)
            .map_or(&[], |(_, m)| m.as_slice())
    }

    /// Whether `use_` can be generated at all: a base URL and at least one model.
    pub fn is_configured(&self, use_: Use) -> bool {
        self.base.is_some() && !self.models(use_).is_empty()
    }
}

fn non_empty(value: String, default: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        default.to_owned()
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_split_into_scheme_authority_and_path() {
        let cases = [
            (
                "http://127.0.0.1:11434/v1",
                "http",
                "127.0.0.1:11434",
                "/v1",
            ),
            (
                "https://api.openai.com/v1/",
                "https",
                "api.openai.com",
                "/v1",
            ),
            (
                "https://openrouter.ai/api/v1",
                "https",
                "openrouter.ai",
                "/api/v1",
            ),
            ("HTTP://localhost:8080", "http", "localhost:8080", ""),
            (" http://[::1]:9000/v1 ", "http", "[::1]:9000", "/v1"),
        ];
        for (raw, scheme, authority, path) in cases {
            let base = BaseUrl::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(
                (
                    base.scheme.as_str(),
                    base.authority.as_str(),
                    base.path.as_str()
                ),
                (scheme, authority, path),
                "{raw}"
            );
        }
        let base = BaseUrl::parse("http://h:1/v1").unwrap();
        assert_eq!(base.path_of("/audio/speech"), "/v1/audio/speech");
        assert_eq!(
            base.url_of("/images/generations"),
            "http://h:1/v1/images/generations"
        );
    }

    #[test]
    fn malformed_base_urls_are_refused() {
        for raw in [
            "",
            "127.0.0.1:11434",
            "ftp://h/v1",
            "http:///v1",
            "http://h/v1?x=1",
            "http://u@h",
        ] {
            assert!(BaseUrl::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }

    #[test]
    fn model_lists_are_comma_separated_and_ordered() {
        assert_eq!(parse_models("a, b,,c "), vec!["a", "b", "c"]);
        assert!(parse_models(" , ").is_empty());
        assert_eq!(
            parse_models("openai/gpt-4o-mini"),
            vec!["openai/gpt-4o-mini"]
        );
    }

    #[test]
    fn a_use_is_configured_only_with_a_base_url_and_a_model() {
        let mut config = Config {
            base: BaseUrl::parse("http://h/v1").ok(),
            models: vec![(Use::Definition, vec!["m".into()]), (Use::Speech, vec![])],
            ..Config::default()
        };
        assert!(config.is_configured(Use::Definition));
        assert!(!config.is_configured(Use::Speech), "no model");
        assert!(!config.is_configured(Use::Image), "not asked for");
        config.base = None;
        assert!(!config.is_configured(Use::Definition), "no base URL");
    }

    #[test]
    fn every_budget_fits_the_clients_ten_seconds() {
        for u in [
            Use::Definition,
            Use::Profile,
            Use::Scene,
            Use::Speech,
            Use::Image,
            Use::Transcription,
            Use::Question,
        ] {
            assert!(u.budget() <= Duration::from_secs(8), "{u:?}");
        }
        assert!(Use::Scene.budget() < Use::Image.budget());
    }
}

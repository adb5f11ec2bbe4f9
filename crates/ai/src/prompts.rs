//! The prompts, one per use, kept as data in `prompts/` next to the JSON schema their
//! answers must match.

use serde_json::Value;

/// A prompt template with `{{name}}` placeholders and, for chat completions, the JSON
/// schema of its answer.
#[derive(Debug, Clone, Copy)]
pub struct Prompt {
    /// The template text.
    pub template: &'static str,
    /// The schema's name in the `json_schema` response format.
    pub schema_name: &'static str,
    /// The JSON schema, as text.
    pub schema: &'static str,
}

/// A word's definition (V4 shape, reference §2.3.1).
pub const DEFINITION: Prompt = Prompt {
    template: include_str!("../prompts/definition.md"),
    schema_name: "word_definition",
    schema: include_str!("../prompts/definition.schema.json"),
};

/// A new user's name and motto.
pub const PROFILE: Prompt = Prompt {
    template: include_str!("../prompts/profile.md"),
    schema_name: "user_profile",
    schema: include_str!("../prompts/profile.schema.json"),
};

/// An illustration's scene description.
pub const SCENE: Prompt = Prompt {
    template: include_str!("../prompts/scene.md"),
    schema_name: "illustration_scene",
    schema: include_str!("../prompts/scene.schema.json"),
};

/// A review question built on a famous quote that contains the word (`mc_quote`); the
/// model answers a null `quote` when it knows none.
pub const QUOTE_QUESTION: Prompt = Prompt {
    template: include_str!("../prompts/quote_question.md"),
    schema_name: "quote_question",
    schema: include_str!("../prompts/quote_question.schema.json"),
};

/// A review question whose answers are meanings in the native language (`mc_def_native`).
pub const DEF_NATIVE_QUESTION: Prompt = Prompt {
    template: include_str!("../prompts/def_native_question.md"),
    schema_name: "def_native_question",
    schema: include_str!("../prompts/def_native_question.schema.json"),
};

/// A multiple-choice question about a word as a movie clip uses it (`video_mc`).
pub const VIDEO_QUESTION: Prompt = Prompt {
    template: include_str!("../prompts/video_question.md"),
    schema_name: "video_question",
    schema: include_str!("../prompts/video_question.schema.json"),
};

/// The image generation prompt (no schema: the answer is an image).
pub const IMAGE: Prompt = Prompt {
    template: include_str!("../prompts/image.md"),
    schema_name: "",
    schema: "",
};

impl Prompt {
    /// The template with every `{{name}}` replaced by its value.
    pub fn render(&self, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(self.template.trim().to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{{{name}}}}}"), value)
            })
    }

    /// The parsed JSON schema (`Value::Null` for a prompt without one, or if the file
    /// were malformed, which a unit test rules out).
    pub fn schema(&self) -> Value {
        serde_json::from_str(self.schema).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_parses_as_a_closed_object_schema() {
        for prompt in [
            DEFINITION,
            PROFILE,
            SCENE,
            QUOTE_QUESTION,
            DEF_NATIVE_QUESTION,
            VIDEO_QUESTION,
        ] {
            let schema = prompt.schema();
            assert_eq!(schema["type"], "object", "{}", prompt.schema_name);
            assert_eq!(
                schema["additionalProperties"], false,
                "{}",
                prompt.schema_name
            );
            let required = schema["required"].as_array().expect("required").len();
            let properties = schema["properties"].as_object().expect("properties").len();
            assert_eq!(
                required, properties,
                "{}: strict schemas require every key",
                prompt.schema_name
            );
        }
    }

    #[test]
    fn rendering_fills_every_placeholder() {
        let cases = [
            (
                DEFINITION,
                vec![
                    ("word", "cat"),
                    ("learning_language", "English"),
                    ("native_language", "Chinese"),
                ],
            ),
            (PROFILE, vec![("seed", "6f9619ff")]),
            (
                SCENE,
                vec![
                    ("word", "cat"),
                    ("language", "English"),
                    ("meaning", "a small pet"),
                ],
            ),
            (IMAGE, vec![("word", "cat"), ("scene", "A cat on a mat.")]),
            (
                QUOTE_QUESTION,
                vec![
                    ("word", "cat"),
                    ("learning_language", "English"),
                    ("native_language", "Chinese"),
                    ("meaning", "a small pet"),
                ],
            ),
            (
                DEF_NATIVE_QUESTION,
                vec![
                    ("word", "cat"),
                    ("learning_language", "English"),
                    ("native_language", "Chinese"),
                    ("meaning", "a small pet"),
                ],
            ),
            (
                VIDEO_QUESTION,
                vec![
                    ("word", "cat"),
                    ("learning_language", "English"),
                    ("transcript", "Look at that cat!"),
                ],
            ),
        ];
        for (prompt, values) in cases {
            let text = prompt.render(&values);
            assert!(
                !text.contains("{{"),
                "{}: unfilled placeholder in {text}",
                prompt.schema_name
            );
            for (_, value) in values {
                assert!(
                    text.contains(value),
                    "{}: {value} missing",
                    prompt.schema_name
                );
            }
        }
        assert!(
            DEFINITION
                .render(&[("word", "cat")])
                .contains("Word: \"cat\"")
        );
    }
}

//! A validator for the subset of JSON Schema the prompts use.
//!
//! Supported keywords: `type` (one name or a list such as `["string", "null"]`), `enum`,
//! `properties`, `required`, `additionalProperties: false`, `items`. Other keywords
//! (`description`, `title`) are ignored. That is the subset every OpenAI-compatible
//! provider accepts in a strict `json_schema` response format, so the schema sent to the
//! provider is the one its answer is checked against.

use serde_json::{Map, Value};

/// Checks `value` against `schema`. The error names the first offending place as a path
/// (`$.definitions[0].examples`) and what is wrong there.
pub fn validate(schema: &Value, value: &Value) -> Result<(), String> {
    check(schema, value, "$")
}

fn check(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let Some(rules) = schema.as_object() else {
        // `true` or an empty schema accepts anything.
        return Ok(());
    };
    if let Some(types) = rules.get("type") {
        let allowed: Vec<&str> = match types {
            Value::String(one) => vec![one.as_str()],
            Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
            _ => return Err(format!("{at}: the schema's `type` is malformed")),
        };
        if !allowed.iter().any(|t| has_type(value, t)) {
            return Err(format!(
                "{at}: expected {}, found {}",
                allowed.join(" or "),
                type_name(value)
            ));
        }
    }
    if let Some(Value::Array(options)) = rules.get("enum")
        && !options.contains(value)
    {
        return Err(format!("{at}: {value} is not one of the allowed values"));
    }
    match value {
        Value::Object(object) => check_object(rules, object, at),
        Value::Array(items) => match rules.get("items") {
            Some(item_schema) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| check(item_schema, item, &format!("{at}[{i}]"))),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

fn check_object(
    rules: &Map<String, Value>,
    object: &Map<String, Value>,
    at: &str,
) -> Result<(), String> {
    let properties = rules.get("properties").and_then(Value::as_object);
    if let Some(Value::Array(required)) = rules.get("required") {
        for key in required.iter().filter_map(Value::as_str) {
            if !object.contains_key(key) {
                return Err(format!("{at}.{key}: required key is missing"));
            }
        }
    }
    if rules.get("additionalProperties") == Some(&Value::Bool(false)) {
        let known = |key: &str| properties.is_some_and(|p| p.contains_key(key));
        if let Some(extra) = object.keys().find(|key| !known(key)) {
            return Err(format!("{at}.{extra}: key not allowed by the schema"));
        }
    }
    if let Some(properties) = properties {
        for (key, property_schema) in properties {
            if let Some(value) = object.get(key) {
                check(property_schema, value, &format!("{at}.{key}"))?;
            }
        }
    }
    Ok(())
}

fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["word", "score", "notes", "senses", "kind"],
            "properties": {
                "word": {"type": "string"},
                "score": {"type": "number"},
                "count": {"type": "integer"},
                "notes": {"type": ["string", "null"]},
                "kind": {"type": "string", "enum": ["noun", "verb"]},
                "senses": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["examples"],
                        "properties": {"examples": {"type": "array", "items": {"type": "string"}}}
                    }
                }
            }
        })
    }

    fn valid() -> Value {
        json!({
            "word": "cat",
            "score": 0.9,
            "notes": null,
            "kind": "noun",
            "senses": [{"examples": ["A cat sat."]}]
        })
    }

    #[test]
    fn a_conforming_value_passes() {
        assert_eq!(validate(&schema(), &valid()), Ok(()));
        let mut with_count = valid();
        with_count["count"] = json!(3);
        with_count["notes"] = json!("a pet");
        with_count["score"] = json!(1);
        assert_eq!(validate(&schema(), &with_count), Ok(()));
    }

    type Mutation = Box<dyn Fn(&mut Value)>;

    #[test]
    fn each_kind_of_violation_is_reported_with_its_path() {
        let cases: Vec<(&str, Mutation, &str)> = vec![
            (
                "missing key",
                Box::new(|v| {
                    v.as_object_mut().map(|o| o.remove("word"));
                }),
                "$.word: required key is missing",
            ),
            (
                "wrong type",
                Box::new(|v| v["score"] = json!("high")),
                "$.score: expected number",
            ),
            (
                "null where not allowed",
                Box::new(|v| v["word"] = Value::Null),
                "$.word: expected string",
            ),
            (
                "fraction for an integer",
                Box::new(|v| v["count"] = json!(1.5)),
                "$.count: expected integer",
            ),
            (
                "unknown enum value",
                Box::new(|v| v["kind"] = json!("adverb")),
                "$.kind: \"adverb\" is not one",
            ),
            (
                "extra key",
                Box::new(|v| v["extra"] = json!(1)),
                "$.extra: key not allowed",
            ),
            (
                "bad nested item",
                Box::new(|v| v["senses"][0]["examples"] = json!(["ok", 5])),
                "$.senses[0].examples[1]: expected string",
            ),
            (
                "nested required",
                Box::new(|v| v["senses"] = json!([{}])),
                "$.senses[0].examples: required key is missing",
            ),
            (
                "not an object",
                Box::new(|v| *v = json!([1])),
                "$: expected object, found array",
            ),
        ];
        for (case, mutate, expected) in cases {
            let mut value = valid();
            mutate(&mut value);
            let error = validate(&schema(), &value).expect_err(case);
            assert!(error.starts_with(expected), "{case}: got {error:?}");
        }
    }

    #[test]
    fn keys_outside_a_closed_schema_are_only_refused_when_closed() {
        let open = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        assert_eq!(validate(&open, &json!({"a": "x", "b": 1})), Ok(()));
    }
}

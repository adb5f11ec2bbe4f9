//! The iOS client's decoding rules, applied to any response body.
//!
//! `contract/ios-client-contract.json` records, for each (method, path) the app calls,
//! the JSON shape its Swift models decode: required and optional keys, JSON types, enums
//! whose unknown values fail the whole decode, arrays, objects and maps. A body that
//! breaks any rule is a response the app cannot use, so tests check every success body
//! with [`assert_client_decodes`].

use std::sync::LazyLock;

use serde_json::{Map, Value};

static CONTRACT: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("contract/ios-client-contract.json"))
        .expect("the contract file is JSON")
});

/// Which of the contract's shapes to check: the newest app's (`response`) or, where
/// the older app decodes another shape, that one (`response_main`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    Current,
    Main,
}

/// Panics, listing every violation, unless `body` decodes as the iOS client's model
/// for `method` and `path` (the contract's path, e.g. `/v3/words/{word_id}/details`).
pub fn assert_client_decodes(method: &str, path: &str, body: &Value) {
    assert_client_decodes_as(Client::Current, method, path, body);
}

/// [`assert_client_decodes`] for a chosen client.
pub fn assert_client_decodes_as(client: Client, method: &str, path: &str, body: &Value) {
    let problems = violations(client, method, path, body);
    assert!(
        problems.is_empty(),
        "{method} {path}: the iOS client cannot decode this body:\n  {}\nbody: {body:#}",
        problems.join("\n  ")
    );
}

/// Every rule of the contract that `body` breaks, one line each.
pub fn violations(client: Client, method: &str, path: &str, body: &Value) -> Vec<String> {
    let endpoint = CONTRACT["endpoints"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|e| e["method"] == method && e["path"] == path)
        })
        .unwrap_or_else(|| panic!("the contract has no endpoint {method} {path}"));
    let shape = match client {
        Client::Main if !endpoint["response_main"].is_null() => &endpoint["response_main"],
        _ => &endpoint["response"],
    };
    let mut problems = Vec::new();
    match shape.as_object() {
        None => {}
        Some(fields) => match fields.get("<TEST_TYPE>") {
            Some(value_rule) => check_map(body, value_rule, "$", &mut problems),
            None => check_object(body, fields, "$", &mut problems),
        },
    }
    problems
}

fn check_object(value: &Value, fields: &Map<String, Value>, at: &str, out: &mut Vec<String>) {
    let Some(object) = value.as_object() else {
        out.push(format!("{at}: expected an object, found {}", kind(value)));
        return;
    };
    for (key, rule) in fields {
        let path = format!("{at}.{key}");
        match object.get(key) {
            None | Some(Value::Null) if rule["optional"] == true => {}
            None if is_ignored(rule) => {}
            None => out.push(format!("{path}: required key is missing")),
            Some(Value::Null) => out.push(format!("{path}: required key is null")),
            Some(v) => check_value(v, rule, &path, out),
        }
    }
    if fields.contains_key("type") && fields.contains_key("part_of_speech") {
        // DefinitionEntry: `type`, else `part_of_speech`, must be a string.
        let named = ["type", "part_of_speech"]
            .iter()
            .any(|k| object.get(*k).is_some_and(Value::is_string));
        if !named {
            out.push(format!("{at}: neither `type` nor `part_of_speech` is a string"));
        }
    }
}

fn is_ignored(rule: &Value) -> bool {
    rule["type"] == "ignored"
}

fn check_map(value: &Value, value_rule: &Value, at: &str, out: &mut Vec<String>) {
    let Some(object) = value.as_object() else {
        out.push(format!("{at}: expected an object (map), found {}", kind(value)));
        return;
    };
    for (key, v) in object {
        check_value(v, value_rule, &format!("{at}[{key:?}]"), out);
    }
}

fn check_value(value: &Value, rule: &Value, at: &str, out: &mut Vec<String>) {
    let ty = rule["type"].as_str().unwrap_or_default();
    let ok = match ty {
        "ignored" => true,
        "String" => value.is_string(),
        "Int" => value.is_i64() || value.is_u64(),
        "Double" => value.is_number(),
        "Bool" => value.is_boolean(),
        "[String]" => all_items(value, Value::is_string),
        "[Int]" => all_items(value, |v| v.is_i64() || v.is_u64()),
        "[String: Bool]" => value
            .as_object()
            .is_some_and(|m| m.values().all(Value::is_boolean)),
        "object" => {
            let empty = Map::new();
            let fields = rule["fields"].as_object().unwrap_or(&empty);
            check_object(value, fields, at, out);
            true
        }
        "array" => {
            match value.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        check_value(item, &rule["items"], &format!("{at}[{i}]"), out);
                    }
                }
                None => out.push(format!("{at}: expected an array, found {}", kind(value))),
            }
            true
        }
        "map" => {
            check_map(value, &rule["values"], at, out);
            true
        }
        enumeration if enumeration.starts_with("enum[") => {
            let allowed: Vec<&str> = enumeration
                .trim_start_matches("enum[")
                .trim_end_matches(']')
                .split(',')
                .collect();
            match value.as_str() {
                Some(s) if allowed.contains(&s) => true,
                _ => {
                    out.push(format!("{at}: {value} is not one of {allowed:?}"));
                    true
                }
            }
        }
        other => {
            out.push(format!("{at}: the contract names an unknown type {other:?}"));
            true
        }
    };
    if !ok {
        out.push(format!("{at}: expected {ty}, found {}", kind(value)));
    }
}

fn all_items(value: &Value, each: impl Fn(&Value) -> bool) -> bool {
    value.as_array().is_some_and(|items| items.iter().all(each))
}

fn kind(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(_) => "a boolean".to_owned(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(_) => "a string".to_owned(),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_checker_catches_what_the_client_rejects() {
        let good = json!({"user_id": "U", "overdue_count": 1, "total_count": 2});
        assert!(violations(Client::Current, "GET", "/v3/due_counts", &good).is_empty());

        let cases = [
            json!({"user_id": "U", "overdue_count": 1}),
            json!({"user_id": "U", "overdue_count": 1.5, "total_count": 2}),
            json!({"user_id": null, "overdue_count": 1, "total_count": 2}),
            json!({"user_id": 7, "overdue_count": 1, "total_count": 2}),
        ];
        for bad in cases {
            assert!(
                !violations(Client::Current, "GET", "/v3/due_counts", &bad).is_empty(),
                "{bad}"
            );
        }
        let bad_enum = json!({"status": "maybe"});
        assert!(!violations(Client::Current, "GET", "/v3/app-version", &bad_enum).is_empty());
        let good_enum = json!({"status": "upgrade_required", "min_version": "1.0.0"});
        assert!(violations(Client::Current, "GET", "/v3/app-version", &good_enum).is_empty());
        let awards = json!({"TOEFL_BEGINNER": {"saved_test_words": 1, "total_test_words": 2}});
        let path = "/v3/achievements/test-vocabulary-awards";
        assert!(violations(Client::Current, "GET", path, &awards).is_empty());
        let bad_awards = json!({"TOEFL_BEGINNER": {"saved_test_words": 1}});
        assert!(!violations(Client::Current, "GET", path, &bad_awards).is_empty());
    }
}

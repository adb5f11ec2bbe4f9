//! Request parsing: the path and query of the URI, path parameters, query strings and
//! JSON bodies, each yielding typed values or a [`FieldError`] that names the field.

use domain::{FieldError, InvalidValue, UserId};
use serde_json::{Map, Value};
use spin_sdk::http::Request;

use crate::ApiError;

/// The path of a request URI (`http://host/v3/x?y` or `/v3/x?y` → `/v3/x`), as received
/// (still percent-encoded).
pub fn request_path(req: &Request) -> &str {
    split_uri(req.uri()).0
}

/// The raw query string of a request URI, without the `?`.
pub fn request_query(req: &Request) -> &str {
    split_uri(req.uri()).1
}

/// Splits a request URI into path and query, ignoring any scheme, authority and fragment.
pub(crate) fn split_uri(uri: &str) -> (&str, &str) {
    let without_fragment = uri.split('#').next().unwrap_or_default();
    let path_and_query = match without_fragment.find("://") {
        Some(i) => {
            let after_scheme = without_fragment.get(i + 3..).unwrap_or_default();
            after_scheme
                .find(['/', '?'])
                .and_then(|j| after_scheme.get(j..))
                .unwrap_or_default()
        }
        None => without_fragment,
    };
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    (if path.is_empty() { "/" } else { path }, query)
}

/// `raw` unless it holds a NUL character, which no PostgreSQL text column can store.
/// Every string the parsers hand out passes through here.
pub(crate) fn storable<'a>(field: &'static str, raw: &'a str) -> Result<&'a str, FieldError> {
    if raw.contains('\0') {
        Err(FieldError::new(field, InvalidValue::NulCharacter))
    } else {
        Ok(raw)
    }
}

/// A route parameter such as `:user_id`, percent-decoded.
///
/// Spin passes each named route segment as a header: `SPIN_PATH_MATCH_<NAME>` with `_`
/// turned into `-` and lower-cased, so `:user_id` arrives as `spin-path-match-user-id`.
///
/// ```no_run
/// # fn f(req: &spin_sdk::http::Request) {
/// let raw: Option<String> = api::path_param(req, "user_id");
/// # }
/// ```
pub fn path_param(req: &Request, name: &str) -> Option<String> {
    let header = format!("spin-path-match-{}", name.replace('_', "-")).to_ascii_lowercase();
    let raw = req.header(&header)?.as_str()?;
    Some(
        percent_encoding::percent_decode_str(raw)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// The `user_id` route parameter as a [`UserId`].
pub fn path_user_id(req: &Request) -> Result<UserId, FieldError> {
    let raw = path_param(req, "user_id").ok_or(FieldError::missing("user_id"))?;
    UserId::parse(&raw).map_err(|e| FieldError::new("user_id", e))
}

/// A decoded query string. The first occurrence of a name wins.
///
/// Decoding follows the form-urlencoded rules (`%XX` escapes, `+` is a space), and
/// tolerates what the iOS client sends: upper-case UUIDs, often not percent-encoded.
#[derive(Debug, Clone, Default)]
pub struct Query(Vec<(String, String)>);

impl Query {
    /// Decodes a raw query string (without the `?`).
    pub fn parse(raw: &str) -> Query {
        Query(
            form_urlencoded::parse(raw.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The query of a request.
    ///
    /// ```no_run
    /// # fn f(req: &spin_sdk::http::Request) -> api::Result<()> {
    /// let query = api::Query::of(req);
    /// let user = query.user_id()?;
    /// let due_only = query.flag("due_only")?.unwrap_or(false);
    /// # Ok(())
    /// # }
    /// ```
    pub fn of(req: &Request) -> Query {
        Query::parse(request_query(req))
    }

    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// `name` parsed by `parse`; absent or empty is a missing field.
    pub fn required<T>(
        &self,
        name: &'static str,
        parse: impl FnOnce(&str) -> Result<T, InvalidValue>,
    ) -> Result<T, FieldError> {
        self.optional(name, parse)?.ok_or(FieldError::missing(name))
    }

    /// `name` parsed by `parse`; absent or empty is `None`. Text with a NUL character
    /// is refused before `parse` sees it.
    pub fn optional<T>(
        &self,
        name: &'static str,
        parse: impl FnOnce(&str) -> Result<T, InvalidValue>,
    ) -> Result<Option<T>, FieldError> {
        match self.get(name).map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => storable(name, raw)
                .and_then(|raw| parse(raw).map_err(|e| FieldError::new(name, e)))
                .map(Some),
        }
    }

    /// The `user_id` parameter.
    pub fn user_id(&self) -> Result<UserId, FieldError> {
        self.required("user_id", UserId::parse)
    }

    /// A boolean flag: `true`/`false`/`1`/`0` (any case); absent or empty is `None`.
    pub fn flag(&self, name: &'static str) -> Result<Option<bool>, FieldError> {
        self.optional(name, |raw| match raw.to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(InvalidValue::WrongType("true, false, 1 or 0")),
        })
    }
}

/// A JSON request body that must be an object. `null` values count as absent (the iOS
/// client omits nil keys, but other clients send `null`).
#[derive(Debug, Clone)]
pub struct JsonBody(Map<String, Value>);

impl JsonBody {
    /// The largest accepted body, in bytes.
    pub const MAX_BYTES: usize = 64 * 1024;

    /// Parses a request body. Over [`JsonBody::MAX_BYTES`] is a 413; anything but a JSON
    /// object is a 400.
    pub fn parse(bytes: &[u8]) -> Result<JsonBody, ApiError> {
        Self::parse_limited(bytes, Self::MAX_BYTES)
    }

    /// [`JsonBody::parse`] with an explicit size limit, for the few routes that take
    /// larger bodies (video uploads): over `max_bytes` is a 413.
    ///
    /// ```no_run
    /// # fn f(req: &spin_sdk::http::Request) -> api::Result<()> {
    /// let body = api::JsonBody::parse_limited(req.body(), 16 * 1024 * 1024)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn parse_limited(bytes: &[u8], max_bytes: usize) -> Result<JsonBody, ApiError> {
        if bytes.len() > max_bytes {
            return Err(ApiError::PayloadTooLarge);
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(map)) => Ok(JsonBody(map)),
            Ok(_) => Err(ApiError::BadRequest(
                "Request body must be a JSON object".to_owned(),
            )),
            Err(_) if bytes.iter().all(u8::is_ascii_whitespace) => Err(ApiError::BadRequest(
                "Request body must be a JSON object".to_owned(),
            )),
            Err(_) => Err(ApiError::BadRequest("Invalid JSON body".to_owned())),
        }
    }

    /// The body of a request.
    ///
    /// ```no_run
    /// use domain::{LanguageCode, Word};
    ///
    /// # fn f(req: &spin_sdk::http::Request) -> api::Result<()> {
    /// let body = api::JsonBody::of(req)?;
    /// let user = body.user_id()?;
    /// let word = body.required("word", Word::parse)?;
    /// let learning = body.optional("learning_language", LanguageCode::parse)?;
    /// let correct = body.lenient_bool("response")?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn of(req: &Request) -> Result<JsonBody, ApiError> {
        JsonBody::parse(req.body())
    }

    /// The value of `field`, unless absent or `null`.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field).filter(|v| !v.is_null())
    }

    /// A string field. Text with a NUL character is refused: PostgreSQL cannot store it.
    pub fn optional_str(&self, field: &'static str) -> Result<Option<&str>, FieldError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => storable(field, s).map(Some),
            Some(_) => Err(FieldError::new(field, InvalidValue::WrongType("a string"))),
        }
    }

    /// A string field parsed by `parse`.
    pub fn required<T>(
        &self,
        field: &'static str,
        parse: impl FnOnce(&str) -> Result<T, InvalidValue>,
    ) -> Result<T, FieldError> {
        self.optional(field, parse)?
            .ok_or(FieldError::missing(field))
    }

    /// An optional string field parsed by `parse`.
    pub fn optional<T>(
        &self,
        field: &'static str,
        parse: impl FnOnce(&str) -> Result<T, InvalidValue>,
    ) -> Result<Option<T>, FieldError> {
        self.optional_str(field)?
            .map(|raw| parse(raw).map_err(|e| FieldError::new(field, e)))
            .transpose()
    }

    /// The `user_id` field.
    pub fn user_id(&self) -> Result<UserId, FieldError> {
        self.required("user_id", UserId::parse)
    }

    /// A boolean field. Besides `true`/`false`, the integers `0` and `1` are accepted (the
    /// original accepted them for a review's `response`).
    pub fn lenient_bool(&self, field: &'static str) -> Result<bool, FieldError> {
        match self.get(field) {
            None => Err(FieldError::missing(field)),
            Some(Value::Bool(b)) => Ok(*b),
            Some(Value::Number(n)) if n.as_u64() == Some(1) => Ok(true),
            Some(Value::Number(n)) if n.as_u64() == Some(0) => Ok(false),
            Some(_) => Err(FieldError::new(
                field,
                InvalidValue::WrongType("a boolean (or 0/1)"),
            )),
        }
    }

    /// An optional integer field (a JSON number without fraction).
    pub fn optional_int(&self, field: &'static str) -> Result<Option<i64>, FieldError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| FieldError::new(field, InvalidValue::WrongType("an integer"))),
            Some(_) => Err(FieldError::new(
                field,
                InvalidValue::WrongType("an integer"),
            )),
        }
    }

    /// A row id: a positive integer that fits an `INTEGER` column, sent as a JSON
    /// integer or as a string of digits (`"42"`).
    pub fn id(&self, field: &'static str) -> Result<i32, FieldError> {
        let wrong = || FieldError::new(field, InvalidValue::WrongType("a positive integer id"));
        let id = match self.get(field) {
            None => return Err(FieldError::missing(field)),
            Some(Value::Number(n)) => n.as_i64().ok_or_else(wrong)?,
            Some(Value::String(s))
                if !s.trim().is_empty() && s.trim().bytes().all(|b| b.is_ascii_digit()) =>
            {
                s.trim().parse::<i64>().map_err(|_| wrong())?
            }
            Some(_) => return Err(wrong()),
        };
        i32::try_from(id)
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(wrong)
    }

    /// An optional JSON object field, checked by [`storable_json`].
    pub fn optional_object(&self, field: &'static str) -> Result<Option<&Value>, FieldError> {
        match self.get(field) {
            None => Ok(None),
            Some(value @ Value::Object(_)) => storable_json(value)
                .map(|()| Some(value))
                .map_err(|problem| FieldError::new(field, problem)),
            Some(_) => Err(FieldError::new(field, InvalidValue::WrongType("an object"))),
        }
    }
}

/// The largest number magnitude a stored JSON value may hold. `jsonb` keeps numbers as
/// exact decimals and writes 1e308 back as a 309-digit integer, which JSON readers
/// (ours included) refuse, so such a value would break every later read of its row.
const MAX_STORED_NUMBER: f64 = 1e300;

/// Whether a JSON value can be stored in `jsonb` and read back: no NUL character in any
/// string or key, and no number beyond [`MAX_STORED_NUMBER`] in magnitude.
pub fn storable_json(value: &Value) -> Result<(), InvalidValue> {
    match value {
        Value::String(s) if s.contains('\0') => Err(InvalidValue::NulCharacter),
        Value::Number(n) if n.as_f64().is_none_or(|x| x.abs() > MAX_STORED_NUMBER) => {
            Err(InvalidValue::NumberTooLarge)
        }
        Value::Array(items) => items.iter().try_for_each(storable_json),
        Value::Object(map) => map.iter().try_for_each(|(key, item)| {
            if key.contains('\0') {
                return Err(InvalidValue::NulCharacter);
            }
            storable_json(item)
        }),
        _ => Ok(()),
    }
}

/// Lets domain rules read their fields from a JSON body.
impl domain::FieldSource for JsonBody {
    fn text(&self, field: &'static str) -> Result<Option<&str>, FieldError> {
        self.optional_str(field)
    }

    fn integer(&self, field: &'static str) -> Result<Option<i64>, FieldError> {
        self.optional_int(field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{LanguageCode, Word};
    use serde_json::json;

    const ID: &str = "6F9619FF-8B86-D011-B42D-00C04FC964FF";

    fn body(value: Value) -> JsonBody {
        JsonBody::parse(value.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn uris_split_into_path_and_query_with_or_without_authority() {
        let cases = [
            (
                "http://127.0.0.1:3000/v3/saved_words?user_id=X",
                "/v3/saved_words",
                "user_id=X",
            ),
            (
                "/v3/saved_words?user_id=X&due_only=true",
                "/v3/saved_words",
                "user_id=X&due_only=true",
            ),
            ("/health", "/health", ""),
            ("https://kwafy.com/api/v3/save", "/api/v3/save", ""),
            ("http://host?x=1", "/", "x=1"),
            ("http://host", "/", ""),
            ("/v3/x?a=1#frag", "/v3/x", "a=1"),
            (
                "/v3/audio/hello%20world/en",
                "/v3/audio/hello%20world/en",
                "",
            ),
        ];
        for (uri, path, query) in cases {
            assert_eq!(split_uri(uri), (path, query), "uri {uri}");
        }
    }

    #[test]
    fn query_values_are_decoded_and_ids_need_no_encoding() {
        let cases = [
            (format!("user_id={ID}"), ID.to_owned()),
            (format!("user_id={}", ID.to_lowercase()), ID.to_owned()),
            (format!("user_id=%7B{ID}%7D"), ID.to_owned()),
            (
                format!("due_only=true&user_id={ID}&user_id=other"),
                ID.to_owned(),
            ),
            (format!("user_id=+{ID}+"), ID.to_owned()),
        ];
        for (raw, expected) in cases {
            let query = Query::parse(&raw);
            assert_eq!(
                query.user_id().map(|id| id.to_string()),
                Ok(expected),
                "query {raw}"
            );
        }
        assert_eq!(
            Query::parse("w=caf%C3%A9+au+lait").get("w"),
            Some("café au lait")
        );
    }

    #[test]
    fn missing_or_malformed_query_ids_name_the_field() {
        let cases = [
            ("", None),
            ("user_id=", None),
            ("userid=x", None),
            ("user_id=abc", Some(InvalidValue::NotUuid)),
            ("user_id=12345", Some(InvalidValue::NotUuid)),
        ];
        for (raw, problem) in cases {
            let error = Query::parse(raw).user_id().unwrap_err();
            assert_eq!(error.field, "user_id", "query {raw:?}");
            assert_eq!(error.problem, problem, "query {raw:?}");
        }
    }

    #[test]
    fn flags_accept_booleans_and_ones_and_zeros() {
        let cases = [
            ("due_only=true", Ok(Some(true))),
            ("due_only=True", Ok(Some(true))),
            ("due_only=1", Ok(Some(true))),
            ("due_only=false", Ok(Some(false))),
            ("due_only=0", Ok(Some(false))),
            ("due_only=", Ok(None)),
            ("", Ok(None)),
            ("due_only=maybe", Err("due_only")),
            ("due_only=yes", Err("due_only")),
        ];
        for (raw, expected) in cases {
            let actual = Query::parse(raw).flag("due_only").map_err(|e| e.field);
            assert_eq!(actual, expected, "query {raw:?}");
        }
    }

    #[test]
    fn bodies_must_be_json_objects_of_bounded_size() {
        let cases: [(&[u8], u16); 6] = [
            (b"{not json", 400),
            (b"", 400),
            (b"[1, 2]", 400),
            (b"\"hello\"", 400),
            (b"null", 400),
            (b"{}", 0),
        ];
        for (raw, status) in cases {
            let result = JsonBody::parse(raw);
            assert_eq!(
                result.err().map_or(0, |e| e.status()),
                status,
                "body {:?}",
                String::from_utf8_lossy(raw)
            );
        }
        let big = format!("{{\"word\": \"{}\"}}", "x".repeat(JsonBody::MAX_BYTES));
        assert_eq!(
            JsonBody::parse(big.as_bytes()).err().map(|e| e.status()),
            Some(413)
        );
    }

    #[test]
    fn typed_fields_parse_or_name_the_field() {
        let b = body(json!({
            "user_id": ID.to_lowercase(),
            "word": "  Hello ",
            "learning_language": "en",
            "native_language": 5,
            "metadata": {"saved_at": 1.5},
            "nothing": null,
        }));
        assert_eq!(b.user_id().map(|u| u.to_string()), Ok(ID.to_owned()));
        assert_eq!(
            b.required("word", Word::parse).map(|w| w.to_string()),
            Ok("hello".to_owned())
        );
        assert_eq!(
            b.required("learning_language", LanguageCode::parse)
                .map(LanguageCode::code),
            Ok("en")
        );
        assert_eq!(
            b.required("native_language", LanguageCode::parse),
            Err(FieldError::new(
                "native_language",
                InvalidValue::WrongType("a string")
            ))
        );
        assert_eq!(
            b.required("nothing", LanguageCode::parse),
            Err(FieldError::missing("nothing"))
        );
        assert_eq!(b.optional("nothing", LanguageCode::parse), Ok(None));
        assert!(b.optional_object("metadata").unwrap().is_some());
        assert!(b.optional_object("word").is_err());
    }

    #[test]
    fn text_with_a_nul_character_is_refused_naming_the_field() {
        let b = body(json!({
            "word": "a\u{0}b",
            "user_name": "\u{0}",
            "metadata": {"note": ["ok", "x\u{0}"]},
            "clean": {"k": "v"},
        }));
        let nul = |field| Err(FieldError::new(field, InvalidValue::NulCharacter));
        assert_eq!(b.required("word", Word::parse).map(|_| ()), nul("word"));
        assert_eq!(b.optional_str("user_name").map(|_| ()), nul("user_name"));
        assert_eq!(b.optional_object("metadata").map(|_| ()), nul("metadata"));
        assert!(b.optional_object("clean").unwrap().is_some());
        assert_eq!(
            Query::parse("word=a%00b")
                .required("word", |w| Ok(w.to_owned()))
                .map(|_| ()),
            nul("word")
        );
    }

    #[test]
    fn objects_with_numbers_jsonb_cannot_give_back_are_refused_naming_the_field() {
        let b = body(json!({
            "huge": {"x": -1.797_693_134_862_315_7e308},
            "nested": {"a": [1, {"b": 1e301}]},
            "fine": {"a": [1e300, -1e300, 1.5e-300, 0, -7, u64::MAX]},
        }));
        let too_large = |field| Err(FieldError::new(field, InvalidValue::NumberTooLarge));
        assert_eq!(b.optional_object("huge").map(|_| ()), too_large("huge"));
        assert_eq!(b.optional_object("nested").map(|_| ()), too_large("nested"));
        assert!(b.optional_object("fine").unwrap().is_some());
    }

    #[test]
    fn review_responses_accept_booleans_and_zero_or_one() {
        let cases = [
            (json!(true), Ok(true)),
            (json!(false), Ok(false)),
            (json!(1), Ok(true)),
            (json!(0), Ok(false)),
            (json!(2), Err(())),
            (json!(-1), Err(())),
            (json!(1.0), Err(())),
            (json!("yes"), Err(())),
            (json!("true"), Err(())),
            (json!(null), Err(())),
        ];
        for (value, expected) in cases {
            let actual = body(json!({ "response": value }))
                .lenient_bool("response")
                .map_err(|_| ());
            assert_eq!(actual, expected, "response = {value}");
        }
    }

    #[test]
    fn ids_are_positive_integers_or_digit_strings() {
        let cases = [
            (json!(42), Ok(42)),
            (json!("42"), Ok(42)),
            (json!(" 7 "), Ok(7)),
            (json!(0), Err(())),
            (json!(-3), Err(())),
            (json!(1.5), Err(())),
            (json!("abc"), Err(())),
            (json!("4.2"), Err(())),
            (json!(""), Err(())),
            (json!(i64::from(i32::MAX) + 1), Err(())),
            (json!(true), Err(())),
        ];
        for (value, expected) in cases {
            let actual = body(json!({ "word_id": value }))
                .id("word_id")
                .map_err(|_| ());
            assert_eq!(actual, expected, "word_id = {value}");
        }
    }

    #[test]
    fn integers_reject_fractions_and_strings() {
        let b = body(json!({"a": 20, "b": 20.5, "c": "20"}));
        assert_eq!(b.optional_int("a"), Ok(Some(20)));
        assert!(b.optional_int("b").is_err());
        assert!(b.optional_int("c").is_err());
        assert_eq!(b.optional_int("missing"), Ok(None));
    }

    #[test]
    fn a_larger_body_parses_with_an_explicit_limit() {
        let big = format!(r#"{{"data":"{}"}}"#, "a".repeat(JsonBody::MAX_BYTES));
        assert!(matches!(
            JsonBody::parse(big.as_bytes()),
            Err(ApiError::PayloadTooLarge)
        ));
        let body = JsonBody::parse_limited(big.as_bytes(), big.len()).unwrap();
        assert_eq!(
            body.optional_str("data").unwrap().map(str::len),
            Some(JsonBody::MAX_BYTES)
        );
        assert!(matches!(
            JsonBody::parse_limited(big.as_bytes(), big.len() - 1),
            Err(ApiError::PayloadTooLarge)
        ));
        assert!(matches!(
            JsonBody::parse_limited(b"[1]", 1024),
            Err(ApiError::BadRequest(_))
        ));
    }
}

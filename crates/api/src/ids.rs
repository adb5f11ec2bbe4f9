//! Row ids from requests: a numeric path parameter (`/v3/words/{word_id}/details`) and a
//! JSON list of ids (`{"word_ids": [1, 2, 3]}`).

use domain::{FieldError, InvalidValue};
use serde_json::Value;
use spin_sdk::http::Request;

use crate::parse::storable;
use crate::{ApiError, JsonBody, path_param};

const NOT_AN_ID: InvalidValue = InvalidValue::WrongType("a positive integer id");

/// A row id written as digits: a positive integer that fits an `INTEGER` column.
fn parse_id(raw: &str) -> Option<i32> {
    let raw = raw.trim();
    if raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse::<i32>().ok().filter(|id| *id > 0)
}

/// The route parameter `name` (`:word_id`) as a row id; anything else is a 400 naming it.
///
/// ```no_run
/// # fn f(req: &spin_sdk::http::Request) -> api::Result<()> {
/// let word_id: i32 = api::path_id(req, "word_id")?;
/// # Ok(())
/// # }
/// ```
pub fn path_id(req: &Request, name: &'static str) -> Result<i32, FieldError> {
    let raw = path_param(req, name).ok_or(FieldError::missing(name))?;
    let raw = storable(name, &raw)?;
    parse_id(raw).ok_or(FieldError::new(name, NOT_AN_ID))
}

impl JsonBody {
    /// A JSON array of `min..=max` row ids (JSON integers or strings of digits), with
    /// duplicates removed, in the order of their first occurrence. A missing field, a
    /// non-array, a bad length or a bad item (named `field[i]`) is a 400.
    ///
    /// ```no_run
    /// # fn f(req: &spin_sdk::http::Request) -> api::Result<()> {
    /// let ids: Vec<i32> = api::JsonBody::of(req)?.id_list("word_ids", 1, 100)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn id_list(
        &self,
        field: &'static str,
        min: usize,
        max: usize,
    ) -> Result<Vec<i32>, ApiError> {
        let items = match self.get(field) {
            None => return Err(FieldError::missing(field).into()),
            Some(Value::Array(items)) => items,
            Some(_) => {
                return Err(
                    FieldError::new(field, InvalidValue::WrongType("an array of ids")).into(),
                );
            }
        };
        if items.len() < min || items.len() > max {
            return Err(ApiError::BadRequest(format!(
                "Invalid {field}: must hold between {min} and {max} ids (got {})",
                items.len()
            )));
        }
        let mut ids: Vec<i32> = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let id = match item {
                Value::Number(n) => n
                    .as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .filter(|id| *id > 0),
                Value::String(s) if s.contains('\0') => {
                    return Err(ApiError::BadRequest(format!(
                        "Invalid {field}[{i}]: {}",
                        InvalidValue::NulCharacter
                    )));
                }
                Value::String(s) => parse_id(s),
                _ => None,
            };
            let Some(id) = id else {
                return Err(ApiError::BadRequest(format!(
                    "Invalid {field}[{i}]: {NOT_AN_ID}"
                )));
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(value: Value) -> Result<Vec<i32>, String> {
        JsonBody::parse(json!({ "word_ids": value }).to_string().as_bytes())
            .unwrap()
            .id_list("word_ids", 1, 3)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn digits_are_ids_and_anything_else_is_not() {
        let cases = [
            ("42", Some(42)),
            (" 7 ", Some(7)),
            ("2147483647", Some(i32::MAX)),
            ("2147483648", None),
            ("0", None),
            ("-1", None),
            ("+1", None),
            ("1.5", None),
            ("abc", None),
            ("", None),
        ];
        for (raw, expected) in cases {
            assert_eq!(parse_id(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn id_lists_are_deduplicated_in_first_seen_order() {
        assert_eq!(ids(json!([3, "1", 3])), Ok(vec![3, 1]));
        assert_eq!(ids(json!([5])), Ok(vec![5]));
    }

    #[test]
    fn bad_id_lists_name_the_field_or_the_item() {
        let cases = [
            (
                json!([]),
                "Invalid word_ids: must hold between 1 and 3 ids (got 0)",
            ),
            (
                json!([1, 2, 3, 4]),
                "Invalid word_ids: must hold between 1 and 3 ids (got 4)",
            ),
            (json!("1,2"), "Invalid word_ids: must be an array of ids"),
            (
                json!([1, "x"]),
                "Invalid word_ids[1]: must be a positive integer id",
            ),
            (
                json!([1.5]),
                "Invalid word_ids[0]: must be a positive integer id",
            ),
            (
                json!([0]),
                "Invalid word_ids[0]: must be a positive integer id",
            ),
            (
                json!([null]),
                "Invalid word_ids[0]: must be a positive integer id",
            ),
            (
                json!([1, "2\u{0}"]),
                "Invalid word_ids[1]: must not contain a NUL character",
            ),
            (json!(null), "Missing required field: word_ids"),
        ];
        for (value, message) in cases {
            assert_eq!(ids(value.clone()), Err(message.to_owned()), "{value}");
        }
    }
}

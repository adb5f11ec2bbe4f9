//! Typed statement parameters: [`Param`] and [`ToParam`].

use spin_sdk::pg4::ParameterValue;

/// One statement parameter, already in the shape spin:postgres binds.
///
/// Spin binds parameters with strict types: the value's type must be the one Postgres
/// infers for the placeholder (see the crate documentation's table).
#[derive(Debug, Clone)]
pub struct Param(pub(crate) ParameterValue);

impl Param {
    /// SQL `NULL`; binds to a placeholder of any type.
    ///
    /// ```no_run
    /// let db = db::Db::open()?;
    /// db.execute("UPDATE reviews SET question_type = $1 WHERE id = $2", &[&db::Param::null(), &1i32])?;
    /// # Ok::<(), db::DbError>(())
    /// ```
    pub fn null() -> Param {
        Param(ParameterValue::DbNull)
    }

    /// The value spin:postgres receives.
    pub fn value(&self) -> &ParameterValue {
        &self.0
    }
}

/// A Rust value that binds as a statement parameter.
///
/// ```no_run
/// use db::{Db, ToParam};
///
/// # fn main() -> db::Result<()> {
/// let db = Db::open()?;
/// let user = uuid::Uuid::nil();
/// let word: Option<&str> = None; // binds NULL
/// let params: [&dyn ToParam; 2] = [&user, &word];
/// db.execute("DELETE FROM saved_words WHERE user_id = $1 AND ($2::text IS NULL OR word = $2)", &params)?;
/// # Ok(())
/// # }
/// ```
pub trait ToParam {
    /// The parameter this value binds as.
    fn to_param(&self) -> Param;
}

impl ToParam for Param {
    fn to_param(&self) -> Param {
        self.clone()
    }
}

impl<T: ToParam + ?Sized> ToParam for &T {
    fn to_param(&self) -> Param {
        (**self).to_param()
    }
}

impl<T: ToParam> ToParam for Option<T> {
    fn to_param(&self) -> Param {
        match self {
            Some(value) => value.to_param(),
            None => Param::null(),
        }
    }
}

impl ToParam for uuid::Uuid {
    fn to_param(&self) -> Param {
        Param(ParameterValue::Uuid(self.hyphenated().to_string()))
    }
}

impl ToParam for str {
    fn to_param(&self) -> Param {
        Param(ParameterValue::Str(self.to_owned()))
    }
}

impl ToParam for String {
    fn to_param(&self) -> Param {
        Param(ParameterValue::Str(self.clone()))
    }
}

impl ToParam for i16 {
    fn to_param(&self) -> Param {
        Param(ParameterValue::Int16(*self))
    }
}

impl ToParam for i32 {
    fn to_param(&self) -> Param {
        Param(ParameterValue::Int32(*self))
    }
}

impl ToParam for i64 {
    fn to_param(&self) -> Param {
        Param(ParameterValue::Int64(*self))
    }
}

impl ToParam for bool {
    fn to_param(&self) -> Param {
        Param(ParameterValue::Boolean(*self))
    }
}

impl ToParam for f64 {
    fn to_param(&self) -> Param {
        Param(ParameterValue::Floating64(*self))
    }
}

impl ToParam for chrono::NaiveDateTime {
    fn to_param(&self) -> Param {
        Param(ParameterValue::from(*self))
    }
}

impl ToParam for chrono::NaiveDate {
    fn to_param(&self) -> Param {
        Param(ParameterValue::from(*self))
    }
}

/// Binds as `JSONB`.
impl ToParam for serde_json::Value {
    fn to_param(&self) -> Param {
        // Serializing a `Value` cannot fail: its map keys are strings.
        Param(ParameterValue::Jsonb(
            serde_json::to_vec(self).unwrap_or_else(|_| b"null".to_vec()),
        ))
    }
}

pub(crate) fn to_values(params: &[&dyn ToParam]) -> Vec<ParameterValue> {
    params.iter().map(|p| p.to_param().0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveDateTime};

    fn value(param: &dyn ToParam) -> String {
        let debug = format!("{:?}", param.to_param().0);
        debug
            .strip_prefix("ParameterValue::")
            .map(str::to_owned)
            .unwrap_or(debug)
    }

    #[test]
    fn every_rust_type_binds_as_its_postgres_type() {
        let user = uuid::Uuid::parse_str("6F9619FF-8B86-D011-B42D-00C04FC964FF").unwrap();
        let at =
            NaiveDateTime::parse_from_str("2025-12-15 10:00:00.5", "%Y-%m-%d %H:%M:%S%.f").unwrap();
        let date = NaiveDate::from_ymd_opt(2025, 12, 24).unwrap();
        let json = serde_json::json!({"saved_at": 1.5});
        let text = String::from("word");
        let none = None::<i32>;
        let some = Some(3i32);
        let null = Param::null();
        let cases: Vec<(&dyn ToParam, &str, &str)> = vec![
            (
                &user,
                "Uuid(\"6f9619ff-8b86-d011-b42d-00c04fc964ff\")",
                "uuid, lower-case hyphenated",
            ),
            (&"word", "Str(\"word\")", "&str"),
            (&text, "Str(\"word\")", "String"),
            (&7i16, "Int16(7)", "i16"),
            (&7i32, "Int32(7)", "i32"),
            (&7i64, "Int64(7)", "i64"),
            (&true, "Boolean(true)", "bool"),
            (&1.5f64, "Floating64(1.5)", "f64"),
            (
                &at,
                "Datetime((2025, 12, 15, 10, 0, 0, 500000000))",
                "timestamp",
            ),
            (&date, "Date((2025, 12, 24))", "date"),
            (&json, "Jsonb([123, 34, 115", "jsonb bytes"),
            (&none, "DbNull", "None"),
            (&some, "Int32(3)", "Some"),
            (&null, "DbNull", "explicit null"),
        ];
        for (param, expected, description) in cases {
            let actual = value(param);
            assert!(
                actual.starts_with(expected),
                "{description}: got {actual}, expected {expected}"
            );
        }
    }

    #[test]
    fn a_parameter_list_keeps_its_order() {
        let values = to_values(&[&1i32, &"a", &None::<bool>]);
        assert_eq!(values.len(), 3);
        assert!(matches!(values.first(), Some(ParameterValue::Int32(1))));
        assert!(matches!(values.get(2), Some(ParameterValue::DbNull)));
    }
}

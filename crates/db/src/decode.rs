//! Decoding rows into serde types, by column name (structs, maps) or by position
//! (tuples), with errors that name the column.

use std::fmt;

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use spin_sdk::pg4::{Column, DbValue};

use crate::DbError;

/// Decodes one row into `T`.
pub(crate) fn decode_row<T: DeserializeOwned>(
    columns: &[Column],
    row: &[DbValue],
) -> Result<T, DbError> {
    T::deserialize(RowDeserializer { columns, row }).map_err(DecodeError::into_db_error)
}

/// Decodes the first column of a row into `T`.
pub(crate) fn decode_first<T: DeserializeOwned>(
    columns: &[Column],
    row: &[DbValue],
) -> Result<T, DbError> {
    let name = columns.first().map_or("?", |c| c.name.as_str());
    let value = row
        .first()
        .ok_or_else(|| DbError::decode(name, "the result has no column"))?;
    T::deserialize(ValueDeserializer { value }).map_err(|e| e.in_column(name).into_db_error())
}

/// A decoding failure, tagged with its column once known.
#[derive(Debug)]
struct DecodeError {
    column: Option<String>,
    message: String,
}

impl DecodeError {
    fn in_column(mut self, column: &str) -> Self {
        if self.column.is_none() {
            self.column = Some(column.to_owned());
        }
        self
    }

    fn into_db_error(self) -> DbError {
        DbError::decode(self.column.unwrap_or_else(|| "?".to_owned()), self.message)
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DecodeError {}

impl de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError {
            column: None,
            message: msg.to_string(),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DecodeError {
            column: Some(field.to_owned()),
            message: "the result has no such column".to_owned(),
        }
    }
}

/// A whole row: a map from column name to value, or a sequence of values.
struct RowDeserializer<'a> {
    columns: &'a [Column],
    row: &'a [DbValue],
}

impl<'de> de::Deserializer<'de> for RowDeserializer<'_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_map(RowMap {
            entries: self.columns.iter().zip(self.row.iter()),
            current: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_seq(RowSeq {
            entries: self.columns.iter().zip(self.row.iter()),
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct enum identifier ignored_any
    }
}

type Entries<'a> = std::iter::Zip<std::slice::Iter<'a, Column>, std::slice::Iter<'a, DbValue>>;

struct RowMap<'a> {
    entries: Entries<'a>,
    current: Option<(&'a str, &'a DbValue)>,
}

impl<'de> de::MapAccess<'de> for RowMap<'_> {
    type Error = DecodeError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DecodeError> {
        match self.entries.next() {
            Some((column, value)) => {
                self.current = Some((column.name.as_str(), value));
                seed.deserialize(column.name.as_str().into_deserializer())
                    .map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DecodeError> {
        let (name, value) = self
            .current
            .take()
            .ok_or_else(|| de::Error::custom("a value was asked for before its column"))?;
        seed.deserialize(ValueDeserializer { value })
            .map_err(|e| e.in_column(name))
    }
}

struct RowSeq<'a> {
    entries: Entries<'a>,
}

impl<'de> de::SeqAccess<'de> for RowSeq<'_> {
    type Error = DecodeError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DecodeError> {
        match self.entries.next() {
            Some((column, value)) => seed
                .deserialize(ValueDeserializer { value })
                .map(Some)
                .map_err(|e| e.in_column(&column.name)),
            None => Ok(None),
        }
    }
}

/// One column value.
struct ValueDeserializer<'a> {
    value: &'a DbValue,
}

impl ValueDeserializer<'_> {
    /// The JSON form of values serde reads through `serde_json`: JSONB and arrays.
    fn json(&self) -> Option<Result<serde_json::Value, DecodeError>> {
        let json = match self.value {
            DbValue::Jsonb(bytes) => {
                return Some(
                    serde_json::from_slice(bytes)
                        .map_err(|e| de::Error::custom(format!("invalid JSONB: {e}"))),
                );
            }
            DbValue::ArrayInt32(items) => items.iter().map(|v| (*v).into()).collect(),
            DbValue::ArrayInt64(items) => items.iter().map(|v| (*v).into()).collect(),
            DbValue::ArrayStr(items) | DbValue::ArrayDecimal(items) => {
                items.iter().map(|v| v.clone().into()).collect()
            }
            _ => return None,
        };
        Some(Ok(serde_json::Value::Array(json)))
    }
}

fn json_error(e: serde_json::Error) -> DecodeError {
    de::Error::custom(e)
}

/// A short text built on the stack: dates and timestamps handed to the visitor without
/// an allocation (row decoding runs for every column of every row).
struct StackText {
    buf: [u8; 40],
    len: usize,
}

impl StackText {
    fn new() -> StackText {
        StackText {
            buf: [0; 40],
            len: 0,
        }
    }

    fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dest = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dest.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Writes `YYYY-MM-DD` for a valid date of years 0 to 9999 (the forms chrono parses).
fn write_date(out: &mut StackText, year: i32, month: u8, day: u8) -> Option<()> {
    use std::fmt::Write;
    chrono::NaiveDate::from_ymd_opt(year, month.into(), day.into())?;
    if !(0..=9999).contains(&year) {
        return None;
    }
    write!(out, "{year:04}-{month:02}-{day:02}").ok()
}

/// Writes the time of day with fractional seconds as chrono's `%.f` does: none, or 3, 6
/// or 9 digits.
fn write_time(out: &mut StackText, hour: u8, minute: u8, second: u8, nanos: u32) -> Option<()> {
    use std::fmt::Write;
    chrono::NaiveTime::from_hms_nano_opt(hour.into(), minute.into(), second.into(), nanos)?;
    write!(out, "{hour:02}:{minute:02}:{second:02}").ok()?;
    match nanos {
        0 => Some(()),
        n if n % 1_000_000 == 0 => write!(out, ".{:03}", n / 1_000_000).ok(),
        n if n % 1_000 == 0 => write!(out, ".{:06}", n / 1_000).ok(),
        n => write!(out, ".{n:09}").ok(),
    }
}

fn datetime_text(
    (year, month, day, hour, minute, second, nanos): &(i32, u8, u8, u8, u8, u8, u32),
) -> Result<StackText, DecodeError> {
    let mut out = StackText::new();
    write_date(&mut out, *year, *month, *day)
        .and_then(|()| std::fmt::Write::write_char(&mut out, 'T').ok())
        .and_then(|()| write_time(&mut out, *hour, *minute, *second, *nanos))
        .map(|()| out)
        .ok_or_else(|| de::Error::custom("invalid timestamp"))
}

fn date_text((year, month, day): &(i32, u8, u8)) -> Result<StackText, DecodeError> {
    let mut out = StackText::new();
    write_date(&mut out, *year, *month, *day)
        .map(|()| out)
        .ok_or_else(|| de::Error::custom("invalid date"))
}

fn time_text((hour, minute, second, nanos): &(u8, u8, u8, u32)) -> Result<StackText, DecodeError> {
    let mut out = StackText::new();
    write_time(&mut out, *hour, *minute, *second, *nanos)
        .map(|()| out)
        .ok_or_else(|| de::Error::custom("invalid time"))
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        if let Some(json) = self.json() {
            return json?.deserialize_any(visitor).map_err(json_error);
        }
        match self.value {
            DbValue::Boolean(v) => visitor.visit_bool(*v),
            DbValue::Int8(v) => visitor.visit_i8(*v),
            DbValue::Int16(v) => visitor.visit_i16(*v),
            DbValue::Int32(v) => visitor.visit_i32(*v),
            DbValue::Int64(v) => visitor.visit_i64(*v),
            DbValue::Floating32(v) => visitor.visit_f32(*v),
            DbValue::Floating64(v) => visitor.visit_f64(*v),
            DbValue::Str(v) | DbValue::Uuid(v) | DbValue::Decimal(v) => visitor.visit_str(v),
            DbValue::Binary(v) => visitor.visit_bytes(v),
            DbValue::Date(v) => visitor.visit_str(date_text(v)?.as_str()),
            DbValue::Time(v) => visitor.visit_str(time_text(v)?.as_str()),
            DbValue::Datetime(v) => visitor.visit_str(datetime_text(v)?.as_str()),
            DbValue::Timestamp(v) => visitor.visit_i64(*v),
            DbValue::DbNull => visitor.visit_none(),
            other => Err(de::Error::custom(format!(
                "unsupported Postgres value {}",
                value_kind(other)
            ))),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        match self.value {
            DbValue::DbNull => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DecodeError> {
        if let Some(json) = self.json() {
            return json?
                .deserialize_enum(name, variants, visitor)
                .map_err(json_error);
        }
        match self.value {
            DbValue::Str(v) => visitor.visit_enum(v.as_str().into_deserializer()),
            _ => self.deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DecodeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

fn value_kind(value: &DbValue) -> &'static str {
    match value {
        DbValue::RangeInt32(_) | DbValue::RangeInt64(_) | DbValue::RangeDecimal(_) => "range",
        DbValue::Interval(_) => "interval",
        DbValue::Unsupported(_) => "of an unsupported type",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveDateTime};
    use serde::Deserialize;
    use spin_sdk::pg4::DbDataType;

    fn columns(names: &[&str]) -> Vec<Column> {
        names
            .iter()
            .map(|n| Column {
                name: (*n).to_owned(),
                data_type: DbDataType::Str,
            })
            .collect()
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Word {
        id: i32,
        word: String,
        user_id: uuid::Uuid,
        metadata: serde_json::Value,
        created_at: NaiveDateTime,
        due: NaiveDate,
        review_count: i64,
        last_reviewed_at: Option<NaiveDateTime>,
        is_known: bool,
        score: f64,
        windows: Vec<i64>,
    }

    fn word_row() -> (Vec<Column>, Vec<DbValue>) {
        let cols = columns(&[
            "id",
            "word",
            "user_id",
            "metadata",
            "created_at",
            "due",
            "review_count",
            "last_reviewed_at",
            "is_known",
            "score",
            "windows",
            "extra_column",
        ]);
        let row = vec![
            DbValue::Int32(7),
            DbValue::Str("hello".into()),
            DbValue::Uuid("6f9619ff-8b86-d011-b42d-00c04fc964ff".into()),
            DbValue::Jsonb(br#"{"saved_at": 1.5}"#.to_vec()),
            DbValue::Datetime((2025, 12, 15, 10, 0, 0, 123_456_000)),
            DbValue::Date((2025, 12, 16)),
            DbValue::Int64(5),
            DbValue::DbNull,
            DbValue::Boolean(false),
            DbValue::Int32(3),
            DbValue::ArrayInt64(vec![Some(1), Some(2)]),
            DbValue::Str("ignored".into()),
        ];
        (cols, row)
    }

    #[test]
    fn a_row_decodes_into_a_struct_by_column_name() {
        let (cols, row) = word_row();
        let word: Word = decode_row(&cols, &row).unwrap();
        assert_eq!(
            word,
            Word {
                id: 7,
                word: "hello".into(),
                user_id: uuid::Uuid::parse_str("6F9619FF-8B86-D011-B42D-00C04FC964FF").unwrap(),
                metadata: serde_json::json!({"saved_at": 1.5}),
                created_at: NaiveDateTime::parse_from_str(
                    "2025-12-15 10:00:00.123456",
                    "%Y-%m-%d %H:%M:%S%.f"
                )
                .unwrap(),
                due: NaiveDate::from_ymd_opt(2025, 12, 16).unwrap(),
                review_count: 5,
                last_reviewed_at: None,
                is_known: false,
                score: 3.0,
                windows: vec![1, 2],
            }
        );
    }

    #[test]
    fn a_row_decodes_into_a_tuple_by_position() {
        let cols = columns(&["id", "created_at"]);
        let row = vec![
            DbValue::Int32(1),
            DbValue::Datetime((2025, 1, 2, 3, 4, 5, 0)),
        ];
        let (id, at): (i32, NaiveDateTime) = decode_row(&cols, &row).unwrap();
        assert_eq!(id, 1);
        assert_eq!(at.to_string(), "2025-01-02 03:04:05");
    }

    #[test]
    fn jsonb_decodes_into_a_typed_struct() {
        #[derive(Debug, Deserialize, PartialEq)]
        struct Review {
            reviewed_at: NaiveDateTime,
            correct: bool,
        }
        #[derive(Debug, Deserialize)]
        struct Row {
            history: Vec<Review>,
        }
        let cols = columns(&["history"]);
        let row = vec![DbValue::Jsonb(
            br#"[{"reviewed_at": "2025-12-15T10:00:00.5", "correct": true}]"#.to_vec(),
        )];
        let decoded: Row = decode_row(&cols, &row).unwrap();
        assert_eq!(decoded.history.len(), 1);
        assert!(decoded.history.iter().all(|r| r.correct));
    }

    #[test]
    fn integers_widen_and_narrow_when_the_value_fits() {
        #[derive(Debug, Deserialize)]
        struct Counts {
            small: i32,
            unsigned: u32,
        }
        let cols = columns(&["small", "unsigned"]);
        let fits = vec![DbValue::Int64(12), DbValue::Int64(3)];
        let counts: Counts = decode_row(&cols, &fits).unwrap();
        assert_eq!((counts.small, counts.unsigned), (12, 3));

        let too_big = vec![DbValue::Int64(i64::MAX), DbValue::Int64(3)];
        let error = decode_row::<Counts>(&cols, &too_big).unwrap_err();
        assert!(matches!(error, DbError::Decode { ref column, .. } if column == "small"));
    }

    #[test]
    fn errors_name_the_offending_column() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Row {
            id: i32,
            word: String,
        }
        let cases: Vec<(Vec<&str>, Vec<DbValue>, &str, &str)> = vec![
            (
                vec!["id", "word"],
                vec![DbValue::Str("x".into()), DbValue::Str("w".into())],
                "id",
                "wrong type",
            ),
            (
                vec!["id", "word"],
                vec![DbValue::Int32(1), DbValue::DbNull],
                "word",
                "NULL into a non-Option",
            ),
            (
                vec!["id"],
                vec![DbValue::Int32(1)],
                "word",
                "missing column",
            ),
            (
                vec!["id", "word"],
                vec![DbValue::Int32(1), DbValue::Unsupported(vec![1])],
                "word",
                "unsupported type",
            ),
        ];
        for (names, row, column, description) in cases {
            let error = decode_row::<Row>(&columns(&names), &row).unwrap_err();
            match error {
                DbError::Decode { column: actual, .. } => {
                    assert_eq!(actual, column, "{description}")
                }
                other => panic!("{description}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn a_text_column_decodes_into_a_unit_enum() {
        #[derive(Debug, Deserialize, PartialEq)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        enum Level {
            ToeflBeginner,
            Demo,
        }
        let cols = columns(&["level"]);
        let level: Level = decode_first(&cols, &[DbValue::Str("DEMO".into())]).unwrap();
        assert_eq!(level, Level::Demo);
    }

    #[test]
    fn the_first_column_decodes_as_a_scalar() {
        let cols = columns(&["count"]);
        let count: i64 = decode_first(&cols, &[DbValue::Int64(42)]).unwrap();
        assert_eq!(count, 42);
        let text: String =
            decode_first(&cols, &[DbValue::Datetime((2025, 1, 2, 3, 4, 5, 0))]).unwrap();
        assert_eq!(text, "2025-01-02T03:04:05");
        assert!(matches!(
            decode_first::<i64>(&[], &[]),
            Err(DbError::Decode { .. })
        ));
    }

    #[test]
    fn dates_and_times_read_as_chrono_writes_them() {
        let cols = columns(&["at"]);
        let stamps = [
            (2025, 1, 2, 3, 4, 5, 0),
            (2025, 12, 31, 23, 59, 59, 120_000_000),
            (1999, 2, 28, 0, 0, 0, 123_456_000),
            (2024, 2, 29, 12, 30, 1, 123_456_789),
            (1, 1, 1, 0, 0, 0, 1),
        ];
        for (y, mo, d, h, mi, s, n) in stamps {
            let expected = chrono::NaiveDate::from_ymd_opt(y, mo.into(), d.into())
                .and_then(|d| d.and_hms_nano_opt(h.into(), mi.into(), s.into(), n))
                .unwrap();
            let text: String =
                decode_first(&cols, &[DbValue::Datetime((y, mo, d, h, mi, s, n))]).unwrap();
            assert_eq!(text, expected.format("%Y-%m-%dT%H:%M:%S%.f").to_string());
            let at: NaiveDateTime =
                decode_first(&cols, &[DbValue::Datetime((y, mo, d, h, mi, s, n))]).unwrap();
            assert_eq!(at, expected);
            let time: String = decode_first(&cols, &[DbValue::Time((h, mi, s, n))]).unwrap();
            assert_eq!(time, expected.time().format("%H:%M:%S%.f").to_string());
            let date: NaiveDate = decode_first(&cols, &[DbValue::Date((y, mo, d))]).unwrap();
            assert_eq!(date, expected.date());
        }
        assert!(
            decode_first::<String>(&cols, &[DbValue::Datetime((2025, 2, 30, 0, 0, 0, 0))]).is_err()
        );
        assert!(decode_first::<String>(&cols, &[DbValue::Date((2025, 13, 1))]).is_err());
    }
}

//! [`Bytes`]: `BYTEA` values.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use spin_sdk::pg4::ParameterValue;

use crate::params::{Param, ToParam};

/// A `BYTEA` value, decoded from a column or bound as a parameter.
///
/// A plain `Vec<u8>` field would ask serde for a sequence of numbers; this type asks
/// for bytes, which is what spin:postgres returns for `BYTEA`.
///
/// ```no_run
/// #[derive(serde::Deserialize)]
/// struct Clip { total_bytes: i32, data: db::Bytes }
///
/// let db = db::Db::open()?;
/// let clip: Clip = db.fetch_one(
///     "SELECT octet_length(video_data) AS total_bytes, substring(video_data FROM 1 FOR 16) AS data \
///      FROM videos WHERE id = $1",
///     &[&1i32],
/// )?;
/// let first_bytes: Vec<u8> = clip.data.into_inner();
/// # Ok::<(), db::DbError>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Bytes {
    /// The bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

/// Shows the length, not the content (values can be megabytes).
impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}

struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Bytes;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a BYTEA value")
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
        Ok(Bytes(v.to_vec()))
    }

    fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
        Ok(Bytes(v))
    }
}

/// Binds as `BYTEA`.
impl ToParam for Bytes {
    fn to_param(&self) -> Param {
        Param(ParameterValue::Binary(self.0.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spin_sdk::pg4::{Column, DbDataType, DbValue};

    #[test]
    fn bytea_columns_decode_into_bytes() {
        let columns = vec![Column {
            name: "data".to_owned(),
            data_type: DbDataType::Binary,
        }];
        let row = vec![DbValue::Binary(vec![0, 1, 255])];
        let (data,): (Bytes,) = crate::decode::decode_row(&columns, &row).unwrap();
        assert_eq!(data.into_inner(), vec![0, 1, 255]);
        let text = vec![DbValue::Str("x".to_owned())];
        assert!(crate::decode::decode_row::<(Bytes,)>(&columns, &text).is_err());
    }

    #[test]
    fn bytes_bind_as_binary_and_debug_shows_only_the_length() {
        let bytes = Bytes(vec![7; 3]);
        assert!(matches!(bytes.to_param().value(), ParameterValue::Binary(v) if v == &[7, 7, 7]));
        assert_eq!(format!("{bytes:?}"), "Bytes(3 bytes)");
    }
}

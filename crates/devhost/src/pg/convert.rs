//! Postgres values to and from `spin:postgres@4.0.0` values, with the same Rust types Spin's
//! outbound-pg host binds and reads, so conversions succeed and fail exactly where Spin's do.
//!
//! | Postgres                       | WIT `db-value`   | Rust type read / bound             |
//! |--------------------------------|------------------|------------------------------------|
//! | `bool`                         | `boolean`        | `bool`                             |
//! | `int2` / `int4` / `int8`       | `int16/32/64`    | `i16` / `i32` / `i64`              |
//! | `float4` / `float8`            | `floating32/64`  | `f32` / `f64`                      |
//! | `text`, `varchar`, `bpchar`    | `str`            | `String`                           |
//! | `bytea`                        | `binary`         | `Vec<u8>`                          |
//! | `timestamp`                    | `datetime`       | `chrono::NaiveDateTime`            |
//! | `timestamptz`                  | `datetime`       | `NaiveDateTime`: **reading fails** |
//! | `date` / `time`                | `date` / `time`  | `NaiveDate` / `NaiveTime`          |
//! | `uuid`                         | `uuid`           | `uuid::Uuid`                       |
//! | `jsonb`                        | `jsonb`          | `serde_json::Value`                |
//! | `numeric`                      | `decimal`        | `rust_decimal::Decimal`            |
//! | `int4range`/`int8range`/`numrange` | `range-*`    | `postgres_range::Range<_>`         |
//! | `int4[]`/`int8[]`/`numeric[]`/`text[]` | `array-*` | `Vec<Option<_>>`                  |
//! | `interval`                     | `interval`       | 16-byte binary                     |
//! | anything else                  | `unsupported`    | raw binary bytes                   |
//!
//! Parameters bind with the Rust type of their variant and are checked against the type the
//! server inferred: a `str` where the server wants `uuid` fails (`WrongType`), as on Spin.

use anyhow::{Context, anyhow};
use bytes::BufMut;
use chrono::{Datelike, Timelike};
use tokio_postgres::Row;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use crate::bindings::pg4::{Column, DbDataType, DbValue, Interval, ParameterValue, RangeBoundKind};

type BoxError = Box<dyn std::error::Error + Sync + Send>;
type WitRange<T> = (Option<(T, RangeBoundKind)>, Option<(T, RangeBoundKind)>);

/// The column type a row set reports.
pub(crate) fn data_type(ty: &Type) -> DbDataType {
    match *ty {
        Type::BOOL => DbDataType::Boolean,
        Type::BYTEA => DbDataType::Binary,
        Type::FLOAT4 => DbDataType::Floating32,
        Type::FLOAT8 => DbDataType::Floating64,
        Type::INT2 => DbDataType::Int16,
        Type::INT4 => DbDataType::Int32,
        Type::INT8 => DbDataType::Int64,
        Type::TEXT | Type::VARCHAR | Type::BPCHAR => DbDataType::Str,
        Type::TIMESTAMP | Type::TIMESTAMPTZ => DbDataType::Datetime,
        Type::DATE => DbDataType::Date,
        Type::TIME => DbDataType::Time,
        Type::UUID => DbDataType::Uuid,
        Type::JSONB => DbDataType::Jsonb,
        Type::NUMERIC => DbDataType::Decimal,
        Type::INT4_RANGE => DbDataType::RangeInt32,
        Type::INT8_RANGE => DbDataType::RangeInt64,
        Type::NUM_RANGE => DbDataType::RangeDecimal,
        Type::INT4_ARRAY => DbDataType::ArrayInt32,
        Type::INT8_ARRAY => DbDataType::ArrayInt64,
        Type::NUMERIC_ARRAY => DbDataType::ArrayDecimal,
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => DbDataType::ArrayStr,
        Type::INTERVAL => DbDataType::Interval,
        _ => DbDataType::Other(ty.name().to_owned()),
    }
}

/// Column descriptions taken from the first row (Spin reports none for an empty result).
pub(crate) fn columns(row: &Row) -> Vec<Column> {
    row.columns()
        .iter()
        .map(|c| Column {
            name: c.name().to_owned(),
            data_type: data_type(c.type_()),
        })
        .collect()
}

/// Reads every value of a row; the first failure fails the row.
pub(crate) fn row_values(row: &Row) -> anyhow::Result<Vec<DbValue>> {
    (0..row.len()).map(|i| value(row, i)).collect()
}

fn read<'a, T: FromSql<'a>, W>(
    row: &'a Row,
    index: usize,
    wrap: impl FnOnce(T) -> anyhow::Result<W>,
    ctor: impl FnOnce(W) -> DbValue,
) -> anyhow::Result<DbValue> {
    let value: Option<T> = row.try_get(index)?;
    Ok(match value {
        Some(v) => ctor(wrap(v)?),
        None => DbValue::DbNull,
    })
}

fn value(row: &Row, index: usize) -> anyhow::Result<DbValue> {
    let ty = row
        .columns()
        .get(index)
        .map(|c| c.type_().clone())
        .context("column index out of range")?;
    match ty {
        Type::BOOL => read(row, index, Ok, DbValue::Boolean),
        Type::BYTEA => read(row, index, Ok, DbValue::Binary),
        Type::FLOAT4 => read(row, index, Ok, DbValue::Floating32),
        Type::FLOAT8 => read(row, index, Ok, DbValue::Floating64),
        Type::INT2 => read(row, index, Ok, DbValue::Int16),
        Type::INT4 => read(row, index, Ok, DbValue::Int32),
        Type::INT8 => read(row, index, Ok, DbValue::Int64),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR => read(row, index, Ok, DbValue::Str),
        Type::TIMESTAMP | Type::TIMESTAMPTZ => read(row, index, datetime_to_wit, DbValue::Datetime),
        Type::DATE => read(row, index, date_to_wit, DbValue::Date),
        Type::TIME => read(row, index, time_to_wit, DbValue::Time),
        Type::UUID => read(row, index, |v: uuid::Uuid| Ok(v.to_string()), DbValue::Uuid),
        Type::JSONB => read(
            row,
            index,
            |v: serde_json::Value| serde_json::to_vec(&v).context("invalid JSON from database"),
            DbValue::Jsonb,
        ),
        Type::NUMERIC => read(
            row,
            index,
            |v: rust_decimal::Decimal| Ok(v.to_string()),
            DbValue::Decimal,
        ),
        Type::INT4_RANGE => read(
            row,
            index,
            |r| Ok(range_to_wit::<i32>(r)),
            DbValue::RangeInt32,
        ),
        Type::INT8_RANGE => read(
            row,
            index,
            |r| Ok(range_to_wit::<i64>(r)),
            DbValue::RangeInt64,
        ),
        Type::NUM_RANGE => read(
            row,
            index,
            |r| Ok(decimal_range_to_wit(r)),
            DbValue::RangeDecimal,
        ),
        Type::INT4_ARRAY => read(row, index, Ok, DbValue::ArrayInt32),
        Type::INT8_ARRAY => read(row, index, Ok, DbValue::ArrayInt64),
        Type::NUMERIC_ARRAY => read(
            row,
            index,
            |v: Vec<Option<rust_decimal::Decimal>>| {
                Ok(v.into_iter().map(|d| d.map(|d| d.to_string())).collect())
            },
            DbValue::ArrayDecimal,
        ),
        Type::TEXT_ARRAY | Type::VARCHAR_ARRAY | Type::BPCHAR_ARRAY => {
            read(row, index, Ok, DbValue::ArrayStr)
        }
        Type::INTERVAL => read(row, index, |v: PgInterval| Ok(v.0), DbValue::Interval),
        _ => read(row, index, |v: RawValue| Ok(v.0), DbValue::Unsupported),
    }
}

/// A boxed parameter ready to bind.
pub(crate) type SqlParam = Box<dyn ToSql + Send + Sync>;

/// Converts one guest parameter to the Rust type Spin binds it as.
pub(crate) fn to_sql(value: &ParameterValue) -> anyhow::Result<SqlParam> {
    Ok(match value {
        ParameterValue::Boolean(v) => Box::new(*v),
        ParameterValue::Int8(v) => Box::new(*v),
        ParameterValue::Int16(v) => Box::new(*v),
        ParameterValue::Int32(v) => Box::new(*v),
        ParameterValue::Int64(v) => Box::new(*v),
        ParameterValue::Floating32(v) => Box::new(*v),
        ParameterValue::Floating64(v) => Box::new(*v),
        ParameterValue::Str(v) => Box::new(v.clone()),
        ParameterValue::Binary(v) => Box::new(v.clone()),
        ParameterValue::Date((y, m, d)) => Box::new(date_from_wit(*y, *m, *d)?),
        ParameterValue::Time((h, min, s, ns)) => Box::new(time_from_wit(*h, *min, *s, *ns)?),
        ParameterValue::Datetime((y, mon, d, h, min, s, ns)) => {
            Box::new(chrono::NaiveDateTime::new(
                date_from_wit(*y, *mon, *d)?,
                time_from_wit(*h, *min, *s, *ns)?,
            ))
        }
        ParameterValue::Timestamp(v) => Box::new(
            chrono::DateTime::<chrono::Utc>::from_timestamp(*v, 0)
                .ok_or_else(|| anyhow!("invalid epoch timestamp {v}"))?,
        ),
        ParameterValue::Uuid(v) => {
            Box::new(uuid::Uuid::parse_str(v).with_context(|| format!("invalid UUID {v}"))?)
        }
        ParameterValue::Jsonb(v) => Box::new(
            serde_json::from_slice::<serde_json::Value>(v)
                .with_context(|| format!("invalid JSON {}", String::from_utf8_lossy(v)))?,
        ),
        ParameterValue::Decimal(v) => Box::new(parse_decimal(v)?),
        ParameterValue::RangeInt32(r) => Box::new(range_from_wit(*r)),
        ParameterValue::RangeInt64(r) => Box::new(range_from_wit(*r)),
        ParameterValue::RangeDecimal((lower, upper)) => {
            let bound = |b: &Option<(String, RangeBoundKind)>| -> anyhow::Result<_> {
                b.as_ref()
                    .map(|(v, kind)| Ok((RangeableDecimal(parse_decimal(v)?), *kind)))
                    .transpose()
            };
            Box::new(range_from_wit((bound(lower)?, bound(upper)?)))
        }
        ParameterValue::ArrayInt32(v) => Box::new(v.clone()),
        ParameterValue::ArrayInt64(v) => Box::new(v.clone()),
        ParameterValue::ArrayDecimal(v) => Box::new(
            v.iter()
                .map(|d| d.as_deref().map(parse_decimal).transpose())
                .collect::<anyhow::Result<Vec<_>>>()?,
        ),
        ParameterValue::ArrayStr(v) => Box::new(v.clone()),
        ParameterValue::Interval(v) => Box::new(PgInterval(*v)),
        ParameterValue::DbNull => Box::new(PgNull),
    })
}

fn parse_decimal(v: &str) -> anyhow::Result<rust_decimal::Decimal> {
    rust_decimal::Decimal::from_str_exact(v).with_context(|| format!("invalid decimal {v}"))
}

fn date_from_wit(y: i32, m: u8, d: u8) -> anyhow::Result<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(y, m.into(), d.into())
        .ok_or_else(|| anyhow!("invalid date y={y}, m={m}, d={d}"))
}

fn time_from_wit(h: u8, min: u8, s: u8, ns: u32) -> anyhow::Result<chrono::NaiveTime> {
    chrono::NaiveTime::from_hms_nano_opt(h.into(), min.into(), s.into(), ns)
        .ok_or_else(|| anyhow!("invalid time {h}:{min}:{s}:{ns}"))
}

fn datetime_to_wit(v: chrono::NaiveDateTime) -> anyhow::Result<(i32, u8, u8, u8, u8, u8, u32)> {
    Ok((
        v.year(),
        v.month().try_into()?,
        v.day().try_into()?,
        v.hour().try_into()?,
        v.minute().try_into()?,
        v.second().try_into()?,
        v.nanosecond(),
    ))
}

fn date_to_wit(v: chrono::NaiveDate) -> anyhow::Result<(i32, u8, u8)> {
    Ok((v.year(), v.month().try_into()?, v.day().try_into()?))
}

fn time_to_wit(v: chrono::NaiveTime) -> anyhow::Result<(u8, u8, u8, u32)> {
    Ok((
        v.hour().try_into()?,
        v.minute().try_into()?,
        v.second().try_into()?,
        v.nanosecond(),
    ))
}

fn bound_kind_from_wit(kind: RangeBoundKind) -> postgres_range::BoundType {
    match kind {
        RangeBoundKind::Inclusive => postgres_range::BoundType::Inclusive,
        RangeBoundKind::Exclusive => postgres_range::BoundType::Exclusive,
    }
}

fn bound_kind_to_wit(kind: postgres_range::BoundType) -> RangeBoundKind {
    match kind {
        postgres_range::BoundType::Inclusive => RangeBoundKind::Inclusive,
        postgres_range::BoundType::Exclusive => RangeBoundKind::Exclusive,
    }
}

fn range_from_wit<T: postgres_range::Normalizable + PartialOrd>(
    (lower, upper): WitRange<T>,
) -> postgres_range::Range<T> {
    postgres_range::Range::new(
        lower.map(|(v, k)| postgres_range::RangeBound::new(v, bound_kind_from_wit(k))),
        upper.map(|(v, k)| postgres_range::RangeBound::new(v, bound_kind_from_wit(k))),
    )
}

fn range_to_wit<T: Copy + postgres_range::Normalizable + PartialOrd>(
    r: postgres_range::Range<T>,
) -> WitRange<T> {
    (
        r.lower().map(|b| (b.value, bound_kind_to_wit(b.type_))),
        r.upper().map(|b| (b.value, bound_kind_to_wit(b.type_))),
    )
}

fn decimal_range_to_wit(r: postgres_range::Range<RangeableDecimal>) -> WitRange<String> {
    (
        r.lower()
            .map(|b| (b.value.0.to_string(), bound_kind_to_wit(b.type_))),
        r.upper()
            .map(|b| (b.value.0.to_string(), bound_kind_to_wit(b.type_))),
    )
}

/// `NUMERIC` usable inside `postgres_range::Range` (continuous: bounds are kept as given).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct RangeableDecimal(rust_decimal::Decimal);

impl ToSql for RangeableDecimal {
    to_sql_checked!();

    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        self.0.to_sql(ty, out)
    }

    fn accepts(ty: &Type) -> bool {
        <rust_decimal::Decimal as ToSql>::accepts(ty)
    }
}

impl<'a> FromSql<'a> for RangeableDecimal {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        <rust_decimal::Decimal as FromSql>::from_sql(ty, raw).map(RangeableDecimal)
    }

    fn accepts(ty: &Type) -> bool {
        <rust_decimal::Decimal as FromSql>::accepts(ty)
    }
}

impl postgres_range::Normalizable for RangeableDecimal {
    fn normalize<S: postgres_range::BoundSided>(
        bound: postgres_range::RangeBound<S, Self>,
    ) -> postgres_range::RangeBound<S, Self> {
        bound
    }
}

/// `INTERVAL` in its binary form: microseconds, days, months.
#[derive(Debug)]
struct PgInterval(Interval);

impl ToSql for PgInterval {
    to_sql_checked!();

    fn to_sql(&self, _ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        out.put_i64(self.0.micros);
        out.put_i32(self.0.days);
        out.put_i32(self.0.months);
        Ok(IsNull::No)
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

impl<'a> FromSql<'a> for PgInterval {
    fn from_sql(_ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        let bytes: [u8; 16] = raw
            .try_into()
            .map_err(|_| "unexpected binary format for Postgres INTERVAL")?;
        let [
            m0,
            m1,
            m2,
            m3,
            m4,
            m5,
            m6,
            m7,
            d0,
            d1,
            d2,
            d3,
            o0,
            o1,
            o2,
            o3,
        ] = bytes;
        Ok(PgInterval(Interval {
            micros: i64::from_be_bytes([m0, m1, m2, m3, m4, m5, m6, m7]),
            days: i32::from_be_bytes([d0, d1, d2, d3]),
            months: i32::from_be_bytes([o0, o1, o2, o3]),
        }))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::INTERVAL
    }
}

/// SQL `NULL` for a parameter of any type (an `Option::<T>::None` would be type-checked).
#[derive(Debug)]
struct PgNull;

impl ToSql for PgNull {
    fn to_sql(&self, _ty: &Type, _out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        Ok(IsNull::Yes)
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }

    fn to_sql_checked(&self, _ty: &Type, _out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        Ok(IsNull::Yes)
    }
}

/// The raw binary value of a type Spin does not map.
#[derive(Debug)]
struct RawValue(Vec<u8>);

impl<'a> FromSql<'a> for RawValue {
    fn from_sql(_ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(RawValue(raw.to_vec()))
    }

    fn accepts(_ty: &Type) -> bool {
        true
    }
}

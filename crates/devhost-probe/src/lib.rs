//! Probe component for the development host's integration tests.
//!
//! Every route is declared in `crates/devhost/tests/fixtures/spin.toml`; the probe picks its
//! behaviour from the first path segment after the route prefix:
//!
//! | path              | behaviour                                                        |
//! |-------------------|------------------------------------------------------------------|
//! | (anything else)   | JSON echo of method, path, body length and every `spin-*` header |
//! | `/var/<name>`     | `spin_sdk::variables::get(name)`: 200 value, 404/400 error kind   |
//! | `/pg/query`       | JSON `{sql, params, url?}` run with `query`; JSON rows or error  |
//! | `/pg/execute`     | same with `execute`                                              |
//! | `/pg/hold?ms=N`   | opens a connection, `pg_sleep`s N ms on it, then answers        |
//! | `/pg/begin-trap`  | `BEGIN`, insert the body text into `probe_log`, then trap       |
//! | `/trap`           | traps                                                            |
//! | `/spin?ms=N`      | busy-loops for N ms (no host calls)                              |
//! | `/sleep?ms=N`     | sleeps N ms in the host (WASI poll)                              |
//! | `/http?url=U`     | outbound GET of `U`; status or the error code                   |

use anyhow::{Context, anyhow};
use serde_json::{Value, json};
use spin_sdk::http::{IntoResponse, Request, Response};
use spin_sdk::http_component;
use spin_sdk::pg4::{
    self, Connection, DbDataType, DbValue, Interval, ParameterValue, QueryError, RangeBoundKind,
};

#[http_component]
async fn handle(req: Request) -> anyhow::Result<impl IntoResponse> {
    let info = req
        .header("spin-path-info")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let mut segments = info.trim_start_matches('/').splitn(2, '/');
    let first = segments.next().unwrap_or_default();
    let rest = segments.next().unwrap_or_default();
    match (first, rest) {
        ("var", name) => Ok(variable(name)),
        ("pg", "query") => Ok(pg_call(&req, false)),
        ("pg", "execute") => Ok(pg_call(&req, true)),
        ("pg", "hold") => Ok(pg_hold(&req)),
        ("pg", "begin-trap") => pg_begin_trap(&req),
        ("trap", _) => panic!("probe asked to trap"),
        ("spin", _) => {
            let until = std::time::Instant::now() + millis(&req);
            let mut n: u64 = 0;
            while std::time::Instant::now() < until {
                n = n.wrapping_add(1);
            }
            Ok(json_response(200, json!({ "spun": n })))
        }
        ("sleep", _) => {
            std::thread::sleep(millis(&req));
            Ok(json_response(200, json!({ "slept": true })))
        }
        ("http", _) => Ok(outbound(&req).await),
        _ => Ok(echo(&req)),
    }
}

fn json_response(status: u16, body: Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}

fn query_param<'a>(req: &'a Request, key: &str) -> Option<&'a str> {
    req.query()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

fn millis(req: &Request) -> std::time::Duration {
    let ms = query_param(req, "ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    std::time::Duration::from_millis(ms)
}

/// Requests this instance has served; a fresh instance per request always reports 1.
static SERVED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

fn echo(req: &Request) -> Response {
    let served = SERVED.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
    let headers: serde_json::Map<String, Value> = req
        .headers()
        .filter(|(name, _)| name.starts_with("spin-") || *name == "host")
        .map(|(name, value)| {
            (
                name.to_owned(),
                Value::String(value.as_str().unwrap_or_default().to_owned()),
            )
        })
        .collect();
    json_response(
        200,
        json!({
            "method": req.method().to_string(),
            "path": req.path(),
            "query": req.query(),
            "body_len": req.body().len(),
            "headers": headers,
            "component": spin_sdk::variables::get("component_name").ok(),
            "served_by_instance": served,
        }),
    )
}

fn variable(name: &str) -> Response {
    match spin_sdk::variables::get(name) {
        Ok(value) => json_response(200, json!({ "value": value })),
        Err(spin_sdk::variables::Error::Undefined(m)) => {
            json_response(404, json!({ "error": "undefined", "message": m }))
        }
        Err(spin_sdk::variables::Error::InvalidName(m)) => {
            json_response(400, json!({ "error": "invalid-name", "message": m }))
        }
        Err(e) => json_response(500, json!({ "error": "other", "message": e.to_string() })),
    }
}

async fn outbound(req: &Request) -> Response {
    let url = query_param(req, "url").unwrap_or_default().to_owned();
    let result: Result<Response, _> = spin_sdk::http::send(Request::get(url)).await;
    match result {
        Ok(response) => json_response(200, json!({ "status": response.status() })),
        Err(spin_sdk::http::SendError::Http(code)) => {
            json_response(502, json!({ "error": debug_name(&code) }))
        }
        Err(e) => json_response(502, json!({ "error": e.to_string() })),
    }
}

fn db_url(body: &Value) -> anyhow::Result<String> {
    match body.get("url").and_then(Value::as_str) {
        Some(url) => Ok(url.to_owned()),
        None => spin_sdk::variables::get("db_url").context("reading db_url"),
    }
}

fn pg_call(req: &Request, execute: bool) -> Response {
    let outcome = (|| -> anyhow::Result<Result<Value, pg4::PgError>> {
        let body: Value = serde_json::from_slice(req.body()).context("body is not JSON")?;
        let sql = body
            .get("sql")
            .and_then(Value::as_str)
            .context("missing sql")?
            .to_owned();
        let params = body
            .get("params")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .map(param_from_json)
                    .collect::<anyhow::Result<Vec<_>>>()
            })
            .transpose()?
            .unwrap_or_default();
        let conn = match Connection::open(&db_url(&body)?) {
            Ok(conn) => conn,
            Err(e) => return Ok(Err(e)),
        };
        Ok(if execute {
            conn.execute(&sql, &params)
                .map(|n| json!({ "rows_affected": n }))
        } else {
            conn.query(&sql, &params).map(|rs| {
                json!({
                    "columns": rs.columns.iter().map(|c| json!({
                        "name": c.name,
                        "type": data_type_name(&c.data_type),
                    })).collect::<Vec<_>>(),
                    "rows": rs.rows.iter()
                        .map(|row| row.iter().map(value_to_json).collect::<Vec<_>>())
                        .collect::<Vec<_>>(),
                })
            })
        })
    })();
    match outcome {
        Ok(Ok(result)) => json_response(200, result),
        Ok(Err(e)) => json_response(200, json!({ "error": error_to_json(&e) })),
        Err(e) => json_response(400, json!({ "probe_error": format!("{e:#}") })),
    }
}

fn pg_hold(req: &Request) -> Response {
    let url = match spin_sdk::variables::get("db_url") {
        Ok(url) => url,
        Err(e) => return json_response(500, json!({ "probe_error": e.to_string() })),
    };
    let conn = match Connection::open(&url) {
        Ok(conn) => conn,
        Err(e) => return json_response(200, json!({ "error": error_to_json(&e) })),
    };
    let seconds = millis(req).as_secs_f64().to_string();
    match conn.query(
        "SELECT pg_sleep($1::text::float8)",
        &[ParameterValue::Str(seconds)],
    ) {
        Ok(_) => json_response(200, json!({ "held": true })),
        Err(e) => json_response(200, json!({ "error": error_to_json(&e) })),
    }
}

fn pg_begin_trap(req: &Request) -> anyhow::Result<Response> {
    let conn = Connection::open(&spin_sdk::variables::get("db_url")?)?;
    let note = String::from_utf8_lossy(req.body()).into_owned();
    conn.execute("BEGIN", &[])?;
    conn.execute(
        "INSERT INTO probe_log (note) VALUES ($1)",
        &[ParameterValue::Str(note)],
    )?;
    panic!("probe traps inside an open transaction");
}

fn error_to_json(e: &pg4::PgError) -> Value {
    match e {
        pg4::PgError::ConnectionFailed(m) => json!({ "kind": "connection-failed", "message": m }),
        pg4::PgError::BadParameter(m) => json!({ "kind": "bad-parameter", "message": m }),
        pg4::PgError::ValueConversionFailed(m) => {
            json!({ "kind": "value-conversion-failed", "message": m })
        }
        pg4::PgError::Other(m) => json!({ "kind": "other", "message": m }),
        pg4::PgError::QueryFailed(QueryError::Text(m)) => {
            json!({ "kind": "query-failed", "message": m })
        }
        pg4::PgError::QueryFailed(QueryError::DbError(db)) => json!({
            "kind": "query-failed",
            "message": db.as_text,
            "db": {
                "code": db.code,
                "severity": db.severity,
                "message": db.message,
                "detail": db.detail,
                "extras": db.extras.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            }
        }),
    }
}

fn data_type_name(t: &DbDataType) -> String {
    match t {
        DbDataType::Other(name) => format!("other:{name}"),
        other => debug_name(other),
    }
}

/// `Debug` of an enum value without its `Type::` prefix.
fn debug_name(value: &impl std::fmt::Debug) -> String {
    let text = format!("{value:?}");
    match text.split_once('(') {
        Some((head, tail)) => format!("{}({tail}", head.rsplit("::").next().unwrap_or(head)),
        None => text.rsplit("::").next().unwrap_or(&text).to_owned(),
    }
}

fn kind_name(k: RangeBoundKind) -> &'static str {
    match k {
        RangeBoundKind::Inclusive => "inclusive",
        RangeBoundKind::Exclusive => "exclusive",
    }
}

fn bound_json<T: Into<Value> + Clone>(b: &Option<(T, RangeBoundKind)>) -> Value {
    match b {
        Some((v, k)) => json!([v.clone().into(), kind_name(*k)]),
        None => Value::Null,
    }
}

fn value_to_json(v: &DbValue) -> Value {
    let (t, v) = match v {
        DbValue::Boolean(b) => ("boolean", json!(b)),
        DbValue::Int8(n) => ("int8", json!(n)),
        DbValue::Int16(n) => ("int16", json!(n)),
        DbValue::Int32(n) => ("int32", json!(n)),
        DbValue::Int64(n) => ("int64", json!(n)),
        DbValue::Floating32(n) => ("floating32", json!(n)),
        DbValue::Floating64(n) => ("floating64", json!(n)),
        DbValue::Str(s) => ("str", json!(s)),
        DbValue::Binary(b) => ("binary", json!(b)),
        DbValue::Date((y, m, d)) => ("date", json!([y, m, d])),
        DbValue::Time((h, m, s, ns)) => ("time", json!([h, m, s, ns])),
        DbValue::Datetime((y, mo, d, h, mi, s, ns)) => {
            ("datetime", json!([y, mo, d, h, mi, s, ns]))
        }
        DbValue::Timestamp(t) => ("timestamp", json!(t)),
        DbValue::Uuid(u) => ("uuid", json!(u)),
        DbValue::Jsonb(b) => (
            "jsonb",
            serde_json::from_slice(b).unwrap_or_else(|_| json!(String::from_utf8_lossy(b))),
        ),
        DbValue::Decimal(d) => ("decimal", json!(d)),
        DbValue::RangeInt32((l, u)) => ("range-int32", json!([bound_json(l), bound_json(u)])),
        DbValue::RangeInt64((l, u)) => ("range-int64", json!([bound_json(l), bound_json(u)])),
        DbValue::RangeDecimal((l, u)) => ("range-decimal", json!([bound_json(l), bound_json(u)])),
        DbValue::ArrayInt32(a) => ("array-int32", json!(a)),
        DbValue::ArrayInt64(a) => ("array-int64", json!(a)),
        DbValue::ArrayDecimal(a) => ("array-decimal", json!(a)),
        DbValue::ArrayStr(a) => ("array-str", json!(a)),
        DbValue::Interval(i) => (
            "interval",
            json!({ "micros": i.micros, "days": i.days, "months": i.months }),
        ),
        DbValue::DbNull => ("db-null", Value::Null),
        DbValue::Unsupported(b) => ("unsupported", json!(b)),
    };
    json!({ "t": t, "v": v })
}

type JsonBound = Option<(Value, RangeBoundKind)>;

fn param_from_json(p: &Value) -> anyhow::Result<ParameterValue> {
    let t = p
        .get("t")
        .and_then(Value::as_str)
        .context("parameter without t")?;
    let v = p.get("v").cloned().unwrap_or(Value::Null);
    let int = |v: &Value| v.as_i64().context("expected an integer");
    let text = |v: &Value| v.as_str().map(str::to_owned).context("expected a string");
    let ints = |v: &Value| -> anyhow::Result<Vec<i64>> {
        v.as_array()
            .context("expected an array")?
            .iter()
            .map(int)
            .collect()
    };
    let bound_kind = |k: &Value| match k.as_str() {
        Some("inclusive") => Ok(RangeBoundKind::Inclusive),
        Some("exclusive") => Ok(RangeBoundKind::Exclusive),
        _ => Err(anyhow!("bad bound kind")),
    };
    let bound = |b: &Value| -> anyhow::Result<Option<(Value, RangeBoundKind)>> {
        if b.is_null() {
            return Ok(None);
        }
        let pair = b.as_array().context("bound must be [value, kind]")?;
        let value = pair.first().cloned().context("bound value")?;
        Ok(Some((
            value,
            bound_kind(pair.get(1).unwrap_or(&Value::Null))?,
        )))
    };
    let bounds = |v: &Value| -> anyhow::Result<(JsonBound, JsonBound)> {
        let pair = v.as_array().context("range must be [lower, upper]")?;
        Ok((
            bound(pair.first().unwrap_or(&Value::Null))?,
            bound(pair.get(1).unwrap_or(&Value::Null))?,
        ))
    };
    let narrow = |n: i64| -> anyhow::Result<i32> { Ok(i32::try_from(n)?) };
    Ok(match t {
        "boolean" => ParameterValue::Boolean(v.as_bool().context("expected a bool")?),
        "int8" => ParameterValue::Int8(i8::try_from(int(&v)?)?),
        "int16" => ParameterValue::Int16(i16::try_from(int(&v)?)?),
        "int32" => ParameterValue::Int32(narrow(int(&v)?)?),
        "int64" => ParameterValue::Int64(int(&v)?),
        "floating32" => ParameterValue::Floating32(v.as_f64().context("expected a float")? as f32),
        "floating64" => ParameterValue::Floating64(v.as_f64().context("expected a float")?),
        "str" => ParameterValue::Str(text(&v)?),
        "binary" => ParameterValue::Binary(
            ints(&v)?
                .into_iter()
                .map(u8::try_from)
                .collect::<Result<_, _>>()?,
        ),
        "date" => {
            let d = ints(&v)?;
            ParameterValue::Date((narrow(d[0])?, u8::try_from(d[1])?, u8::try_from(d[2])?))
        }
        "time" => {
            let t = ints(&v)?;
            ParameterValue::Time((
                u8::try_from(t[0])?,
                u8::try_from(t[1])?,
                u8::try_from(t[2])?,
                u32::try_from(t[3])?,
            ))
        }
        "datetime" => {
            let d = ints(&v)?;
            ParameterValue::Datetime((
                narrow(d[0])?,
                u8::try_from(d[1])?,
                u8::try_from(d[2])?,
                u8::try_from(d[3])?,
                u8::try_from(d[4])?,
                u8::try_from(d[5])?,
                u32::try_from(d[6])?,
            ))
        }
        "timestamp" => ParameterValue::Timestamp(int(&v)?),
        "uuid" => ParameterValue::Uuid(text(&v)?),
        "jsonb" => ParameterValue::Jsonb(serde_json::to_vec(&v)?),
        "decimal" => ParameterValue::Decimal(text(&v)?),
        "range-int32" => {
            let (l, u) = bounds(&v)?;
            let conv = |b: Option<(Value, RangeBoundKind)>| -> anyhow::Result<_> {
                b.map(|(v, k)| Ok((narrow(int(&v)?)?, k))).transpose()
            };
            ParameterValue::RangeInt32((conv(l)?, conv(u)?))
        }
        "range-int64" => {
            let (l, u) = bounds(&v)?;
            let conv = |b: Option<(Value, RangeBoundKind)>| -> anyhow::Result<_> {
                b.map(|(v, k)| Ok((int(&v)?, k))).transpose()
            };
            ParameterValue::RangeInt64((conv(l)?, conv(u)?))
        }
        "range-decimal" => {
            let (l, u) = bounds(&v)?;
            let conv = |b: Option<(Value, RangeBoundKind)>| -> anyhow::Result<_> {
                b.map(|(v, k)| Ok((text(&v)?, k))).transpose()
            };
            ParameterValue::RangeDecimal((conv(l)?, conv(u)?))
        }
        "array-int32" => ParameterValue::ArrayInt32(
            v.as_array()
                .context("expected an array")?
                .iter()
                .map(|x| {
                    if x.is_null() {
                        Ok(None)
                    } else {
                        Ok(Some(narrow(int(x)?)?))
                    }
                })
                .collect::<anyhow::Result<_>>()?,
        ),
        "array-int64" => ParameterValue::ArrayInt64(
            v.as_array()
                .context("expected an array")?
                .iter()
                .map(|x| {
                    if x.is_null() {
                        Ok(None)
                    } else {
                        int(x).map(Some)
                    }
                })
                .collect::<anyhow::Result<_>>()?,
        ),
        "array-decimal" | "array-str" => {
            let items = v
                .as_array()
                .context("expected an array")?
                .iter()
                .map(|x| {
                    if x.is_null() {
                        Ok(None)
                    } else {
                        text(x).map(Some)
                    }
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            if t == "array-str" {
                ParameterValue::ArrayStr(items)
            } else {
                ParameterValue::ArrayDecimal(items)
            }
        }
        "interval" => ParameterValue::Interval(Interval {
            micros: v.get("micros").map(int).transpose()?.unwrap_or(0),
            days: narrow(v.get("days").map(int).transpose()?.unwrap_or(0))?,
            months: narrow(v.get("months").map(int).transpose()?.unwrap_or(0))?,
        }),
        "db-null" => ParameterValue::DbNull,
        other => return Err(anyhow!("unknown parameter type {other}")),
    })
}

//! `spin:postgres@4.0.0`: the type mapping, strict parameter binding, and structured errors,
//! including the Spin 4.0.2 behaviours the host must reproduce.

use serde_json::{Value, json};

use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_mapped_type_round_trips_through_a_typed_parameter() {
    // Arrange
    let app = TestApp::spawn_with_db(|_| {}).await;
    let uuid = "67e55044-10b1-426f-9247-bb680e5fe0c8";
    let cases: Vec<(&str, Value, &str, Value)> = vec![
        (
            "bool",
            json!({"t": "boolean", "v": true}),
            "boolean",
            json!(true),
        ),
        ("int2", json!({"t": "int16", "v": -12}), "int16", json!(-12)),
        (
            "int4",
            json!({"t": "int32", "v": 123456}),
            "int32",
            json!(123456),
        ),
        (
            "int8",
            json!({"t": "int64", "v": 9007199254740993i64}),
            "int64",
            json!(9007199254740993i64),
        ),
        (
            "float4",
            json!({"t": "floating32", "v": 1.5}),
            "floating32",
            json!(1.5),
        ),
        (
            "float8",
            json!({"t": "floating64", "v": 2.25}),
            "floating64",
            json!(2.25),
        ),
        (
            "text",
            json!({"t": "str", "v": "héllo"}),
            "str",
            json!("héllo"),
        ),
        ("varchar", json!({"t": "str", "v": "v"}), "str", json!("v")),
        (
            "bytea",
            json!({"t": "binary", "v": [0, 1, 255]}),
            "binary",
            json!([0, 1, 255]),
        ),
        (
            "date",
            json!({"t": "date", "v": [2024, 2, 29]}),
            "date",
            json!([2024, 2, 29]),
        ),
        (
            "time",
            json!({"t": "time", "v": [13, 14, 15, 500000000]}),
            "time",
            json!([13, 14, 15, 500000000]),
        ),
        (
            "timestamp",
            json!({"t": "datetime", "v": [2024, 1, 2, 3, 4, 5, 6000]}),
            "datetime",
            json!([2024, 1, 2, 3, 4, 5, 6000]),
        ),
        ("uuid", json!({"t": "uuid", "v": uuid}), "uuid", json!(uuid)),
        (
            "jsonb",
            json!({"t": "jsonb", "v": {"a": [1, 2]}}),
            "jsonb",
            json!({"a": [1, 2]}),
        ),
        (
            "numeric",
            json!({"t": "decimal", "v": "12345.678"}),
            "decimal",
            json!("12345.678"),
        ),
        (
            "int4range",
            json!({"t": "range-int32", "v": [[1, "inclusive"], [5, "exclusive"]]}),
            "range-int32",
            json!([[1, "inclusive"], [5, "exclusive"]]),
        ),
        (
            "int8range",
            json!({"t": "range-int64", "v": [[1, "exclusive"], null]}),
            "range-int64",
            json!([[2, "inclusive"], null]),
        ),
        (
            "numrange",
            json!({"t": "range-decimal", "v": [["1.5", "inclusive"], ["2.5", "inclusive"]]}),
            "range-decimal",
            json!([["1.5", "inclusive"], ["2.5", "inclusive"]]),
        ),
        (
            "int4[]",
            json!({"t": "array-int32", "v": [1, null, 3]}),
            "array-int32",
            json!([1, null, 3]),
        ),
        (
            "int8[]",
            json!({"t": "array-int64", "v": [4, null]}),
            "array-int64",
            json!([4, null]),
        ),
        (
            "numeric[]",
            json!({"t": "array-decimal", "v": ["1.25", null]}),
            "array-decimal",
            json!(["1.25", null]),
        ),
        (
            "text[]",
            json!({"t": "array-str", "v": ["a", null, "c"]}),
            "array-str",
            json!(["a", null, "c"]),
        ),
        (
            "interval",
            json!({"t": "interval", "v": {"micros": 1500000, "days": 2, "months": 3}}),
            "interval",
            json!({"micros": 1500000, "days": 2, "months": 3}),
        ),
        ("text", json!({"t": "db-null"}), "db-null", Value::Null),
    ];

    for (pg_type, param, expected_t, expected_v) in cases {
        // Act
        let sql = format!("SELECT $1::{pg_type} AS v");
        let result = app.query(&sql, json!([param])).await;

        // Assert
        let value = &result["rows"][0][0];
        assert_eq!(value["t"], expected_t, "{pg_type}: {result}");
        assert_eq!(value["v"], expected_v, "{pg_type}: {result}");
    }

    let unix = app
        .query_value(
            "SELECT $1::timestamptz::timestamp AS v",
            json!([{"t": "timestamp", "v": 86400}]),
        )
        .await;
    assert_eq!(
        unix["v"],
        json!([1970, 1, 2, 0, 0, 0, 0]),
        "timestamp parameter is Unix seconds"
    );
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn columns_report_spins_data_types_and_unmapped_types_come_back_unsupported() {
    let app = TestApp::spawn_with_db(|_| {}).await;
    let result = app
        .query(
            "SELECT 1::int4 AS n, 'x'::text AS s, '10.0.0.1'::inet AS ip",
            json!([]),
        )
        .await;
    assert_eq!(
        result["columns"],
        json!([
            {"name": "n", "type": "Int32"},
            {"name": "s", "type": "Str"},
            {"name": "ip", "type": "other:inet"},
        ])
    );
    assert_eq!(result["rows"][0][2]["t"], "unsupported");
    assert!(
        result["rows"][0][2]["v"]
            .as_array()
            .is_some_and(|b| !b.is_empty())
    );
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_result_has_no_columns_as_on_spin() {
    let app = TestApp::spawn_with_db(|_| {}).await;
    let result = app.query("SELECT 1 AS n WHERE false", json!([])).await;
    assert_eq!(result, json!({"columns": [], "rows": []}));
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_timestamptz_fails_the_whole_query_but_a_timestamp_cast_works() {
    let app = TestApp::spawn_with_db(|_| {}).await;

    let failed = app.query("SELECT 1 AS a, now() AS b", json!([])).await;
    assert_eq!(failed["error"]["kind"], "query-failed", "{failed}");
    let message = failed["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("cannot convert between the Rust type")
            && message.contains("NaiveDateTime")
            && message.contains("timestamptz"),
        "{message}"
    );

    let cast = app
        .query_value("SELECT now()::timestamp AS b", json!([]))
        .await;
    assert_eq!(cast["t"], "datetime");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_datetime_parameter_cannot_bind_to_timestamptz() {
    let app = TestApp::spawn_with_db(|_| {}).await;
    app.db()
        .batch("CREATE TABLE events (at timestamptz NOT NULL)")
        .await;
    let result = app
        .execute(
            "INSERT INTO events (at) VALUES ($1)",
            json!([{"t": "datetime", "v": [2024, 1, 1, 0, 0, 0, 0]}]),
        )
        .await;
    assert_eq!(result["error"]["kind"], "query-failed", "{result}");
    assert!(
        result["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("WrongType"),
        "{result}"
    );
    assert_eq!(app.db().scalar_i64("SELECT count(*) FROM events").await, 0);
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_str_parameter_where_the_server_infers_uuid_fails_even_with_a_cast() {
    let app = TestApp::spawn_with_db(|_| {}).await;
    let uuid = json!([{"t": "str", "v": "67e55044-10b1-426f-9247-bb680e5fe0c8"}]);

    let strict = app.query("SELECT $1::uuid AS u", uuid.clone()).await;
    let message = strict["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("WrongType") && message.contains("Uuid"),
        "{strict}"
    );

    let via_text = app.query_value("SELECT $1::text::uuid AS u", uuid).await;
    assert_eq!(via_text["t"], "uuid");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_errors_carry_sqlstate_severity_detail_and_extras() {
    // Arrange
    let app = TestApp::spawn_with_db(|_| {}).await;
    let insert = |note: &str| json!([{"t": "str", "v": note}]);
    let first = app
        .execute("INSERT INTO probe_log (note) VALUES ($1)", insert("dup"))
        .await;
    assert_eq!(first["rows_affected"], 1);

    // Act
    let duplicate = app
        .execute("INSERT INTO probe_log (note) VALUES ($1)", insert("dup"))
        .await;
    let missing = app.query("SELECT * FROM no_such_table", json!([])).await;
    let division = app.query("SELECT 1 / 0 AS x", json!([])).await;

    // Assert
    let db = &duplicate["error"]["db"];
    assert_eq!(duplicate["error"]["kind"], "query-failed");
    assert_eq!(db["code"], "23505");
    assert_eq!(db["severity"], "ERROR");
    assert!(
        db["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("(note)=(dup)"),
        "{db}"
    );
    let extras = db["extras"].as_array().cloned().unwrap_or_default();
    assert!(
        extras.contains(&json!(["constraint", "probe_log_note_key"])),
        "{extras:?}"
    );
    assert!(
        extras.contains(&json!(["table", "probe_log"])),
        "{extras:?}"
    );
    assert_eq!(missing["error"]["db"]["code"], "42P01");
    assert_eq!(division["error"]["db"]["code"], "22012");
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_parameters_are_bad_parameter_for_query_and_conversion_errors_for_execute() {
    let app = TestApp::spawn_with_db(|_| {}).await;
    let bad_uuid = json!([{"t": "uuid", "v": "not-a-uuid"}]);
    let query = app.query("SELECT $1::uuid", bad_uuid.clone()).await;
    let execute = app.execute("SELECT $1::uuid", bad_uuid).await;
    assert_eq!(query["error"]["kind"], "bad-parameter", "{query}");
    assert_eq!(
        execute["error"]["kind"], "value-conversion-failed",
        "{execute}"
    );
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_configured_statement_timeout_cancels_long_statements() {
    let app = TestApp::spawn_with_db(|c| {
        c.pool.statement_timeout = std::time::Duration::from_millis(200);
    })
    .await;
    let result = app.query("SELECT pg_sleep(2)::text AS s", json!([])).await;
    assert_eq!(result["error"]["db"]["code"], "57014", "{result}");
    app.shutdown().await;
}
